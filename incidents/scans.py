"""Periodic scans: SLA warnings and escalations, and closing unanswered resolved orders.

Idempotent by construction: a notice is a unique row (work order, clock, level, due
instant) inserted before anything is sent, so a rerun, a second worker or a worker
killed mid-scan never repeats one. The queries run over indexed instant columns.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from servicedesk.calendar import business_calendar
from servicedesk.choices import Role
from servicedesk.notifications import notify

from .choices import OPEN_STATUSES, EventKind, NoticeLevel, SlaClock, Status
from .models import SlaNotice, WorkOrder, WorkOrderEvent
from .services import AUTO_CLOSE_WORKING_DAYS, work_order_auto_close, work_order_url


@dataclass(frozen=True)
class Rule:
    clock: str
    level: str
    instant: str  # the column holding the threshold instant
    due: str  # the column whose value identifies this clock's current due instant
    pending: dict  # filter: the clock is still running
    audience: str  # assignee | supervisor | manager | desk
    breach_flag: str = ""


RULES = [
    Rule(SlaClock.RESPONSE, NoticeLevel.WARNING, "response_warn_at", "response_due_at", {"responded_at__isnull": True}, "assignee"),
    Rule(SlaClock.RESPONSE, NoticeLevel.BREACH, "response_due_at", "response_due_at", {"responded_at__isnull": True}, "supervisor", "response_breached"),
    Rule(SlaClock.RESPONSE, NoticeLevel.MANAGER, "response_escalate_at", "response_due_at", {"responded_at__isnull": True}, "manager"),
    Rule(SlaClock.RESOLUTION, NoticeLevel.WARNING, "resolve_warn_at", "resolve_due_at", {"resolved_at__isnull": True}, "assignee"),
    Rule(SlaClock.RESOLUTION, NoticeLevel.BREACH, "resolve_due_at", "resolve_due_at", {"resolved_at__isnull": True}, "supervisor", "resolution_breached"),
    Rule(SlaClock.RESOLUTION, NoticeLevel.MANAGER, "resolve_escalate_at", "resolve_due_at", {"resolved_at__isnull": True}, "manager"),
    Rule(SlaClock.DISPATCH, NoticeLevel.BREACH, "dispatch_due_at", "dispatch_due_at", {"assigned_at__isnull": True, "status": Status.NEW}, "supervisor"),
    Rule(SlaClock.ACCEPT, NoticeLevel.BREACH, "accept_due_at", "accept_due_at", {"accepted_at__isnull": True, "status": Status.ASSIGNED}, "desk"),
    Rule(SlaClock.MANAGER_ESCALATION, NoticeLevel.BREACH, "manager_escalation_due_at", "manager_escalation_due_at", {"manager_notified_at__isnull": True}, "supervisor"),
]  # fmt: skip

_MESSAGES = {
    NoticeLevel.WARNING: gettext_lazy("%(clock)s target 75%% used"),
    NoticeLevel.BREACH: gettext_lazy("%(clock)s target breached"),
    NoticeLevel.MANAGER: gettext_lazy("%(clock)s target exceeded by half: escalated"),
}


def sla_scan(*, now=None, batch: int = 500) -> dict[str, int]:
    """Send each due warning or escalation once; set breach flags. Returns counts per rule."""
    now = now or timezone.now()
    counts = {}
    people = _role_members()
    for rule in RULES:
        already = SlaNotice.objects.filter(
            work_order=OuterRef("pk"), clock=rule.clock, level=rule.level, due_at=OuterRef(rule.due)
        )
        due = (
            WorkOrder.objects.filter(
                status__in=OPEN_STATUSES, **{f"{rule.instant}__lte": now}, **rule.pending
            )
            .filter(~Exists(already))
            .select_related("assignee")
            .order_by(rule.instant)[:batch]
        )
        sent = 0
        for work_order in due:
            sent += _notice(work_order, rule, people)
        counts[f"{rule.clock}:{rule.level}"] = sent
    return counts


def _notice(work_order: WorkOrder, rule: Rule, people: dict) -> int:
    due_at = getattr(work_order, rule.due)
    try:
        with transaction.atomic():
            SlaNotice.objects.create(
                work_order=work_order, clock=rule.clock, level=rule.level, due_at=due_at
            )
            if rule.breach_flag:
                WorkOrder.objects.filter(pk=work_order.pk).update(**{rule.breach_flag: True})
            label = SlaClock(rule.clock).label
            subject = _MESSAGES[rule.level] % {"clock": label}
            WorkOrderEvent.objects.create(
                work_order=work_order,
                kind=EventKind.SLA,
                body=str(subject),
                data={"clock": rule.clock, "level": rule.level, "due_at": due_at.isoformat()},
                at=timezone.now(),
            )
            recipients = _audience(work_order, rule.audience, people)
            notify(
                recipients=recipients,
                subject=f"[{work_order.number}] {subject}",
                body=work_order.title,
                url=work_order_url(work_order),
            )
    except IntegrityError:
        return 0  # another worker sent it first
    return 1


def _role_members() -> dict:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        is_active=True, groups__name__in=[Role.SUPERVISOR, Role.MANAGER, Role.SERVICE_DESK]
    )
    members: dict = {Role.SUPERVISOR: [], Role.MANAGER: [], Role.SERVICE_DESK: []}
    for user in users.prefetch_related("groups"):
        for group in user.groups.all():
            if group.name in members:
                members[group.name].append(user)
    return members


def _audience(work_order, audience: str, people: dict) -> list:
    if audience == "assignee":
        return [work_order.assignee] if work_order.assignee else people[Role.SERVICE_DESK]
    if audience == "supervisor":
        return people[Role.SUPERVISOR]
    if audience == "manager":
        return people[Role.MANAGER] + people[Role.SUPERVISOR]
    return people[Role.SERVICE_DESK]


def auto_close_scan(*, now=None, working_days: int = 3) -> int:
    """Close resolved orders the requester has not answered for `working_days` working days."""
    now = now or timezone.now()
    calendar = business_calendar()
    working_days = working_days or AUTO_CLOSE_WORKING_DAYS
    # A coarse pre-filter in SQL (calendar days), the exact working-day test in Python.
    candidates = WorkOrder.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - timedelta(days=working_days)
    )
    closed = 0
    for work_order in candidates.iterator():
        if _working_days_between(calendar, work_order.resolved_at, now) >= working_days:
            closed += work_order_auto_close(work_order=work_order, now=now)
    return closed


def _working_days_between(calendar, start, end) -> int:
    day, last, count = timezone.localtime(start).date(), timezone.localtime(end).date(), 0
    while day < last:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count
