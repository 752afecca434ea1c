"""What the acting user may do on a document page, and why not: the buttons.

Each button asks the same refusal functions the services call (documents.permissions),
so a button shown is an action the service accepts, and a greyed one says the reason
the service would give.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import permissions
from .choices import (
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
    pending_scrap = next(
        (a.number for a in applications["scraps"] if a.status == ApplicationStatus.SUBMITTED), ""
    )
    open_change = next((a.number for a in applications["changes"] if a.status in CHANGE_OPEN), "")
    actions = []

    def add(name, label):
        refusal = permissions.document_refusal(
            user, document, name, pending_scrap=pending_scrap, open_change=open_change
        )
        actions.append(Action(name, label, not refusal, str(refusal)))

    if document.status == DocumentStatus.DRAFT:
        stage = getattr(document, "release_stage", None)
        rows = stage.rows if stage else []
        if any(row.decision == Decision.REJECTED for row in rows):
            add("resubmit", _("Hand in again for release"))
        else:
            refusal = permissions.role_refusal(user, "release")
            if not refusal and stage is not None:
                refusal = permissions.decision_refusal(user, document, stage)
            actions.append(Action("release", _("Release"), not refusal, str(refusal)))
    add("edit", _("Edit catalogue entry"))
    add("change", _("Apply for a change"))
    add("scrap", _("Apply to scrap"))
    add("borrow", _("Apply to borrow"))
    add("check", _("Record a validity check"))
    add("backup", _("Record a backup"))
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
    if not permissions.withdraw_refusal(user, application) and (
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
