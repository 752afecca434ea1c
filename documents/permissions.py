"""Who may see and do what with controlled documents (文档管理, §3.2).

The provider's staff keep the catalogue, lend and take back, back up and check validity
(the desk does "运维项目文档管理"); any of them may apply for a change, a scrapping or a
loan; the client's ops department and information centre (the approver role) release
documents and decide applications, each approver for the body on their profile and only
where the plan asks that body (documents.bodies), and may apply too (they organise the
writing). End users see no documents.

Three layers, one source each:
- `ROLE_PERMISSIONS`: the Django permissions each role holds (merged by servicedesk.roles);
- `role_refusal(user, action)`: may this role do `action` at all, and if not why;
- `decision_refusal(user, subject, stage)`: may this user decide this registration or
  application at its current stage now, and if not why. The pages call it to show or
  explain the decision buttons, the services call it (through `require`) to refuse,
  and the approvals inbox lists exactly the rows for which it is "".

The querysets in documents.models.querysets (`restrict(user, action)`) derive the lists
from the same rules.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from itsm.actors import is_system_user
from servicedesk.choices import ApprovalBody, Role
from servicedesk.roles import is_staff_role, user_has_role

from . import bodies as approval_bodies
from .choices import DOCUMENT_IN_USE, Decision, DecisionStage, DocumentStatus

_MODELS = [
    "controlleddocument",
    "documentversion",
    "documentchangeapplication",
    "documentscrapapplication",
    "documentborrowapplication",
    "documentbackup",
    "documentvaliditycheck",
    "documentdecision",
    "libraryentry",
    "handinduty",
    "technicalhandin",
]
_READ = [f"documents.view_{model}" for model in _MODELS]
_APPLY = [
    "documents.add_documentchangeapplication",
    "documents.add_documentscrapapplication",
    "documents.add_documentborrowapplication",
]
_KEEP = [
    *_READ,
    *_APPLY,
    "documents.add_controlleddocument",
    "documents.change_controlleddocument",
    "documents.change_documentborrowapplication",
    "documents.add_documentbackup",
    "documents.change_documentbackup",
    "documents.add_documentvaliditycheck",
    "documents.add_libraryentry",
    "documents.change_libraryentry",
    "documents.add_technicalhandin",
]

ROLE_PERMISSIONS = {
    Role.SERVICE_DESK: [*_KEEP],
    Role.ENGINEER: [*_KEEP],
    # Not "documents.*": approving documents is the client's (approver role), not the provider's.
    Role.SUPERVISOR: [*_KEEP, "documents.review_technicalhandin"],
    Role.APPROVER: [*_READ, *_APPLY, "documents.approve_controlleddocument"],
    Role.MANAGER: ["documents.view_*", "documents.add_documentborrowapplication"],
}

READ_PERMISSION = "documents.view_controlleddocument"
APPROVE_PERMISSION = "documents.approve_controlleddocument"


def can_read_documents(user) -> bool:
    """IT staff and the approvers; end users have no access to the document catalogue."""
    return bool(
        user is not None
        and user.is_authenticated
        and (is_staff_role(user) or user_has_role(user, Role.APPROVER))
        and user.has_perm(READ_PERMISSION)
    )


# action → (permission codename beyond reading, refusal message)
ROLE_RULES = {
    "read": ("", gettext_lazy("Only IT staff and the approvers can see controlled documents.")),
    "register": (
        "add_controlleddocument",
        gettext_lazy("Only the document keepers (IT staff) can register documents."),
    ),
    "edit": (
        "change_controlleddocument",
        gettext_lazy("Only the document keepers (IT staff) can edit the catalogue."),
    ),
    "release": (
        "approve_controlleddocument",
        gettext_lazy(
            "Only the ops department / information centre (approvers) can release a document."
        ),
    ),
    "apply_change": (
        "add_documentchangeapplication",
        gettext_lazy("Your role cannot apply for a document change."),
    ),
    "apply_scrap": (
        "add_documentscrapapplication",
        gettext_lazy("Your role cannot apply for scrapping a document."),
    ),
    "borrow": (
        "add_documentborrowapplication",
        gettext_lazy("Your role cannot apply to borrow a document."),
    ),
    "decide": (
        "approve_controlleddocument",
        gettext_lazy(
            "Only the ops department / information centre (approvers) can decide applications."
        ),
    ),
    "lend": (
        "change_documentborrowapplication",
        gettext_lazy(
            "Only the document keepers (IT staff) hand documents over and take them back."
        ),
    ),
    "backup": (
        "add_documentbackup",
        gettext_lazy("Only the document keepers (IT staff) record backups."),
    ),
    "verify_backup": (
        "change_documentbackup",
        gettext_lazy("Only the document keepers (IT staff) verify backups."),
    ),
    "check": (
        "add_documentvaliditycheck",
        gettext_lazy("Only the document keepers (IT staff) record validity checks."),
    ),
    "library": (
        "change_libraryentry",
        gettext_lazy("Only the document keepers (IT staff) maintain the driver library."),
    ),
    "hand_in": (
        "add_technicalhandin",
        gettext_lazy("Only IT staff hand in technical documents."),
    ),
    "review_handins": (
        "review_technicalhandin",
        gettext_lazy("Only the service supervisor reviews technical monthly reports."),
    ),
}


def role_allows(user, action: str) -> bool:
    codename, _message = ROLE_RULES[action]
    if user is not None and is_system_user(user):
        return True  # the scheduled scans act as the system actor
    return can_read_documents(user) and (not codename or user.has_perm(f"documents.{codename}"))


def role_refusal(user, action: str) -> str:
    """Why `user`'s role may not `action` documents at all ("" when it may)."""
    return "" if role_allows(user, action) else str(ROLE_RULES[action][1])


def result_refusal(user, application) -> str:
    """Why `user` may not record how an approved change was made ("" when they may):
    whoever applied, the document keepers, or the ops department, which the plan has
    organise the change (§3.2)."""
    refusal = role_refusal(user, "apply_change")
    if refusal:
        return refusal
    ops_department = (
        role_allows(user, "decide") and approval_bodies.body_of(user) == ApprovalBody.OPS_DEPARTMENT
    )
    if application.requested_by_id == user.pk or role_allows(user, "edit") or ops_department:
        return ""
    return _(
        "Only whoever applied, the document keepers or the operations department can "
        "record how this change was made."
    )


def withdraw_refusal(user, application) -> str:
    """Why `user` may not withdraw `application` ("" when they may): only the applicant
    (or an administrator) takes an unfinished application back."""
    refusal = role_refusal(user, "read")
    if refusal:
        return refusal
    if application.requested_by_id != user.pk and not user.is_superuser:
        return _("Only the applicant can withdraw an application.")
    return ""


# --- deciding a registration or an application -----------------------------------------


class StateRefusal(str):
    """A refusal about where the record stands now (a body decided already, the release
    was turned down), not about who asks: `require` raises it as IllegalTransition (409)
    rather than PermissionDenied (403)."""


def require(refusal: str) -> None:
    """Refuse with `refusal` when there is one: 409 for the record's state, else 403."""
    if isinstance(refusal, StateRefusal) and refusal:
        raise workflow.IllegalTransition(str(refusal), code="status")
    workflow.require(refusal)


# page action → the role rule it needs
_DOCUMENT_ACTION_RULE = {"change": "apply_change", "scrap": "apply_scrap", "resubmit": "edit"}


def document_refusal(
    user, document, action: str, *, pending_scrap: str = "", open_change: str = ""
) -> str:
    """Why `user` may not `action` this document now ("" when they may).

    Actions: "edit", "change", "scrap", "borrow", "check", "backup", "resubmit". The role
    rule first, then the document's status (a StateRefusal: 409 in the API).
    `pending_scrap` and `open_change` are the numbers of a scrap application awaiting
    approval and of a change application under way, if any (the page has them loaded,
    the service reads them under lock). No queries.
    """
    refusal = role_refusal(user, _DOCUMENT_ACTION_RULE.get(action, action))
    if refusal:
        return refusal
    status = document.status
    words = {"number": document.number, "status": document.get_status_display().lower()}
    if action == "edit" and status == DocumentStatus.SCRAPPED:
        return StateRefusal(_("A scrapped document is kept as it was and cannot be edited."))
    if action == "change" and status == DocumentStatus.UNDER_CHANGE and open_change:
        return StateRefusal(
            _("%(document)s already has change application %(number)s in progress.")
            % {"document": document.number, "number": open_change}
        )
    if action == "change" and status != DocumentStatus.EFFECTIVE:
        return StateRefusal(
            _("Only an effective document can be changed; %(number)s is %(status)s.") % words
        )
    if action == "scrap":
        if status == DocumentStatus.SCRAPPED:
            return StateRefusal(_("%(number)s is scrapped already.") % words)
        if status == DocumentStatus.UNDER_CHANGE:
            return StateRefusal(_("Decide the pending change of %(number)s first.") % words)
        if pending_scrap:
            return StateRefusal(
                _("Scrap application %(number)s is already awaiting approval.")
                % {"number": pending_scrap}
            )
    if action == "borrow" and status not in DOCUMENT_IN_USE:
        return StateRefusal(_("Only documents in use are lent; %(number)s is %(status)s.") % words)
    if action == "check" and status not in DOCUMENT_IN_USE:
        return StateRefusal(
            _("Only documents in use are checked; %(number)s is %(status)s.") % words
        )
    return ""


def _name(user) -> str:
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def decision_refusal(user, subject, stage) -> str:
    """Why `user` may not decide `subject` at `stage` now ("" when they may).

    `subject` is a ControlledDocument (its registration, awaiting release) or an
    application; `stage` is the DecisionStageView of the stage being decided (its rows
    are the latest round's decisions, `planned` the bodies before rows exist), as the
    selectors build it and the services read it under lock. No queries: the page, the
    service and the approvals inbox call it on rows they have already read.
    """
    registration = stage.kind == "registration"
    refusal = role_refusal(user, "release" if registration else "decide")
    if refusal:
        return refusal
    number = subject.number
    if registration and subject.registered_by_id == user.pk:
        return _("You registered %(number)s yourself: another approver must release it.") % {
            "number": number
        }
    if not registration and subject.requested_by_id == user.pk:
        return _("You filed %(number)s yourself: another approver must decide it.") % {
            "number": number
        }
    if stage.stage == DecisionStage.CONFIRMATION and subject.carried_out_by_id == user.pk:
        return _(
            "You recorded the result of %(number)s yourself: another approver confirms it."
        ) % {"number": number}
    if registration and any(row.decision == Decision.REJECTED for row in stage.rows):
        return StateRefusal(
            _(
                "The release of %(number)s was turned down; the keepers correct it and "
                "hand it in again first."
            )
            % {"number": number}
        )
    body = approval_bodies.body_of(user)
    asked = [row.body for row in stage.rows] or list(stage.planned)
    wanted = approval_bodies.bodies_label(asked)
    if body not in asked:
        if not body:
            return _(
                "Your approver profile names no body you sign for; %(bodies)s must "
                "decide %(number)s. An administrator sets it on your profile."
            ) % {"bodies": wanted, "number": number}
        return _("%(number)s is for %(bodies)s to decide; you sign for %(body)s.") % {
            "number": number,
            "bodies": wanted,
            "body": approval_bodies.body_label(body),
        }
    row = next((row for row in stage.rows if row.body == body), None)
    if row is not None and not row.is_pending:
        return StateRefusal(
            _(
                "%(body)s has already decided %(number)s (%(decision)s by %(name)s); "
                "nothing was changed."
            )
            % {
                "body": row.get_body_display(),
                "number": number,
                "decision": str(row.decision_label).lower(),
                "name": _name(row.decided_by) if row.decided_by_id else "—",
            }
        )
    return ""


# --- technical hand-ins (§6.3.6) ---------------------------------------------------------


def handin_refusal(user, handin, action: str) -> str:
    """Why `user` may not `action` this period of a duty now ("" when they may).

    `handin` is a TechnicalHandIn (saved or not: a period nobody touched yet) with its
    duty loaded. Actions: "hand_in" (the duty's engineer, while it is owed, or again to
    replace a weekly document) and "review" (accept or return a monthly report awaiting
    review; not one's own). No queries.
    """
    from .choices import OWED, HandInKind, HandInStatus

    duty = handin.duty
    if action == "hand_in":
        refusal = role_refusal(user, "hand_in")
        if refusal:
            return refusal
        if duty.assignee_id != user.pk:
            return _("Only %(name)s hands in this document.") % {"name": _name(duty.assignee)}
        replace_weekly = duty.kind == HandInKind.WEEKLY and handin.status == HandInStatus.RECEIVED
        if handin.status not in OWED and not replace_weekly:
            return StateRefusal(
                _("This document is %(status)s; it cannot be handed in again.")
                % {"status": handin.get_status_display().lower()}
            )
        return ""
    refusal = role_refusal(user, "review_handins")
    if refusal:
        return refusal
    if duty.assignee_id == user.pk:
        return _("You handed this report in yourself: another supervisor reviews it.")
    if handin.status != HandInStatus.SUBMITTED:
        return StateRefusal(
            _("Only a report awaiting review can be reviewed; this one is %(status)s.")
            % {"status": handin.get_status_display().lower()}
        )
    return ""
