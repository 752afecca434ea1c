"""Periodic scans: SLA warnings and escalations, and closing unanswered resolved orders.

Idempotent by construction: a notice is a unique row (work order, clock, level, due
instant). A batch of due orders is claimed with one INSERT … ON CONFLICT DO NOTHING
RETURNING, in the same transaction as the breach flags, timeline events and queued
notifications; only the rows this worker inserted are acted on. A rerun, a second
worker or a worker killed mid-scan (its transaction rolls back) never repeats one.
The due orders are found over indexed instant columns, a batch at a time.
"""

import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext_lazy

from itsm import workflow
from itsm.actors import system_user
from servicedesk.calendar import business_calendar
from servicedesk.choices import Role
from servicedesk.notifications import notify_many

from . import sla
from .choices import OPEN_STATUSES, EventKind, NoticeLevel, SlaClock, Status
from .models import SlaNotice, WorkOrder, WorkOrderEvent
from .models.work_order import QUEUE_NEVER
from .selectors import queue_counts_changed
from .services import (
    AUTO_CLOSE_WORKING_DAYS,
    on_call_people,
    work_order_auto_close,
    work_order_url,
)


@dataclass(frozen=True)
class Rule:
    clock: str
    level: str
    instant: str  # the column holding the threshold instant
    due: str  # the column whose value identifies this clock's current due instant
    pending: dict  # filter: the clock is still running
    audience: str  # assignee | supervisor | manager | desk | desk_and_supervisor
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
    # A dispatch clears redispatch_due_at, so a due one still set is a re-plan not done.
    Rule(SlaClock.REDISPATCH, NoticeLevel.BREACH, "redispatch_due_at", "redispatch_due_at", {}, "supervisor"),
    Rule(SlaClock.GUIDANCE, NoticeLevel.BREACH, "guidance_due_at", "guidance_due_at", {"assigned_at__isnull": True, "resolved_at__isnull": True}, "desk_and_supervisor"),
]  # fmt: skip

CLOCK_BREACH_FLAG = {
    SlaClock.RESPONSE: "response_breached",
    SlaClock.RESOLUTION: "resolution_breached",
}

_MESSAGES = {
    NoticeLevel.WARNING: gettext_lazy("%(clock)s target 75%% used"),
    NoticeLevel.BREACH: gettext_lazy("%(clock)s target breached"),
    NoticeLevel.MANAGER: gettext_lazy("%(clock)s target exceeded by half: escalated"),
}

BATCH = 1000
DIGEST_OVER = 5  # more notices than this for one person in one batch become one digest
DIGEST_LISTED = 50
MAX_PER_RUN = 20_000  # a backlog (e.g. after an outage of the scanner) drains over runs
ANALYZE_AFTER = 1_000  # notices in one run
ADVANCE_BATCH = 5_000  # orders moved on per statement
TIME_BUDGET = 6.0  # seconds of batches per run (a run then ends within ~8 s); beat fires every 60


def sla_scan(
    *,
    now=None,
    batch: int = BATCH,
    max_per_run: int = MAX_PER_RUN,
    time_budget: float = TIME_BUDGET,
) -> dict[str, int]:
    """Send each due warning or escalation once; set breach flags. Returns counts per rule.

    A run stops starting batches after `time_budget` seconds, so a minute scan never
    overlaps the next one; what is left (a backlog after downtime) the next runs take.
    """
    now = now or timezone.now()
    deadline = time.monotonic() + time_budget
    people = _role_members()
    # Outside working hours the desk, the supervisor and the manager are not there: the
    # notices that would go to them go to the people on call (servicedesk.oncall).
    people["on_call"] = on_call_people(now)
    counts = {}
    for rule in RULES:
        sent, after = 0, None
        while sent < max_per_run and (sent == 0 or time.monotonic() < deadline):
            claimed = _scan_batch(rule, now, people, batch, after=after)
            sent += claimed.found_new
            # A short batch is the last; a full one that claimed nothing means another
            # worker is on the same rows: leave them to it.
            if claimed.rows < batch or not claimed.found_new:
                break
            after = claimed.last  # keyset: the next batch starts past this one
        counts[f"{rule.clock}:{rule.level}"] = sent
    advance_watermarks(now, deadline)
    if sum(counts.values()) >= ANALYZE_AFTER:
        # A backlog grows the notice table at once; without fresh statistics PostgreSQL
        # plans the next scan's NOT EXISTS as a nested loop over the whole table.
        _analyze_notices()
    return counts


def _analyze_notices() -> None:
    table = connection.ops.quote_name(SlaNotice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")  # noqa: S608 (our table)


@dataclass(frozen=True)
class _Batch:
    rows: int  # due orders read
    found_new: int  # notices this worker inserted (and so acted on)
    last: tuple | None = None  # (instant, pk) of the last row read


def _scan_batch(rule: Rule, now, people: dict, batch: int, after: tuple | None = None) -> _Batch:
    already = SlaNotice.objects.filter(
        work_order=OuterRef("pk"), clock=rule.clock, level=rule.level, due_at=OuterRef(rule.due)
    )
    # An instant is reached once it has passed: an action exactly at the due instant is on
    # time in the services, so the scan does not call it late either.
    # A breach is judged in business time: a 17:30 due point is not breached at 18:00 or
    # at 08:30 sharp the next working day, since no business time has passed (sla.in_time).
    reached = sla.breach_cutoff(business_calendar(), now) if rule.breach_flag else now
    # The watermark picks the rows. Given both conditions side by side, SQLite walked the
    # instant's index over every past row (3.7 s a scan at a million orders, 0.3 s with
    # the watermark as a subquery); PostgreSQL plans the plain form better (85 vs 105 ms).
    if connection.vendor == "sqlite":
        watermark = {"pk__in": WorkOrder.objects.filter(sla_scan_at__lte=now).values("pk")}
    else:
        watermark = {"sla_scan_at__lte": now}
    rows = WorkOrder.objects.filter(
        **watermark,
        status__in=OPEN_STATUSES,
        **{f"{rule.instant}__lt": reached},
        **rule.pending,
    )
    flag = CLOCK_BREACH_FLAG.get(rule.clock)
    if flag:
        # After a breach, a hold moves the due instant (notices are keyed by it); what was
        # already told for this clock is not told again. Reopening clears the flag.
        told = SlaNotice.objects.filter(
            work_order=OuterRef("pk"), clock=rule.clock, level=rule.level
        )
        rows = rows.exclude(Q(**{flag: True}) & Exists(told))
    if after is not None:
        instant, pk = after
        rows = rows.filter(
            Q(**{f"{rule.instant}__gt": instant}) | Q(**{rule.instant: instant, "pk__gt": pk})
        )
    with transaction.atomic():
        due = list(
            rows.filter(~Exists(already))
            .select_related("assignee")
            # status too: the concurrency mixin reads it on load, one query per row if deferred.
            .only(
                "pk",
                "number",
                "title",
                "status",
                rule.instant,
                rule.due,
                "assignee__email",
                "assignee__is_active",
            )
            .order_by(rule.instant, "pk")[:batch]
        )
        if not due:
            return _Batch(0, 0)
        claimed_ids = _claim(rule, due, now)
        mine = [wo for wo in due if wo.pk in claimed_ids]
        if mine:
            _act(rule, mine, people, now)
    last = due[-1]
    return _Batch(len(due), len(mine), (getattr(last, rule.instant), last.pk))


def _untold(rule: Rule) -> Q:
    """The rule's instant is set, its clock runs and nobody was told of it yet (the
    conditions under which `_scan_batch` acts, but for the time)."""
    already = SlaNotice.objects.filter(
        work_order=OuterRef("pk"), clock=rule.clock, level=rule.level, due_at=OuterRef(rule.due)
    )
    condition = Q(**{f"{rule.instant}__isnull": False}, **rule.pending) & ~Exists(already)
    flag = CLOCK_BREACH_FLAG.get(rule.clock)
    if flag:
        told = SlaNotice.objects.filter(
            work_order=OuterRef("pk"), clock=rule.clock, level=rule.level
        )
        condition &= ~(Q(**{flag: True}) & Exists(told))
    return condition


def advance_watermarks(now, deadline: float) -> None:
    """Move each order the scan looked at on to its earliest threshold not acted on yet.

    Computed from the notices, not from what this run did: an instant that is due but was
    not told (a batch limit, another worker, a breach waiting for business time) keeps the
    order in range, so nothing is skipped; a concurrent save sets its own earliest
    instant. Orders no longer open leave the range for good.
    """
    earliest = Least(
        *(
            Case(When(_untold(rule), then=F(rule.instant)), default=Value(QUEUE_NEVER))
            for rule in RULES
        ),
        output_field=DateTimeField(),
    )
    after = 0
    while time.monotonic() < deadline or after == 0:
        ids = list(
            WorkOrder.objects.filter(sla_scan_at__lte=now, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[:ADVANCE_BATCH]
        )
        if not ids:
            return
        with transaction.atomic():
            rows = WorkOrder.objects.filter(pk__in=ids, sla_scan_at__lte=now)
            rows.exclude(status__in=OPEN_STATUSES).update(sla_scan_at=QUEUE_NEVER)
            rows.filter(status__in=OPEN_STATUSES).update(sla_scan_at=earliest)
        after = ids[-1]


def _claim(rule: Rule, orders, now) -> set[int]:
    """Insert the notice rows; the database says which ones were new (ON CONFLICT DO NOTHING)."""
    table = connection.ops.quote_name(SlaNotice._meta.db_table)
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(orders))
    # Adapt datetimes as the ORM does, so SQLite stores the same text the NOT EXISTS
    # check and the unique constraint compare against.
    adapt = connection.ops.adapt_datetimefield_value
    params = []
    for wo in orders:
        params += [wo.pk, rule.clock, rule.level, adapt(getattr(wo, rule.due)), adapt(now)]
    sql = (
        f"INSERT INTO {table} (work_order_id, clock, level, due_at, created_at) "  # noqa: S608 (our table)
        f"VALUES {placeholders} ON CONFLICT DO NOTHING RETURNING work_order_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _act(rule: Rule, orders, people: dict, now) -> None:
    ids = [wo.pk for wo in orders]
    if rule.breach_flag:
        WorkOrder.objects.filter(pk__in=ids).update(**{rule.breach_flag: True})
        workflow.after_commit(queue_counts_changed)
    subject = str(_MESSAGES[rule.level] % {"clock": SlaClock(rule.clock).label})
    WorkOrderEvent.objects.bulk_create(
        WorkOrderEvent(
            work_order_id=wo.pk,
            kind=EventKind.SLA,
            body=subject,
            data={
                "clock": rule.clock,
                "level": rule.level,
                "due_at": getattr(wo, rule.due).isoformat(),
            },
            at=now,
        )
        for wo in orders
    )
    # One message per work order, unless a recipient would get a pile of them (a backlog
    # after downtime, a mass outage): then one digest listing them.
    by_recipient: dict = {}
    for wo in orders:
        for user in _audience(wo, rule.audience, people):
            if user is not None:
                by_recipient.setdefault(user.pk, (user, []))[1].append(wo)
    messages = []
    for user, own in by_recipient.values():
        if len(own) <= DIGEST_OVER:
            messages += [
                ([user], f"[{wo.number}] {subject}", wo.title, work_order_url(wo)) for wo in own
            ]
        else:
            listed = "\n".join(f"{wo.number} {wo.title}" for wo in own[:DIGEST_LISTED])
            more = len(own) - DIGEST_LISTED
            if more > 0:
                listed += "\n" + str(gettext_lazy("… and %(count)d more") % {"count": more})
            digest = str(
                gettext_lazy("%(count)d work orders: %(subject)s")
                % {"count": len(own), "subject": subject}
            )
            messages.append(([user], digest, listed, "/incidents/?queue=breached"))
    notify_many(messages)


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
    if audience == "assignee" and work_order.assignee_id:
        return [work_order.assignee]
    if people.get("on_call"):
        return people["on_call"]
    if audience == "assignee":
        return [work_order.assignee] if work_order.assignee_id else people[Role.SERVICE_DESK]
    if audience == "supervisor":
        return people[Role.SUPERVISOR]
    if audience == "manager":
        return people[Role.MANAGER] + people[Role.SUPERVISOR]
    if audience == "desk_and_supervisor":
        return people[Role.SERVICE_DESK] + people[Role.SUPERVISOR]
    return people[Role.SERVICE_DESK]


def auto_close_scan(*, now=None, working_days: int = AUTO_CLOSE_WORKING_DAYS) -> int:
    """Settle resolved orders the requester has not answered for `working_days` working
    days: to the callback queue under the callback rule, closed without it."""
    now = now or timezone.now()
    calendar = business_calendar()
    actor = system_user()
    # A coarse pre-filter in SQL (calendar days), the exact working-day test in Python.
    candidates = WorkOrder.objects.filter(
        status=Status.RESOLVED,
        imported_at__isnull=True,  # history is settled as imported (history_import)
        confirmed_at__isnull=True,
        resolved_at__lte=now - timedelta(days=working_days),
    )
    closed = 0
    for work_order in candidates.iterator():
        if _working_days_between(calendar, work_order.resolved_at, now) >= working_days:
            closed += work_order_auto_close(work_order=work_order, actor=actor, now=now)
    return closed


def _working_days_between(calendar, start, end) -> int:
    day, last, count = timezone.localtime(start).date(), timezone.localtime(end).date(), 0
    while day < last:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count
