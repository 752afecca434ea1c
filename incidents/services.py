"""Every write to a work order, through the one pipeline (itsm.workflow).

Each service, in one transaction: locks the row and compares the `lock_version` the user
saw → asks the one refusal function whether the actor may do this
(`permissions.work_order_refusal`, the rule the page's buttons show) → prepares what the
step implies (SLA clocks, hold periods) → fires the transition, saves with a new
lock_version and writes the step on the order's own timeline → hands notifications to
the outbox once committed. A refusal, a conflict or an illegal step leaves nothing
half-done: the transaction rolls back.

Every service takes the acting user and checks it; scheduled jobs act as
`itsm.actors.system_user()`.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
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
from .permissions import work_order_refusal
from .priority import priority_for
from .search import terms_index
from .selectors import queue_counts_changed

DISPATCH_TARGET = timedelta(minutes=10)
ACCEPT_TARGET = timedelta(minutes=30)
MANAGER_ESCALATION_TARGET = timedelta(minutes=20)
AUTO_CLOSE_WORKING_DAYS = 3

# The work order's own wording for the pipeline's two errors.
CONFLICT = gettext_lazy(
    "This work order was changed by someone else. Please reload it and try again."
)
REFUSED = gettext_lazy("A work order that is “%(status)s” cannot do this.")


# --- helpers -------------------------------------------------------------------------


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
    # Every write puts a line on the timeline, so this is also where the queue tabs'
    # cached counts are told that something changed (once the write is committed).
    workflow.after_commit(queue_counts_changed)
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


def _timeline(at=None):
    """The pipeline's log step for work orders: a status change on the order's own
    timeline (WorkOrderEvent), at `at`, rather than the generic TransitionLog."""

    def log(work_order, *, name, source, target, actor, note):
        _event(
            work_order,
            kind=EventKind.TRANSITION,
            actor=actor,
            body=note,
            status_from=source,
            status_to=target,
            data={"transition": name},
            at=at,
        )

    return log


def _fire(work_order, *, actor, name: str, method, event_at, note: str = "", **kwargs) -> str:
    """workflow.transition with the work order's wording, logged on its timeline at
    `event_at`; `kwargs` go to the transition method."""
    return workflow.transition(
        work_order,
        actor=actor,
        name=name,
        method=method,
        refused=REFUSED,
        note=note,
        log=_timeline(event_at),
        **kwargs,
    )


def work_order_url(work_order) -> str:
    return reverse("incidents:detail", args=[work_order.number])


def _tell(recipients, work_order, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{work_order.number}] {subject}",
        body=body or work_order.title,
        url=work_order_url(work_order),
    )


def _mark_responded(work_order: WorkOrder, actor, at) -> None:
    """The first engineer action meets the response target (§6.2.1)."""
    if work_order.responded_at is None and actor.pk != work_order.requester_id:
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

    Replays the hold history, so it is right after a priority or level change too. (The
    queue's sort key follows from these when the order is saved: WorkOrder.save.)
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
    """Record a fault: numbered, prioritised, clocks started, requester and desk told.

    The requester files for themselves; the desk (or the system actor, for mail) for
    anyone.
    """
    workflow.require(permissions.filing_refusal(actor, requester))
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
    *, work_order, actor, assignee, team=None, note: str = "", lock_version=None
) -> WorkOrder:
    """Dispatch to an engineer (or re-dispatch); starts the 30-minute confirmation clock."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "assign"))
    if not permissions.user_has_role(assignee, Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR):
        raise ValidationError(_("Work orders can only be dispatched to engineers or the desk."))
    at = timezone.now()
    previous = work_order.assignee
    work_order.team = team or work_order.team
    work_order.accept_due_at = at + ACCEPT_TARGET
    _fire(
        work_order,
        actor=actor,
        name="assign",
        method=work_order.assign,
        event_at=at,
        at=at,
        note=note,
        assignee=assignee,
    )
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
def work_order_start(*, work_order, actor, note: str = "", lock_version=None) -> WorkOrder:
    """The engineer confirms execution (接单); counts as the response."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "start"))
    at = timezone.now()
    _mark_responded(work_order, actor, at)
    _fire(
        work_order,
        actor=actor,
        name="start",
        method=work_order.start,
        event_at=at,
        at=at,
        note=note,
    )
    return work_order


@transaction.atomic
def work_order_hold(
    *, work_order, actor, reason: str, note: str = "", lock_version=None
) -> WorkOrder:
    """Wait for the user, a vendor or parts: the SLA clocks pause."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "hold"))
    HoldReason(reason)
    at = timezone.now()
    HoldPeriod.objects.create(work_order=work_order, reason=reason, started_at=at)
    _mark_responded(work_order, actor, at)
    sla_recompute(work_order)
    _fire(
        work_order,
        actor=actor,
        name="hold",
        method=work_order.hold,
        event_at=at,
        note=note,
        reason=reason,
    )
    if reason == HoldReason.USER:
        _tell([work_order.requester], work_order, _("We need something from you"), note)
    return work_order


@transaction.atomic
def work_order_resume(*, work_order, actor, note: str = "", lock_version=None) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "resume"))
    at = timezone.now()
    work_order.holds.filter(ended_at__isnull=True).update(ended_at=at)
    sla_recompute(work_order)
    _fire(work_order, actor=actor, name="resume", method=work_order.resume, event_at=at, note=note)
    return work_order


@transaction.atomic
def work_order_resolve(
    *,
    work_order,
    actor,
    resolution: str,
    knowledge_record_id: int | None = None,
    lock_version=None,
) -> WorkOrder:
    """Fixed. Resolving a work order nobody was dispatched to is a first-contact resolution."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "resolve"))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Describe what was done to fix it.")})
    at = timezone.now()
    work_order.first_contact_resolution = (
        work_order.status == Status.NEW and work_order.assigned_at is None
    )
    _mark_responded(work_order, actor, at)
    work_order.knowledge_record_id = knowledge_record_id
    work_order.resolution_breached = bool(
        work_order.resolve_due_at and at > work_order.resolve_due_at
    )
    # Waiting for the user's confirmation does not run the resolution clock.
    HoldPeriod.objects.create(work_order=work_order, reason=HoldReason.USER, started_at=at)
    sla_recompute(work_order)
    _fire(
        work_order,
        actor=actor,
        name="resolve",
        method=work_order.resolve,
        event_at=at,
        at=at,
        note=resolution,
        resolution=resolution,
    )
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
def work_order_reopen(*, work_order, actor, note: str, lock_version=None) -> WorkOrder:
    """“Still broken”: back to the engineer, the resolution clock runs on."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "reopen"))
    if not note.strip():
        raise ValidationError({"note": _("Tell us what is still wrong.")})
    at = timezone.now()
    work_order.holds.filter(ended_at__isnull=True).update(ended_at=at)
    work_order.resolution_breached = False
    sla_recompute(work_order)
    _fire(work_order, actor=actor, name="reopen", method=work_order.reopen, event_at=at, note=note)
    _tell([work_order.assignee], work_order, _("The user says it is still broken"), note)
    return work_order


@transaction.atomic
def work_order_confirm(*, work_order, actor, lock_version=None) -> WorkOrder:
    """“It's fixed”: the requester closes it."""
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "confirm"))
    at = timezone.now()
    _fire(
        work_order,
        actor=actor,
        name="confirm",
        method=work_order.close,
        event_at=at,
        at=at,
        reason=CloseReason.CONFIRMED,
    )
    return work_order


@transaction.atomic
def work_order_close(*, work_order, actor, note: str = "", lock_version=None) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "close"))
    at = timezone.now()
    _fire(
        work_order,
        actor=actor,
        name="close",
        method=work_order.close,
        event_at=at,
        at=at,
        note=note,
        reason=CloseReason.CALLBACK,
    )
    return work_order


@transaction.atomic
def work_order_cancel(
    *, work_order, actor, reason: str, note: str = "", lock_version=None
) -> WorkOrder:
    work_order = workflow.lock(work_order, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, work_order, "cancel"))
    CancelReason(reason)
    at = timezone.now()
    _fire(
        work_order,
        actor=actor,
        name="cancel",
        method=work_order.cancel,
        event_at=at,
        at=at,
        note=note,
        reason=reason,
    )
    if actor != work_order.requester:
        _tell([work_order.requester], work_order, _("Your work order was cancelled"), note)
    return work_order


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
    from .attachments import attachments_add

    attachments_add(work_order=work_order, actor=actor, files=files, event=event, internal=internal)
    if actor.pk != work_order.requester_id and permissions.user_has_role(
        actor, *permissions.WORK_ROLES
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
    if "title" in changes:
        terms_index([work_order])
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
    _tell(_users_with_role(Role.SERVICE_DESK), work_order, _("Engineer escalation"), note)
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
def complaint_raise(*, actor, description: str, work_order=None, engineer=None) -> Complaint:
    """A complaint for the supervisor: about a work order by its requester or the desk,
    or (no work order) about the service by anyone signed in."""
    if work_order is not None:
        workflow.require(work_order_refusal(actor, work_order, "complain"))
    elif not (actor.is_authenticated and actor.is_active):
        raise PermissionDenied(_("Sign in to file a complaint."))
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
    workflow.require(permissions.complaint_handle_refusal(actor))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome.")})
    complaint.status, complaint.outcome = "handled", outcome
    complaint.handled_by, complaint.handled_at = actor, timezone.now()
    complaint.save()
    return complaint


@transaction.atomic
def work_order_merge(*, duplicate, into, actor, note: str = "", lock_version=None) -> WorkOrder:
    """Merge a duplicate into another order: its comments, notes and files move over,
    the duplicate is cancelled as such and points at the survivor."""
    duplicate = workflow.lock(duplicate, expected=lock_version, conflict=CONFLICT)
    into = workflow.lock(into, expected=None)
    workflow.require(work_order_refusal(actor, duplicate, "merge"))
    workflow.require(work_order_refusal(actor, into, "comment"))  # it receives the comments
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
    _fire(
        duplicate,
        actor=actor,
        name="merge",
        method=duplicate.merge_into,
        event_at=at,
        at=at,
        note=note,
        target=into,
    )
    workflow.save(into, update_fields=["updated_at"])
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
def work_order_set_parent(*, child, parent, actor, lock_version=None) -> WorkOrder:
    """Group one user's report under the outage's parent order; resolving the parent resolves it."""
    child = workflow.lock(child, expected=lock_version, conflict=CONFLICT)
    workflow.require(work_order_refusal(actor, child, "link"))
    if parent is not None:
        workflow.require(work_order_refusal(actor, parent, "view"))
        if parent.pk == child.pk or parent.parent_id == child.pk:
            raise ValidationError(_("A work order cannot be its own parent."))
        if parent.parent_id:
            raise ValidationError(_("Choose the top work order of the outage as parent."))
    child.parent = parent
    workflow.save(child)
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

    workflow.require(work_order_refusal(actor, work_order, "link"))
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


def work_order_auto_close(*, work_order, actor, now) -> int:
    """Close an unanswered resolved order as `actor` (the system actor, from the hourly
    scan). The claim is a conditional UPDATE on status and lock_version, so two workers,
    or a person acting at the same moment, close it once."""
    with transaction.atomic():
        workflow.require(work_order_refusal(actor, work_order, "close"))
        claimed = WorkOrder.objects.filter(
            pk=work_order.pk, status=Status.RESOLVED, lock_version=work_order.lock_version
        ).update(
            status=Status.CLOSED,
            close_reason=CloseReason.AUTO,
            closed_at=now,
            lock_version=work_order.lock_version + 1,
        )
        if not claimed:
            return 0
        _event(
            work_order,
            kind=EventKind.TRANSITION,
            actor=actor,
            body=_("Closed automatically: no answer for %(days)d working days.")
            % {"days": AUTO_CLOSE_WORKING_DAYS},
            status_from=Status.RESOLVED,
            status_to=Status.CLOSED,
            data={"transition": "auto_close"},
            at=now,
        )
    return 1
