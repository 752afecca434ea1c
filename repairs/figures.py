"""The figures of the monthly repair summary (月度维修总结) for any span of days, and the
records behind each count (the reports app lists them for drill-down).

One definition per figure: `repair_figures` counts exactly the rows `repair_records`
returns for the same name and days, so a drill-down list always matches its figure.
A quarter or a year is the same computation over its days (never a sum of rounded
monthly figures).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from servicedesk.calendar import business_calendar

from . import clock
from .choices import RepairKind, RepairStatus
from .models import BlacklistEntry, Nonconformance, PartPurchase, ProgressReport, RepairOrder


def _bounds(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(starts_on, time.min))
    end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min))
    return start, end


def working_days_between(calendar, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (the sending day not counted)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += calendar.is_working_day(day)
    return days


def third_party_turnaround(*, starts_on: date, ends_on: date) -> list[tuple[int, int, bool]]:
    """(repair pk, working days out, back within 15 working days) for every third-party
    repair returned in the days, in the business calendar as it stands now."""
    start, end = _bounds(starts_on, ends_on)
    calendar = business_calendar()
    rows = []
    for pk, sent_at, returned_at in RepairOrder.objects.filter(
        kind=RepairKind.THIRD_PARTY, returned_at__gte=start, returned_at__lt=end
    ).values_list("pk", "sent_at", "returned_at"):
        days = working_days_between(
            calendar, timezone.localdate(sent_at), timezone.localdate(returned_at)
        )
        rows.append((pk, days, days <= clock.THIRD_PARTY_WORKING_DAYS))
    return rows


def progress_reports_due(*, starts_on: date, ends_on: date) -> int:
    """Progress reports an in-warranty repair owed in the days: one every 3 working days
    after sending while it was out (plan §6.3.3)."""
    start, end = _bounds(starts_on, ends_on)
    calendar = business_calendar()
    due = 0
    for sent_at, returned_at in (
        RepairOrder.objects.filter(kind=RepairKind.IN_WARRANTY, sent_at__lt=end)
        .exclude(returned_at__lt=start)
        .values_list("sent_at", "returned_at")
    ):
        # Not owed on the day it came back.
        until = ends_on
        if returned_at:
            until = min(until, timezone.localdate(returned_at) - timedelta(days=1))
        due += sum(
            1
            for p in clock.progress_points(calendar, timezone.localdate(sent_at), until)
            if p >= starts_on
        )
    return due


# name → the rows counted; every count figure of the summary has one.
def repair_records(name: str, *, starts_on: date, ends_on: date) -> QuerySet:
    start, end = _bounds(starts_on, ends_on)
    sent = RepairOrder.objects.filter(sent_at__gte=start, sent_at__lt=end)
    if name == "sent_out":
        qs = sent
    elif name == "sent_in_warranty":
        qs = sent.filter(kind=RepairKind.IN_WARRANTY)
    elif name == "sent_third_party":
        qs = sent.filter(kind=RepairKind.THIRD_PARTY)
    elif name == "returned":
        qs = RepairOrder.objects.filter(returned_at__gte=start, returned_at__lt=end)
    elif name in ("third_party_returned", "returned_in_time", "returned_late"):
        rows = third_party_turnaround(starts_on=starts_on, ends_on=ends_on)
        keep = {
            "third_party_returned": lambda in_time: True,
            "returned_in_time": lambda in_time: in_time,
            "returned_late": lambda in_time: not in_time,
        }[name]
        qs = RepairOrder.objects.filter(pk__in=[pk for pk, _days, ok in rows if keep(ok)])
    elif name == "still_out":
        qs = RepairOrder.objects.filter(status=RepairStatus.SENT, sent_at__lt=end)
    elif name == "spare_units_lent":
        qs = sent.filter(spare_loan__isnull=False)
    elif name == "progress_reports":
        return (
            ProgressReport.objects.filter(reported_on__gte=starts_on, reported_on__lte=ends_on)
            .select_related("repair", "reported_by__person")
            .order_by("reported_on", "pk")
        )
    elif name == "nonconformances":
        return (
            Nonconformance.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
            .select_related("vendor__supplier")
            .order_by("occurred_at", "pk")
        )
    elif name == "blacklisted":
        return (
            BlacklistEntry.objects.filter(listed_on__gte=starts_on, listed_on__lte=ends_on)
            .select_related("vendor__supplier")
            .order_by("listed_on", "pk")
        )
    elif name == "unblacklisted":
        return (
            BlacklistEntry.objects.filter(removed_on__gte=starts_on, removed_on__lte=ends_on)
            .select_related("vendor__supplier")
            .order_by("removed_on", "pk")
        )
    elif name == "parts_replaced":
        return (
            PartPurchase.objects.filter(replaced_at__gte=start, replaced_at__lt=end)
            .select_related("repair__device__department", "chosen__supplier")
            .order_by("replaced_at", "pk")
        )
    else:
        raise KeyError(name)
    return qs.select_related("device", "vendor__supplier").order_by("sent_at", "pk")


@dataclass
class RepairFigures:
    starts_on: date
    ends_on: date
    sent_out: int = 0
    sent_in_warranty: int = 0
    sent_third_party: int = 0
    returned: int = 0
    third_party_returned: int = 0
    third_party_within_15_days: int = 0
    returned_late: int = 0
    average_working_days: float | None = None
    still_out: int = 0
    progress_reports: int = 0
    progress_reports_due: int = 0
    nonconformances: int = 0
    nonconformances_by_vendor: dict = field(default_factory=dict)
    blacklisted: int = 0
    unblacklisted: int = 0
    spare_units_lent: int = 0
    parts_replaced: int = 0
    parts_cost: Decimal = Decimal("0")


def repair_figures(*, starts_on: date, ends_on: date) -> RepairFigures:
    """The summary's figures for the days `starts_on`..`ends_on` (inclusive)."""

    def count(name):
        return repair_records(name, starts_on=starts_on, ends_on=ends_on).count()

    turnaround = third_party_turnaround(starts_on=starts_on, ends_on=ends_on)
    # The average covers every repair back in the days (in-warranty ones too).
    start, end = _bounds(starts_on, ends_on)
    calendar = business_calendar()
    all_days = [
        working_days_between(calendar, timezone.localdate(s), timezone.localdate(r))
        for s, r in RepairOrder.objects.filter(
            returned_at__gte=start, returned_at__lt=end
        ).values_list("sent_at", "returned_at")
    ]
    nonconformances = repair_records("nonconformances", starts_on=starts_on, ends_on=ends_on)
    by_vendor = dict(
        nonconformances.order_by()
        .values_list("vendor__supplier__name")
        .annotate(n=Count("pk"))
        .values_list("vendor__supplier__name", "n")
    )
    parts = repair_records("parts_replaced", starts_on=starts_on, ends_on=ends_on).order_by()
    totals = parts.aggregate(n=Count("pk"), cost=Sum("cost"))
    return RepairFigures(
        starts_on=starts_on,
        ends_on=ends_on,
        sent_out=count("sent_out"),
        sent_in_warranty=count("sent_in_warranty"),
        sent_third_party=count("sent_third_party"),
        returned=len(all_days),
        third_party_returned=len(turnaround),
        third_party_within_15_days=sum(1 for _pk, _d, ok in turnaround if ok),
        returned_late=sum(1 for _pk, _d, ok in turnaround if not ok),
        average_working_days=round(sum(all_days) / len(all_days), 1) if all_days else None,
        still_out=count("still_out"),
        progress_reports=count("progress_reports"),
        progress_reports_due=progress_reports_due(starts_on=starts_on, ends_on=ends_on),
        nonconformances=nonconformances.count(),
        nonconformances_by_vendor=by_vendor,
        blacklisted=count("blacklisted"),
        unblacklisted=count("unblacklisted"),
        spare_units_lent=count("spare_units_lent"),
        parts_replaced=totals["n"],
        parts_cost=totals["cost"] or Decimal("0"),
    )


# --- costs per department (plan §2.2.2.2; the reports' costs section and its page) -------

NO_DEPARTMENT = 0  # department_id for costs of no department (incidents.metrics' value)
# kind → the amount field of the records `repair_cost_records(kind)` returns.
COST_FIELDS = {"repair_charges": "repair_cost", "repair_parts": "cost"}


def repair_cost_records(
    kind: str, *, starts_on: date, ends_on: date, department_id: int | None = None
) -> QuerySet:
    """The records behind a repair cost kind in the days, each annotated with the
    department it is charged to (`cost_department_id`: the device's department in the CMDB,
    else the work order's):
    - "repair_charges": repair send-outs back in the days with a vendor charge;
    - "repair_parts": out-of-warranty parts fitted in the days (`parts_replaced`).
    `department_id` narrows them (NO_DEPARTMENT: those charged to none)."""
    from django.db.models.functions import Coalesce

    start, end = _bounds(starts_on, ends_on)
    if kind == "repair_charges":
        qs = RepairOrder.objects.filter(
            returned_at__gte=start, returned_at__lt=end, repair_cost__isnull=False
        ).annotate(cost_department_id=Coalesce("device__department", "work_order__department"))
        qs = qs.select_related("device__department", "vendor__supplier").order_by(
            "returned_at", "pk"
        )
    elif kind == "repair_parts":
        qs = repair_records("parts_replaced", starts_on=starts_on, ends_on=ends_on).annotate(
            cost_department_id=Coalesce(
                "repair__device__department", "repair__work_order__department"
            )
        )
    else:
        raise KeyError(kind)
    if department_id == NO_DEPARTMENT:
        qs = qs.filter(cost_department_id__isnull=True)
    elif department_id:
        qs = qs.filter(cost_department_id=department_id)
    return qs


def repair_costs_by_department(*, starts_on: date, ends_on: date) -> dict[str, dict]:
    """Cost kind → {department id (None: none) → amount} for the days; one grouped query
    per kind, summing exactly the rows `repair_cost_records` lists."""
    result = {}
    for kind, amount in COST_FIELDS.items():
        rows = (
            repair_cost_records(kind, starts_on=starts_on, ends_on=ends_on)
            .order_by()
            .values("cost_department_id")
            .annotate(total=Sum(amount))
        )
        result[kind] = {r["cost_department_id"]: r["total"] or Decimal("0") for r in rows}
    return result
