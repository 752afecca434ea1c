"""What every work-order service shares: the wording for the pipeline's errors, the
timeline writer the pipeline logs with, notifications and the SLA clocks."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from itsm import workflow
from servicedesk.calendar import business_calendar
from servicedesk.choices import OnCallRole, Role
from servicedesk.models import ServiceLevel
from servicedesk.notifications import notify
from servicedesk.oncall import on_call_at, out_of_hours

from .. import sla
from ..choices import EventKind
from ..models import SlaPolicy, WorkOrder, WorkOrderEvent
from ..selectors import queue_counts_changed

DISPATCH_TARGET = timedelta(minutes=10)
ACCEPT_TARGET = timedelta(minutes=30)
MANAGER_ESCALATION_TARGET = timedelta(minutes=20)
AUTO_CLOSE_WORKING_DAYS = 3
# §6.3.3: re-plan within 10 minutes of an engineer's "late / can't come"; remote
# guidance at most 5 minutes before an engineer is sent.
REDISPATCH_TARGET = timedelta(minutes=10)
GUIDANCE_TARGET = timedelta(minutes=5)


def callback_before_close() -> bool:
    """The customer's rule (§3.2 C): every closed order is called back first (default on)."""
    return bool(settings.ITSM.get("CALLBACK_BEFORE_CLOSE", True))


def callback_missing(work_order) -> bool:
    """Under the callback rule: has nobody called the requester back since the fix?"""
    if not callback_before_close():
        return False
    since = work_order.resolved_at
    callbacks = work_order.callbacks.all()
    if since is not None:
        callbacks = callbacks.filter(at__gte=since)
    return not callbacks.exists()


# The work order's own wording for the pipeline's two errors.
CONFLICT = gettext_lazy(
    "This work order was changed by someone else. Please reload it and try again."
)
REFUSED = gettext_lazy("A work order that is “%(status)s” cannot do this.")
CALLBACK_FIRST = gettext_lazy(
    "Call the requester back first: record the callback, then close the work order."
)


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


def refuse_close_while_children_worked(work_order: WorkOrder) -> None:
    """A parent (an outage its children were attached to) closes only once none of its
    children is still being worked on separately; resolving the parent resolves them."""
    from django.core.exceptions import ValidationError

    from ..choices import OPEN_STATUSES

    open_children = list(
        work_order.children.filter(status__in=OPEN_STATUSES).values_list("number", flat=True)[:5]
    )
    if open_children:
        raise ValidationError(
            gettext_lazy(
                "Child work orders are still being worked on: %(numbers)s. Resolve them (or "
                "resolve this one, which resolves them) before closing."
            )
            % {"numbers": ", ".join(open_children)}
        )


def service_mode_apply(work_order, *, service_type=None, response_mode=None) -> None:
    """Set the service type and response mode (§6.2.2) when given ("" clears: not
    recorded); an unknown value is refused in the user's language."""
    from django.core.exceptions import ValidationError

    from ..choices import ResponseMode, ServiceType

    for field, value, choices in (
        ("service_type", service_type, ServiceType),
        ("response_mode", response_mode, ResponseMode),
    ):
        if value is None:
            continue
        if value and value not in choices.values:
            raise ValidationError({field: gettext_lazy("Choose one of the listed values.")})
        setattr(work_order, field, value)


def work_order_url(work_order) -> str:
    return reverse("incidents:detail", args=[work_order.number])


def _tell(recipients, work_order, subject: str, body: str = "") -> None:
    notify(
        recipients=recipients,
        subject=f"[{work_order.number}] {subject}",
        body=body or work_order.title,
        url=work_order_url(work_order),
    )


def guidance_end(work_order: WorkOrder, at) -> None:
    """Measure the desk's remote guidance when it ends (fixed or handed to an engineer)."""
    if work_order.guidance_started_at is not None and work_order.guidance_seconds is None:
        elapsed = (at - work_order.guidance_started_at).total_seconds()
        work_order.guidance_seconds = max(int(elapsed), 0)


def _mark_responded(work_order: WorkOrder, actor, at) -> None:
    """The first staff action that reaches the requester meets the response target
    (§6.2.1): a visible comment, the engineer's confirmation of execution, a hold or the
    fix. Internal notes and the dispatch alone (routing inside the desk; the requester is
    not told) do not call this. In time is judged in business time."""
    if work_order.responded_at is None and actor.pk != work_order.requester_id:
        work_order.responded_at = at
        # A breach the scan already recorded stays one (a clock never un-breaches).
        work_order.response_breached = work_order.response_breached or not sla.in_time(
            business_calendar(), work_order.response_due_at, at
        )


# --- SLA -----------------------------------------------------------------------------


def sla_targets(service_level: ServiceLevel, priority: str) -> tuple[timedelta, timedelta]:
    response, resolution = SlaPolicy.minutes_table().get(
        (service_level.pk, priority),
        (service_level.response_minutes, service_level.resolution_minutes),
    )
    return timedelta(minutes=response), timedelta(minutes=resolution)


def sla_recompute(work_order: WorkOrder, *, calendar=None) -> None:
    """Set every clock instant from the start, the targets and the recorded holds.

    Replays the hold history, so it is right after a priority or level change too. (The
    queue's sort key follows from these when the order is saved: WorkOrder.save.)
    """
    calendar = calendar or business_calendar()
    response_target, resolution_target = sla_targets(work_order.service_level, work_order.priority)
    holds = [(h.started_at, h.ended_at) for h in work_order.holds.all()] if work_order.pk else []
    start = work_order.created_at
    # The response clock stopped at the first response: later holds do not move it.
    response_holds = sla.holds_before(holds, work_order.responded_at)
    response = sla.clock_thresholds(
        calendar, start=start, target=response_target, holds=response_holds
    )
    resolution = sla.clock_thresholds(calendar, start=start, target=resolution_target, holds=holds)
    work_order.response_warn_at = response.warn_at
    work_order.response_due_at = response.due_at
    work_order.response_escalate_at = response.escalate_at
    work_order.resolve_warn_at = resolution.warn_at
    work_order.resolve_due_at = resolution.due_at
    work_order.resolve_escalate_at = resolution.escalate_at
    if work_order.responded_at and work_order.response_due_at:
        work_order.response_breached = work_order.response_breached or not sla.in_time(
            calendar, work_order.response_due_at, work_order.responded_at
        )


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


def _users_with_role(role):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name=role, is_active=True))


def on_call_people(at) -> list:
    """Outside working hours, the people on call at `at` (phone first, then on site, each
    once); in working hours, or with nobody on the rota, an empty list."""
    if not out_of_hours(at):
        return []
    people = []
    for role in (OnCallRole.PHONE, OnCallRole.ON_SITE):
        user = on_call_at(at, role)
        if user is not None and user not in people:
            people.append(user)
    return people


def desk_or_on_call(at) -> list:
    """Who answers for the desk at `at`: the desk in working hours, the on-call people
    outside them (the desk's own people when nobody is on the rota)."""
    return on_call_people(at) or _users_with_role(Role.SERVICE_DESK)
