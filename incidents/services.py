"""Every write to a work order.

Each service: checks the acting user's right on this object → locks the row and checks
the version the user saw → fires the transition → recomputes the SLA clocks → saves →
writes the timeline event → queues notifications on commit. All in one transaction, so
a refusal or a conflict leaves nothing half-done.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from servicedesk.calendar import business_calendar
from servicedesk.choices import Role
from servicedesk.models import ServiceLevel
from servicedesk.notifications import notify

from . import permissions, sla
from .choices import (
    OPEN_STATUSES,
    CancelReason,
    Channel,
    CloseReason,
    EventKind,
    HoldReason,
    Level3,
    Status,
)
from .models import Callback, Complaint, HoldPeriod, SlaPolicy, WorkOrder, WorkOrderEvent
from .models.work_order import QUEUE_NEVER, QUEUE_PAUSED
from .priority import priority_for
from .search import terms_index
from .selectors import queue_counts_changed

DISPATCH_TARGET = timedelta(minutes=10)
ACCEPT_TARGET = timedelta(minutes=30)
MANAGER_ESCALATION_TARGET = timedelta(minutes=20)
AUTO_CLOSE_WORKING_DAYS = 3


class WorkOrderConflict(Exception):
    """Someone else changed the work order since the user loaded it."""

    def __init__(self):
        super().__init__(
            _("This work order was changed by someone else. Please reload it and try again.")
        )


class IllegalTransition(ValidationError):
    pass


# --- helpers -------------------------------------------------------------------------


def _check(actor, action: str, work_order: WorkOrder) -> None:
    if not permissions.allowed(actor, action, work_order):
        raise PermissionDenied(permissions.refusal(action))


def _locked(work_order: WorkOrder, expected_version: int | None) -> WorkOrder:
    """Re-read the row under a lock; refuse if it moved on from what the user saw."""
    current = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
    if expected_version is not None and current.version != expected_version:
        raise WorkOrderConflict()
    return current


def _event(
    work_order,
    *,
    kind,
    actor=None,
    body="",
    internal=False,
    status_from="",
    status_to="",
    data=None,
    at=None,
):
    return WorkOrderEvent.objects.create(
        work_order=work_order,
        kind=kind,
        actor=actor,
        body=body,
        is_internal=internal,
        status_from=status_from,
        status_to=status_to,
        data=data or {},
        at=at or timezone.now(),
    )


def _save(work_order: WorkOrder) -> None:
    if not work_order.is_open:
        work_order.queue_due_at = QUEUE_NEVER  # out of the queue's index range
    work_order.version += 1
    work_order.save()
    transaction.on_commit(queue_counts_changed)


def work_order_url(work_order) -> str:
    return reverse("incidents:detail", args=[work_order.number])


def _tell(recipients, work_order, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{work_order.number}] {subject}",
        body=body or work_order.title,
        url=work_order_url(work_order),
    )


def _transition(work_order, actor, name: str, method, *, note: str = "", event_at=None, **kwargs):
    """Fire `method(**kwargs)` and record the status change on the timeline at `event_at`."""
    source = work_order.status
    try:
        method(**kwargs)
    except TransitionNotAllowed as exc:
        raise IllegalTransition(
            _("A work order that is “%(status)s” cannot do this.")
            % {"status": work_order.get_status_display()}
        ) from exc
    _event(
        work_order,
        kind=EventKind.TRANSITION,
        actor=actor,
        body=note,
        status_from=source,
        status_to=work_order.status,
        data={"transition": name},
        at=event_at,
    )


def _mark_responded(work_order: WorkOrder, actor, at) -> None:
    """The first engineer action meets the response target (§6.2.1)."""
    if (
        work_order.responded_at is None
        and actor is not None
        and actor.pk != work_order.requester_id
    ):
        work_order.responded_at = at
        work_order.response_breached = bool(
            work_order.response_due_at and at > work_order.response_due_at
        )


# --- SLA -----------------------------------------------------------------------------


def sla_targets(service_level: ServiceLevel, priority: str) -> tuple[timedelta, timedelta]:
    policy = SlaPolicy.objects.filter(service_level=service_level, priority=priority).first()
    source = policy or service_level
    return timedelta(minutes=source.response_minutes), timedelta(minutes=source.resolution_minutes)


def sla_recompute(work_order: WorkOrder, *, calendar=None) -> None:
    """Set every clock instant from the start, the targets and the recorded holds.

    Replays the hold history, so it is right after a priority or level change too.
    """
    calendar = calendar or business_calendar()
    response_target, resolution_target = sla_targets(work_order.service_level, work_order.priority)
    holds = [(h.started_at, h.ended_at) for h in work_order.holds.all()] if work_order.pk else []
    start = work_order.created_at
    response = sla.clock_thresholds(calendar, start=start, target=response_target, holds=holds)
    resolution = sla.clock_thresholds(calendar, start=start, target=resolution_target, holds=holds)
    work_order.response_warn_at = response.warn_at
    work_order.response_due_at = response.due_at
    work_order.response_escalate_at = response.escalate_at
    work_order.resolve_warn_at = resolution.warn_at
    work_order.resolve_due_at = resolution.due_at
    work_order.resolve_escalate_at = resolution.escalate_at
    if work_order.is_open:
        work_order.queue_due_at = resolution.due_at or QUEUE_PAUSED
    else:
        work_order.queue_due_at = QUEUE_NEVER
    if work_order.responded_at and work_order.response_due_at:
        work_order.response_breached = work_order.responded_at > work_order.response_due_at


def _effective_level(requester, device) -> ServiceLevel:
    """The higher of the requester's and the device's service level."""
    levels = []
    person = getattr(requester, "person", None)
    if person is not None:
        levels.append(person.effective_service_level())
    if device is not None:
        levels.append(device.effective_service_level())
    levels = [lvl for lvl in levels if lvl is not None]
    return max(levels, key=lambda lvl: lvl.rank) if levels else ServiceLevel.default()


# --- create --------------------------------------------------------------------------


@dataclass
class NewFile:
    name: str
    content_type: str
    data: object  # an UploadedFile or File


@transaction.atomic
def work_order_create(
    *,
    actor,
    requester,
    title: str,
    description: str = "",
    category=None,
    device=None,
    impact: str = Level3.LOW,
    urgency: str = Level3.MEDIUM,
    channel: str = Channel.WEB,
    contact_phone: str = "",
    files=(),
    at=None,
) -> WorkOrder:
    """Record a fault: numbered, prioritised, clocks started, requester and desk told."""
    if requester != actor and not permissions.user_has_role(actor, *permissions.DESK_ROLES):
        raise PermissionDenied(
            _("Only the service desk can report a fault on someone else's behalf.")
        )
    at = at or timezone.now()
    person = getattr(requester, "person", None)
    work_order = WorkOrder(
        title=title.strip(),
        description=description,
        channel=channel,
        requester=requester,
        created_by=actor,
        contact_phone=contact_phone or (person.mobile or person.phone if person else ""),
        department=person.department if person else None,
        location=(device.location if device is not None and device.location_id else None)
        or (person.location if person else None),
        category=category,
        device=device,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact, urgency),
        service_level=_effective_level(requester, device),
    )
    work_order.full_clean(exclude=["number", "service_level", "priority"])
    work_order.dispatch_due_at = at + DISPATCH_TARGET
    work_order.save()
    if (
        work_order.created_at != at
    ):  # auto_now_add stamps "now"; the desk may record an earlier call
        work_order.created_at = at
        WorkOrder.objects.filter(pk=work_order.pk).update(created_at=at)
    sla_recompute(work_order)
    work_order.save()
    transaction.on_commit(queue_counts_changed)
    terms_index([work_order], replace=False)
    _event(
        work_order,
        kind=EventKind.CREATED,
        actor=actor,
        body=description,
        data={"channel": channel},
        at=at,
    )
    from .attachments import attachments_add

    attachments_add(work_order=work_order, actor=actor, files=files)
    _tell(
        [requester],
        work_order,
        _("We have received your report"),
        _("Work order %(number)s: %(title)s")
        % {
            "number": work_order.number,
            "title": work_order.title,
        },
    )
    return work_order


# --- transitions ---------------------------------------------------------------------


@transaction.atomic
def work_order_assign(
    *, work_order, actor, assignee, team=None, note: str = "", expected_version=None
) -> WorkOrder:
    """Dispatch to an engineer (or re-dispatch); starts the 30-minute confirmation clock."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "assign", work_order)
    if not permissions.user_has_role(assignee, Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR):
        raise ValidationError(_("Work orders can only be dispatched to engineers or the desk."))
    at = timezone.now()
    previous = work_order.assignee
    _transition(
        work_order,
        actor,
        "assign",
        work_order.assign,
        note=note,
        event_at=at,
        assignee=assignee,
        at=at,
    )
    work_order.team = team or work_order.team
    work_order.accept_due_at = at + ACCEPT_TARGET
    _save(work_order)
    _event(
        work_order,
        kind=EventKind.ASSIGNMENT,
        actor=actor,
        body=note,
        data={"from": previous.pk if previous else None, "to": assignee.pk},
        at=at,
    )
    _tell([assignee], work_order, _("Dispatched to you"), note or work_order.title)
    return work_order


@transaction.atomic
def work_order_start(*, work_order, actor, note: str = "", expected_version=None) -> WorkOrder:
    """The engineer confirms execution (接单); counts as the response."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "start", work_order)
    at = timezone.now()
    _transition(work_order, actor, "start", work_order.start, note=note, event_at=at, at=at)
    _mark_responded(work_order, actor, at)
    _save(work_order)
    return work_order


@transaction.atomic
def work_order_hold(
    *, work_order, actor, reason: str, note: str = "", expected_version=None
) -> WorkOrder:
    """Wait for the user, a vendor or parts: the SLA clocks pause."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "hold", work_order)
    HoldReason(reason)
    at = timezone.now()
    _transition(work_order, actor, "hold", work_order.hold, note=note, event_at=at, reason=reason)
    HoldPeriod.objects.create(work_order=work_order, reason=reason, started_at=at)
    _mark_responded(work_order, actor, at)
    sla_recompute(work_order)
    _save(work_order)
    if reason == HoldReason.USER:
        _tell([work_order.requester], work_order, _("We need something from you"), note)
    return work_order


@transaction.atomic
def work_order_resume(*, work_order, actor, note: str = "", expected_version=None) -> WorkOrder:
    work_order = _locked(work_order, expected_version)
    _check(actor, "resume", work_order)
    at = timezone.now()
    _transition(work_order, actor, "resume", work_order.resume, note=note, event_at=at)
    work_order.holds.filter(ended_at__isnull=True).update(ended_at=at)
    sla_recompute(work_order)
    _save(work_order)
    return work_order


@transaction.atomic
def work_order_resolve(
    *,
    work_order,
    actor,
    resolution: str,
    knowledge_record_id: int | None = None,
    expected_version=None,
) -> WorkOrder:
    """Fixed. Resolving a work order nobody was dispatched to is a first-contact resolution."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "resolve", work_order)
    if not resolution.strip():
        raise ValidationError({"resolution": _("Describe what was done to fix it.")})
    at = timezone.now()
    first_contact = work_order.status == Status.NEW and work_order.assigned_at is None
    _transition(
        work_order,
        actor,
        "resolve",
        work_order.resolve,
        note=resolution,
        event_at=at,
        at=at,
        resolution=resolution,
    )
    _mark_responded(work_order, actor, at)
    work_order.first_contact_resolution = first_contact
    work_order.knowledge_record_id = knowledge_record_id
    work_order.resolution_breached = bool(
        work_order.resolve_due_at and at > work_order.resolve_due_at
    )
    # Waiting for the user's confirmation does not run the resolution clock.
    HoldPeriod.objects.create(work_order=work_order, reason=HoldReason.USER, started_at=at)
    sla_recompute(work_order)
    _save(work_order)
    _tell([work_order.requester], work_order, _("Your fault has been fixed"), resolution)
    for child in work_order.children.filter(status__in=OPEN_STATUSES).exclude(
        status=Status.ON_HOLD
    ):
        work_order_resolve(
            work_order=child,
            actor=actor,
            resolution=_("Resolved with %(number)s: %(resolution)s")
            % {"number": work_order.number, "resolution": resolution},
        )
    return work_order


@transaction.atomic
def work_order_reopen(*, work_order, actor, note: str, expected_version=None) -> WorkOrder:
    """“Still broken”: back to the engineer, the resolution clock runs on."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "reopen", work_order)
    if not note.strip():
        raise ValidationError({"note": _("Tell us what is still wrong.")})
    at = timezone.now()
    _transition(work_order, actor, "reopen", work_order.reopen, note=note, event_at=at)
    work_order.holds.filter(ended_at__isnull=True).update(ended_at=at)
    work_order.resolution_breached = False
    sla_recompute(work_order)
    _save(work_order)
    _tell([work_order.assignee], work_order, _("The user says it is still broken"), note)
    return work_order


@transaction.atomic
def work_order_confirm(*, work_order, actor, expected_version=None) -> WorkOrder:
    """“It's fixed”: the requester closes it."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "confirm", work_order)
    at = timezone.now()
    _transition(
        work_order,
        actor,
        "confirm",
        work_order.close,
        event_at=at,
        at=at,
        reason=CloseReason.CONFIRMED,
    )
    _save(work_order)
    return work_order


@transaction.atomic
def work_order_close(*, work_order, actor, note: str = "", expected_version=None) -> WorkOrder:
    work_order = _locked(work_order, expected_version)
    _check(actor, "close", work_order)
    at = timezone.now()
    _transition(
        work_order,
        actor,
        "close",
        work_order.close,
        note=note,
        event_at=at,
        at=at,
        reason=CloseReason.CALLBACK,
    )
    _save(work_order)
    return work_order


@transaction.atomic
def work_order_cancel(
    *, work_order, actor, reason: str, note: str = "", expected_version=None
) -> WorkOrder:
    work_order = _locked(work_order, expected_version)
    _check(actor, "cancel", work_order)
    CancelReason(reason)
    at = timezone.now()
    _transition(
        work_order, actor, "cancel", work_order.cancel, note=note, event_at=at, at=at, reason=reason
    )
    _save(work_order)
    if actor != work_order.requester:
        _tell([work_order.requester], work_order, _("Your work order was cancelled"), note)
    return work_order


# --- other edits ---------------------------------------------------------------------


@transaction.atomic
def work_order_comment(
    *, work_order, actor, body: str, internal: bool = False, files=(), expected_version=None
):
    """A comment (seen by the requester) or an internal note (staff only)."""
    work_order = _locked(work_order, None)
    _check(actor, "note" if internal else "comment", work_order)
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
    from .attachments import attachments_add

    attachments_add(work_order=work_order, actor=actor, files=files, event=event, internal=internal)
    if actor.pk != work_order.requester_id and permissions.user_has_role(
        actor, *permissions.WORK_ROLES
    ):
        _mark_responded(work_order, actor, at)
    _save(work_order)
    if not internal:
        recipients = (
            [work_order.assignee] if actor.pk == work_order.requester_id else [work_order.requester]
        )
        _tell(recipients, work_order, _("New comment"), body)
    return event


@transaction.atomic
def work_order_reprioritise(
    *, work_order, actor, impact: str, urgency: str, note: str = "", expected_version=None
) -> WorkOrder:
    """Change impact and urgency; the clocks are replayed with the new targets."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "reprioritise", work_order)
    old = work_order.priority
    work_order.impact, work_order.urgency = Level3(impact), Level3(urgency)
    work_order.priority = priority_for(impact, urgency)
    sla_recompute(work_order)
    _save(work_order)
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
    expected_version=None,
) -> WorkOrder:
    """The desk corrects what was reported; a new device may raise the service level,
    and the clocks are replayed with the new targets."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "triage", work_order)
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
    _save(work_order)
    if "title" in changes:
        terms_index([work_order])
    _event(work_order, kind=EventKind.PRIORITY, actor=actor, body=note, data={"changes": changes})
    return work_order


@transaction.atomic
def work_order_escalate(*, work_order, actor, note: str, expected_version=None) -> WorkOrder:
    """The engineer cannot solve it: the desk must bring in the project manager within 20 min."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "escalate", work_order)
    at = timezone.now()
    work_order.escalated_at = at
    work_order.manager_escalation_due_at = at + MANAGER_ESCALATION_TARGET
    work_order.manager_notified_at = None
    _save(work_order)
    _event(
        work_order, kind=EventKind.ESCALATION, actor=actor, body=note, data={"to": "desk"}, at=at
    )
    _tell(_users_with_role(Role.SERVICE_DESK), work_order, _("Engineer escalation"), note)
    return work_order


@transaction.atomic
def work_order_forward_to_manager(
    *, work_order, actor, note: str = "", expected_version=None
) -> WorkOrder:
    work_order = _locked(work_order, expected_version)
    _check(actor, "forward_to_manager", work_order)
    at = timezone.now()
    work_order.manager_notified_at = at
    _save(work_order)
    _event(
        work_order, kind=EventKind.ESCALATION, actor=actor, body=note, data={"to": "manager"}, at=at
    )
    _tell(_users_with_role(Role.MANAGER), work_order, _("Escalated to the project manager"), note)
    return work_order


@transaction.atomic
def work_order_rate(*, work_order, actor, rating: int, comment: str = "") -> WorkOrder:
    work_order = _locked(work_order, None)
    _check(actor, "rate", work_order)
    if work_order.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("You can rate a work order once it has been resolved."))
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": _("Choose from 1 to 5 stars.")})
    work_order.rating, work_order.rating_comment = int(rating), comment
    _save(work_order)
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
    expected_version=None,
) -> Callback:
    """The desk's call-back (回访): a reached user's satisfaction is recorded and the order closed."""
    work_order = _locked(work_order, expected_version)
    _check(actor, "callback", work_order)
    if work_order.status != Status.RESOLVED:
        raise ValidationError(_("Only resolved work orders are called back."))
    if reached and satisfaction is None:
        raise ValidationError({"satisfaction": _("Record the user's satisfaction (1 to 5).")})
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
    if reached and work_order.rating is None:
        work_order.rating = satisfaction
    _event(
        work_order,
        kind=EventKind.CALLBACK,
        actor=actor,
        body=comment,
        data={"reached": reached, "satisfaction": satisfaction},
        at=at,
    )
    if reached and close:
        _transition(
            work_order,
            actor,
            "close",
            work_order.close,
            note=comment,
            event_at=at,
            at=at,
            reason=CloseReason.CALLBACK,
        )
    _save(work_order)
    return callback


@transaction.atomic
def complaint_raise(*, actor, description: str, work_order=None, engineer=None) -> Complaint:
    complaint = Complaint(
        raised_by=actor, description=description, work_order=work_order, engineer=engineer
    )
    complaint.full_clean()
    complaint.save()
    notify(
        recipients=_users_with_role(Role.SUPERVISOR),
        subject=_("New complaint"),
        body=description,
        url=work_order_url(work_order) if work_order else "",
    )
    return complaint


@transaction.atomic
def complaint_handle(*, complaint: Complaint, actor, outcome: str) -> Complaint:
    if not permissions.user_has_role(actor, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN):
        raise PermissionDenied(_("Only a supervisor handles complaints."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome.")})
    complaint.status, complaint.outcome = "handled", outcome
    complaint.handled_by, complaint.handled_at = actor, timezone.now()
    complaint.save()
    return complaint


@transaction.atomic
def work_order_merge(*, duplicate, into, actor, note: str = "", expected_version=None) -> WorkOrder:
    """Merge a duplicate into another order: its comments, notes and files move over,
    the duplicate is cancelled as such and points at the survivor."""
    duplicate = _locked(duplicate, expected_version)
    into = _locked(into, None)
    _check(actor, "merge", duplicate)
    if duplicate.pk == into.pk:
        raise ValidationError(_("A work order cannot be merged into itself."))
    if not into.is_open:
        raise ValidationError(_("Merge into an open work order."))
    at = timezone.now()
    moved = duplicate.events.filter(
        kind__in=[EventKind.COMMENT, EventKind.NOTE, EventKind.ATTACHMENT]
    )
    moved_count = moved.update(work_order=into)
    duplicate.attachments.update(work_order=into)
    _transition(
        duplicate, actor, "merge", duplicate.merge_into, note=note, event_at=at, target=into, at=at
    )
    _save(duplicate)
    into.version += 1
    into.save(update_fields=["version", "updated_at"])
    _event(
        into,
        kind=EventKind.MERGE,
        actor=actor,
        body=note,
        data={"merged": duplicate.number, "moved_events": moved_count},
        at=at,
    )
    if duplicate.requester_id != into.requester_id:
        _tell(
            [duplicate.requester],
            duplicate,
            _("Your report is handled under %(number)s") % {"number": into.number},
            note,
        )
    return into


@transaction.atomic
def work_order_set_parent(*, child, parent, actor) -> WorkOrder:
    """Group one user's report under the outage's parent order; resolving the parent resolves it."""
    child = _locked(child, None)
    _check(actor, "link", child)
    if parent is not None:
        if parent.pk == child.pk or parent.parent_id == child.pk:
            raise ValidationError(_("A work order cannot be its own parent."))
        if parent.parent_id:
            raise ValidationError(_("Choose the top work order of the outage as parent."))
    child.parent = parent
    _save(child)
    _event(
        child,
        kind=EventKind.LINK,
        actor=actor,
        data={"parent": parent.number if parent else None},
    )
    return child


@transaction.atomic
def work_order_link(*, work_order, target, actor) -> None:
    """Link to a record of another process (problem, change…), idempotently."""
    from django.contrib.contenttypes.models import ContentType

    from .models import WorkOrderLink

    _check(actor, "link", work_order)
    _, created = WorkOrderLink.objects.get_or_create(
        work_order=work_order,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        defaults={"created_by": actor},
    )
    if created:
        _event(
            work_order,
            kind=EventKind.LINK,
            actor=actor,
            body=str(target),
            data={"target": str(target)},
        )


def _users_with_role(role):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name=role, is_active=True))


def work_order_auto_close(*, work_order, now) -> int:
    """Close an unanswered resolved order; a conditional UPDATE so two workers close it once."""
    with transaction.atomic():
        claimed = WorkOrder.objects.filter(
            pk=work_order.pk, status=Status.RESOLVED, version=work_order.version
        ).update(
            status=Status.CLOSED,
            close_reason=CloseReason.AUTO,
            closed_at=now,
            version=work_order.version + 1,
        )
        if not claimed:
            return 0
        transaction.on_commit(queue_counts_changed)
        _event(
            work_order,
            kind=EventKind.TRANSITION,
            body=_("Closed automatically: no answer for %(days)d working days.")
            % {"days": AUTO_CLOSE_WORKING_DAYS},
            status_from=Status.RESOLVED,
            status_to=Status.CLOSED,
            data={"transition": "auto_close"},
            at=now,
        )
    return 1
