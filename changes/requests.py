"""Requests for change from end users and the service desk (§2.2.1.1: the desk is where
users hand in RFCs; §2.2.1.5: the client's organisation submits change requests).

A request is an ordinary ChangeRequest marked with who raised it (`raised_via`), carrying
what is wanted, why and by when, but no plan: its requester keeps it as a draft or sends
it (submitted). The change manager triages what was sent: takes it up, naming an
implementer who plans it (the change goes back to draft, now the implementer's, and then
follows the normal path: submit with a plan → assess → CAB), or declines it with a reason
the requester reads. The requester always sees their own requests, never anyone else's.

Writes go through the one pipeline (itsm.workflow) with changes.permissions' rules
("request", "edit"/"submit" on an own request not taken up, "triage").
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from itsm.services import transition_record
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_has_role

from .choices import ChangeOrigin, ChangeStatus
from .models import ChangeRequest
from .permissions import change_refusal
from .services import CONFLICT, REFUSED, _tell


def _users_with_role(role):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name=role, is_active=True))


def _is_request(change) -> bool:
    return change.raised_via != ChangeOrigin.STAFF


def _validate(summary: str, reason: str) -> None:
    errors = {}
    if not summary.strip():
        errors["summary"] = _("Say in one line what should change.")
    if not reason.strip():
        errors["reason"] = _("Say why the change is needed.")
    if errors:
        raise ValidationError(errors)


def _send(change, actor) -> None:
    workflow.transition(
        change,
        actor=actor,
        name="submit",
        method=change.submit,
        refused=REFUSED,
        note=_("Request sent to the change manager."),
        at=timezone.now(),
    )
    _tell(
        _users_with_role(Role.SUPERVISOR),
        change,
        _("New change request to triage"),
        change.summary,
    )


@transaction.atomic
def change_request_raise(
    *, actor, summary: str, reason: str, needed_by=None, send: bool
) -> ChangeRequest:
    """A request by `actor` (anyone with an account): kept as a draft, or sent to the
    change manager at once (`send`), who is then told."""
    workflow.require(change_refusal(actor, None, "request"))
    _validate(summary, reason)
    origin = ChangeOrigin.DESK if is_staff_role(actor) else ChangeOrigin.END_USER
    change = ChangeRequest(
        summary=summary.strip(),
        reason=reason.strip(),
        needed_by=needed_by,
        requester=actor,
        raised_via=origin,
    )
    change.full_clean(exclude=["number", "requester"])
    change.save()
    transition_record(
        subject=change, transition="create", source="", target=change.status, actor=actor
    )
    if send:
        _send(change, actor)
    return change


def _own_draft(change, actor, lock_version, action: str) -> ChangeRequest:
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, action))
    if not _is_request(change) or change.owner_id is not None:
        raise ValidationError(_("This change is being planned by its implementer."))
    if change.status != ChangeStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited; this change is “%(status)s”.")
            % {"status": change.get_status_display()}
        )
    return change


@transaction.atomic
def change_request_update(
    *, change, actor, summary: str, reason: str, needed_by=None, send: bool, lock_version=None
) -> ChangeRequest:
    """Edit one's own draft request, and send it if `send`."""
    change = _own_draft(change, actor, lock_version, "edit")
    _validate(summary, reason)
    change.summary, change.reason, change.needed_by = summary.strip(), reason.strip(), needed_by
    change.full_clean(exclude=["number", "requester"])
    workflow.save(change)
    if send:
        workflow.require(change_refusal(actor, change, "submit"))
        _send(change, actor)
    return change


def _to_triage(change, actor, lock_version) -> ChangeRequest:
    change = workflow.lock(change, expected=lock_version, conflict=CONFLICT)
    workflow.require(change_refusal(actor, change, "triage"))
    if not _is_request(change) or change.owner_id is not None:
        raise ValidationError(_("Only requests from users or the desk are triaged here."))
    return change


@transaction.atomic
def change_request_take_up(
    *, change, actor, owner, note: str = "", lock_version=None
) -> ChangeRequest:
    """The change manager accepts a request: `owner` plans and implements it (the change
    returns to draft, theirs to complete); the owner and the requester are told."""
    change = _to_triage(change, actor, lock_version)
    if not user_has_role(owner, Role.ENGINEER, Role.SUPERVISOR) or not owner.is_active:
        raise ValidationError({"owner": _("Choose an engineer or a supervisor to implement it.")})
    workflow.transition(
        change,
        actor=actor,
        name="take_up",
        method=change.take_up,
        refused=REFUSED,
        note=note,
        owner=owner,
        triage_note=note.strip(),
    )
    _tell([owner], change, _("A change request for you to plan"), note or change.summary)
    _tell([change.requester], change, _("Your change request was taken up"), note)
    return change


@transaction.atomic
def change_request_decline(*, change, actor, note: str, lock_version=None) -> ChangeRequest:
    """The change manager declines a request, saying why; the requester is told."""
    change = _to_triage(change, actor, lock_version)
    if not note.strip():
        raise ValidationError({"note": _("Tell the requester why the request is declined.")})
    workflow.transition(
        change,
        actor=actor,
        name="decline",
        method=change.decline,
        refused=REFUSED,
        note=note,
        triage_note=note.strip(),
    )
    _tell([change.requester], change, _("Your change request was declined"), note)
    return change


# --- reads ----------------------------------------------------------------------------


def change_requests_mine(*, user) -> QuerySet[ChangeRequest]:
    """`user`'s own requests, newest first."""
    return (
        ChangeRequest.objects.restrict(user, "view")
        .filter(requester=user)
        .exclude(raised_via=ChangeOrigin.STAFF)
        .select_related("owner__person")
        .order_by("-created_at", "-id")
    )


def change_requests_to_triage(*, user) -> QuerySet[ChangeRequest]:
    """Requests sent and not yet triaged, oldest first (none for who may not triage)."""
    return (
        ChangeRequest.objects.restrict(user, "triage")
        .filter(status=ChangeStatus.SUBMITTED, owner__isnull=True)
        .exclude(raised_via=ChangeOrigin.STAFF)
        .select_related("requester__person__department")
        .order_by("submitted_at", "id")
    )
