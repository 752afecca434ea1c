"""What the acting user may do on a document page, and why not: the buttons.

Each button asks the same refusal functions the services call (documents.permissions),
so a button shown is an action the service accepts, and a greyed one says the reason
the service would give.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import permissions
from .choices import (
    DOCUMENT_IN_USE,
    ApplicationStatus,
    BorrowStatus,
    Decision,
    DecisionStage,
    DocumentStatus,
)
from .models import DocumentBorrowApplication, DocumentChangeApplication
from .services import CHANGE_OPEN
from .stages import current_stage


@dataclass
class Action:
    name: str
    label: str
    allowed: bool
    reason: str = ""


def document_actions(*, user, document, applications) -> list[Action]:
    """The document's actions for `user`, each allowed or with the reason it is not.

    `applications` is document_applications' answer (it sets `document.release_stage`).
    """
    status = document.status
    in_use = status in DOCUMENT_IN_USE
    pending_scrap = any(a.status == ApplicationStatus.SUBMITTED for a in applications["scraps"])
    actions = []

    def add(name, label, rule, blocked=""):
        refusal = permissions.role_refusal(user, rule)
        if refusal:
            actions.append(Action(name, label, False, refusal))
        else:
            actions.append(Action(name, label, not blocked, blocked))

    if status == DocumentStatus.DRAFT:
        stage = getattr(document, "release_stage", None)
        rows = stage.rows if stage else []
        turned_down = any(row.decision == Decision.REJECTED for row in rows)
        if turned_down:
            add("resubmit", _("Hand in again for release"), "edit")
        else:
            block = permissions.decision_refusal(user, document, stage) if stage else ""
            add("release", _("Release"), "release", block)
    add(
        "edit",
        _("Edit catalogue entry"),
        "edit",
        _("A scrapped document is kept as it was.") if status == DocumentStatus.SCRAPPED else "",
    )
    change_block = ""
    if status == DocumentStatus.UNDER_CHANGE:
        change_block = _("A change application is in progress.")
    elif status != DocumentStatus.EFFECTIVE:
        change_block = _("Only an effective document can be changed.")
    add("change", _("Apply for a change"), "apply_change", change_block)
    scrap_block = ""
    if status == DocumentStatus.SCRAPPED:
        scrap_block = _("It is scrapped already.")
    elif status == DocumentStatus.UNDER_CHANGE:
        scrap_block = _("Decide the pending change first.")
    elif pending_scrap:
        scrap_block = _("A scrap application is awaiting approval.")
    add("scrap", _("Apply to scrap"), "apply_scrap", scrap_block)
    add(
        "borrow",
        _("Apply to borrow"),
        "borrow",
        "" if in_use else _("Only documents in use are lent."),
    )
    add(
        "check",
        _("Record a validity check"),
        "check",
        "" if in_use else _("Only documents in use are checked."),
    )
    add("backup", _("Record a backup"), "backup")
    return actions


def application_actions(*, user, application) -> tuple[list[str], str]:
    """The actions `user` can take on one application now (the buttons shown), and why
    they cannot decide it when they are an approver but see no decision buttons.

    Needs `application.decision_stages` (document_applications or application_decisions).
    """
    kind = type(application)
    status = application.status
    names = []
    note = ""
    own = application.requested_by_id == user.pk
    stage = current_stage(application)
    if stage and permissions.role_allows(user, "decide"):
        view = next(s for s in application.decision_stages if s.stage == stage)
        note = str(permissions.decision_refusal(user, application, view))
        if not note:
            names += ["approve" if stage == DecisionStage.APPROVAL else "confirm", "reject"]
    if (
        kind is DocumentChangeApplication
        and status == ApplicationStatus.APPROVED
        and not permissions.result_refusal(user, application)
    ):
        names.append("result")
    if own and (
        status == ApplicationStatus.SUBMITTED
        or (kind is DocumentChangeApplication and status in CHANGE_OPEN)
        or (kind is DocumentBorrowApplication and status == BorrowStatus.APPROVED)
    ):
        names.append("withdraw")
    if kind is DocumentBorrowApplication and permissions.role_allows(user, "lend"):
        if status == BorrowStatus.APPROVED:
            names.append("lend")
        if status == BorrowStatus.LENT:
            names.append("return")
    return names, note
