"""The system running fault log (系统运行故障记录表, plan §5.2.1) and its fault reports.

One definition, used by the page, the CSV, the PDF, the API and the counts:
- A *system fault* is a work order received in the month (cancelled ones left out, as in
  `metrics.received_orders`) whose device is a service in the CMDB (servers, network,
  applications: the class or the item has a service window) or whose category, or a
  category above it, is flagged `system_fault` (servers, network devices, server OS,
  databases, the business systems, mail; admins flag more).
- A *major* fault is priority P1, or P2 with high impact (wide outage, key business
  stopped: the major incidents of §5.2.1).
- A major fault needs a fault report (故障报告: cause, impact, duration, actions,
  prevention) by its handler. Closing is not refused without one: the requester's
  confirmation and the three-day automatic close also close orders, and neither can write
  it. Instead every resolved or closed major fault without a report is listed as
  missing, on the log and in its own list, until the handler writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from .choices import Level3, Priority, Status
from .metrics import received_orders
from .models import FaultReport, WorkOrder

READER_ROLES = (Role.ENGINEER, Role.SERVICE_DESK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
WRITER_ROLES = (Role.SUPERVISOR, Role.ADMIN)  # besides the order's own handler

SYSTEM_FAULT_Q = (
    Q(category__system_fault=True)
    | Q(category__parent__system_fault=True)
    | Q(category__parent__parent__system_fault=True)
    | Q(device__service_window__gt="")
    | Q(device__ci_class__service_window__gt="")
)
MAJOR_Q = Q(priority=Priority.P1) | Q(priority=Priority.P2, impact=Level3.HIGH)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)


def is_reader(user) -> bool:
    return user_has_role(user, *READER_ROLES)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """[first instant of `month`, first instant of the next) in the portal's time zone."""
    tz = timezone.get_current_timezone()
    first = month.replace(day=1)
    following = (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()), tz)
    end = timezone.make_aware(datetime.combine(following, datetime.min.time()), tz)
    return start, end


def _annotated(rows):
    return rows.annotate(
        is_major=Case(
            When(MAJOR_Q, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        has_report=Exists(FaultReport.objects.filter(work_order=OuterRef("pk"))),
    )


def fault_log(*, user, month: date):
    """The month's system faults the user may see, oldest first, each with `is_major` and
    `has_report`: one query however many rows."""
    start, end = month_bounds(month)
    visible = WorkOrder.objects.restrict(user, "view").values("pk")
    rows = (
        received_orders(start=start, end=end)
        .filter(SYSTEM_FAULT_Q, pk__in=visible)
        .select_related(
            "device",
            "category__parent",
            "department",
            "location",
            "assignee__person",
            "fault_report",
        )
        .order_by("created_at", "pk")
    )
    return _annotated(rows)


def missing_fault_reports(*, user):
    """Resolved or closed major system faults without a fault report (any month)."""
    visible = WorkOrder.objects.restrict(user, "view").values("pk")
    rows = (
        WorkOrder.objects.filter(SYSTEM_FAULT_Q, MAJOR_Q, status__in=DONE_STATUSES, pk__in=visible)
        .exclude(Exists(FaultReport.objects.filter(work_order=OuterRef("pk"))))
        .select_related("assignee__person", "device", "category")
        .order_by("resolved_at", "pk")
    )
    return _annotated(rows)


@dataclass(frozen=True)
class FaultLogCounts:
    faults: int
    major: int
    missing_reports: int


def fault_log_counts(*, user, month: date) -> FaultLogCounts:
    """The month's counts from the same rows as the list: one aggregate query."""
    rows = fault_log(user=user, month=month)
    done = Q(status__in=DONE_STATUSES)
    agg = rows.aggregate(
        faults=Count("pk"),
        major=Count("pk", filter=MAJOR_Q),
        missing=Count("pk", filter=MAJOR_Q & done & Q(has_report=False)),
    )
    return FaultLogCounts(agg["faults"], agg["major"], agg["missing"])


def is_major_system_fault(order: WorkOrder) -> bool:
    return WorkOrder.objects.filter(SYSTEM_FAULT_Q, MAJOR_Q, pk=order.pk).exists()


def fault_report_refusal(user, order: WorkOrder) -> str:
    """Why `user` may not write `order`'s fault report ("" when they may)."""
    if not is_major_system_fault(order):
        return _("A fault report is written for a major system or network fault only.")
    if order.status not in DONE_STATUSES:
        return _("Write the fault report once the fault is resolved.")
    if order.assignee_id == user.pk or user_has_role(user, *WRITER_ROLES):
        return ""
    return _("Only the engineer who handled the fault or a supervisor writes its fault report.")


def duration_minutes(order: WorkOrder) -> int | None:
    """From received to resolved, for the log (the report's own times win when written)."""
    if getattr(order, "has_report", False):
        return order.fault_report.duration_minutes
    if order.resolved_at is None:
        return None
    return int((order.resolved_at - order.created_at).total_seconds() // 60)
