"""Edits that change no status (comments, priority, corrections, escalation, rating)
and the quality records (callbacks, complaints), through the same pipeline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify

from .. import permissions
from ..choices import CloseReason, EventKind, Level3, Status
from ..models import Callback, Complaint, WorkOrder
from ..permissions import work_order_refusal
from ..priority import priority_for
from ..search import terms_index
from ..service_records.selectors import review_first_message, review_missing
from .common import (
    CONFLICT,
    MANAGER_ESCALATION_TARGET,
    _effective_level,
    _event,
    _fire,
    _mark_responded,
    _tell,
    _users_with_role,
    desk_or_on_call,
    refuse_close_while_children_worked,
    sla_recompute,
)

# --- other edits ---------------------------------------------------------------------


@transaction.atomic
def work_order_comment(
    *, work_order, actor, body: str, internal: bool = False, files=(), lock_version=None
):
    """A comment (seen by the requester) or an internal note (staff only).

    A comment adds and overwrites nothing, so the pages post it whatever changed since;
    API clients send `lock_version` and a stale one is refused like any other write.
    """
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "note" if internal else "comment"))
    if not body.strip() and not files:
        raise ValidationError({"body": _("Write a comment or attach a file.")})
    at = timezone.now()
    event = _event(
        work_order,
        kind=EventKind.NOTE if internal else EventKind.COMMENT,
        actor=actor,
        body=body,
        internal=internal,
        at=at,
    )
    from ..attachments import attachments_add

    attachments_add(work_order=work_order, actor=actor, files=files, event=event, internal=internal)
    # Only what reaches the requester answers them: an internal note is no response.
    if (
        not internal
        and actor.pk != work_order.requester_id
        and permissions.user_has_role(actor, *permissions.WORK_ROLES)
    ):
        _mark_responded(work_order, actor, at)
    workflow.save(work_order)
    if not internal:
        recipients = (
            [work_order.assignee] if actor.pk == work_order.requester_id else [work_order.requester]
        )
        _tell(recipients, work_order, _("New comment"), body)
    return event


@transaction.atomic
def work_order_reprioritise(
    *, work_order, actor, impact: str, urgency: str, note: str = "", lock_version=None
) -> WorkOrder:
    """Change impact and urgency; the clocks are replayed with the new targets."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "reprioritise"))
    old = work_order.priority
    work_order.impact, work_order.urgency = Level3(impact), Level3(urgency)
    work_order.priority = priority_for(impact, urgency)
    sla_recompute(work_order)
    workflow.save(work_order)
    _event(
        work_order,
        kind=EventKind.PRIORITY,
        actor=actor,
        body=note,
        data={"from": old, "to": work_order.priority},
    )
    return work_order


@transaction.atomic
def work_order_triage(
    *,
    work_order,
    actor,
    title: str | None = None,
    category=None,
    device=None,
    note: str = "",
    lock_version=None,
) -> WorkOrder:
    """The desk corrects what was reported; a new device may raise the service level,
    and the clocks are replayed with the new targets."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "triage"))
    changes = {}
    if title is not None and title.strip() and title.strip() != work_order.title:
        changes["title"] = [work_order.title, title.strip()]
        work_order.title = title.strip()
    if category is not None and category.pk != work_order.category_id:
        changes["category"] = [str(work_order.category or ""), str(category)]
        work_order.category = category
    if device is not None and device.pk != work_order.device_id:
        changes["device"] = [str(work_order.device or ""), str(device)]
        work_order.device = device
        if device.location_id:
            work_order.location_id = device.location_id
    level = _effective_level(work_order.requester, work_order.device)
    if level != work_order.service_level:
        changes["service_level"] = [str(work_order.service_level), str(level)]
        work_order.service_level = level
    if not changes:
        return work_order
    sla_recompute(work_order)
    workflow.save(work_order)
    if "title" in changes or "device" in changes:
        terms_index([work_order])  # found by its title and its device's tag
    _event(work_order, kind=EventKind.PRIORITY, actor=actor, body=note, data={"changes": changes})
    return work_order


@transaction.atomic
def work_order_escalate(*, work_order, actor, note: str, lock_version=None) -> WorkOrder:
    """The engineer cannot solve it: the desk must bring in the project manager within 20 min."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "escalate"))
    at = timezone.now()
    work_order.escalated_at = at
    work_order.manager_escalation_due_at = at + MANAGER_ESCALATION_TARGET
    work_order.manager_notified_at = None
    workflow.save(work_order)
    _event(
        work_order, kind=EventKind.ESCALATION, actor=actor, body=note, data={"to": "desk"}, at=at
    )
    # Outside working hours the desk is the people on call (servicedesk.oncall).
    _tell(desk_or_on_call(at), work_order, _("Engineer escalation"), note)
    return work_order


@transaction.atomic
def work_order_forward_to_manager(
    *, work_order, actor, note: str = "", lock_version=None
) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "forward_to_manager"))
    at = timezone.now()
    work_order.manager_notified_at = at
    workflow.save(work_order)
    _event(
        work_order, kind=EventKind.ESCALATION, actor=actor, body=note, data={"to": "manager"}, at=at
    )
    _tell(_users_with_role(Role.MANAGER), work_order, _("Escalated to the project manager"), note)
    return work_order


@transaction.atomic
def work_order_rate(
    *, work_order, actor, rating: int, comment: str = "", lock_version=None
) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "rate"))
    if work_order.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("You can rate a work order once it has been resolved."))
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("Choose from 1 to 5 stars.")})
    work_order.rating, work_order.rating_comment = int(rating), comment
    workflow.save(work_order)
    _event(
        work_order, kind=EventKind.RATING, actor=actor, body=comment, data={"rating": int(rating)}
    )
    return work_order


@transaction.atomic
def callback_record(
    *,
    work_order,
    actor,
    reached: bool,
    satisfaction: int | None = None,
    comment: str = "",
    close: bool = True,
    lock_version=None,
) -> Callback:
    """The desk's call-back (回访): a reached user's satisfaction is recorded and the order closed."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "callback"))
    if work_order.status != Status.RESOLVED:
        raise ValidationError(_("Only resolved work orders are called back."))
    if reached and satisfaction is None:
        raise ValidationError({"satisfaction": _("Record the user's satisfaction (1 to 5).")})
    # §6.3.3 (6): the desk reviews the engineer's service records before the callback
    # (an order without on-site records has none to wait for).
    unreviewed = review_missing(work_order)
    if unreviewed:
        raise ValidationError(review_first_message(unreviewed))
    at = timezone.now()
    callback = Callback(
        work_order=work_order,
        agent=actor,
        outcome="reached" if reached else "not_reached",
        satisfaction=satisfaction if reached else None,
        comment=comment,
        at=at,
    )
    callback.full_clean()
    callback.save()
    if reached:
        # Kept apart from the user's own rating (`rating`), which never overwrites it.
        work_order.callback_satisfaction = satisfaction
    _event(
        work_order,
        kind=EventKind.CALLBACK,
        actor=actor,
        body=comment,
        data={"reached": reached, "satisfaction": satisfaction},
        at=at,
    )
    if reached and close:
        refuse_close_while_children_worked(work_order)
        _fire(
            work_order,
            actor=actor,
            name="close",
            method=work_order.close,
            event_at=at,
            at=at,
            note=comment,
            reason=CloseReason.CALLBACK,
        )
    else:
        workflow.save(work_order)
    return callback


@transaction.atomic
def complaint_raise(
    *, actor, description: str, work_order=None, engineer=None, complainant=None
) -> Complaint:
    """A complaint for the supervisor and the manager: about a work order by its requester
    or the desk, or (no work order) about the service by anyone signed in.

    The complainant is who complains: the actor when they file it themselves; when the
    desk logs a call about a work order, the caller (by default the order's requester),
    never the agent who typed it. It goes on the order's timeline (staff only).
    """
    if work_order is not None:
        workflow.require(work_order_refusal(actor, work_order, "complain"))
    elif not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("Sign in to file a complaint."))
    if complainant is None:
        desk_logs_it = work_order is not None and actor.pk != work_order.requester_id
        complainant = work_order.requester if desk_logs_it else actor
    complaint = Complaint(
        raised_by=actor,
        complainant=complainant,
        description=description,
        work_order=work_order,
        engineer=engineer,
        department_id=_complaint_department(work_order, complainant),
    )
    complaint.full_clean()
    complaint.save()
    if work_order is not None:
        _event(
            work_order,
            kind=EventKind.COMPLAINT,
            actor=actor,
            body=description,
            internal=True,
            data={"complaint": complaint.pk, "complainant": complainant.pk},
        )
    notify(
        recipients=_users_with_role(Role.SUPERVISOR) + _users_with_role(Role.MANAGER),
        subject=_("New complaint"),
        body=description,
        url=reverse("incidents:complaints"),
    )
    return complaint


def _complaint_department(work_order, complainant) -> int | None:
    """The department a complaint counts for: the work order's, else the complainant's."""
    if work_order is not None and work_order.department_id:
        return work_order.department_id
    person = getattr(complainant, "person", None) if complainant is not None else None
    return person.department_id if person is not None else None


@transaction.atomic
def complaint_handle(*, complaint: Complaint, actor, outcome: str, cause=None) -> Complaint:
    """Closes the complaint with its outcome and, when given, its cause (the statistics
    count complaints by cause)."""
    workflow.require(permissions.complaint_handle_refusal(actor))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome.")})
    if cause is not None:
        complaint.cause = cause
    complaint.status, complaint.outcome = "handled", outcome
    complaint.handled_by, complaint.handled_at = actor, timezone.now()
    complaint.save()
    return complaint
