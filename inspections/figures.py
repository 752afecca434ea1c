"""Inspection figures over any span of days (a month's report, a quarter, a year) and the
records behind each count, for the reports app.

The plans counted are the approved plans whose month lies in the span. A round is
"done" when every device on its route has a record of the plan, "missed" when its day
has passed and nothing on it was recorded; the rest are partly done (or still ahead).
A device is "inspected" when the plan holds a record for it; "not reached" otherwise.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from .choices import ApprovalStatus, DiscrepancyStatus, ItemResult
from .models import (
    Discrepancy,
    InspectionPlan,
    InspectionRecord,
    InspectionRound,
    PlanDevice,
    ResultLine,
)


def plans_in(*, starts_on: date, ends_on: date) -> QuerySet:
    return InspectionPlan.objects.filter(
        period__gte=starts_on.replace(day=1), period__lte=ends_on, status=ApprovalStatus.APPROVED
    )


def _rounds(starts_on, ends_on, today):
    plans = plans_in(starts_on=starts_on, ends_on=ends_on)
    missing = PlanDevice.objects.filter(round=OuterRef("pk")).exclude(
        Exists(InspectionRecord.objects.filter(plan=OuterRef("plan"), ci=OuterRef("ci")))
    )
    return (
        InspectionRound.objects.filter(plan__in=plans)
        .annotate(
            has_missing=Exists(missing),
            record_total=Count("records", distinct=True),
            device_total=Count("devices", distinct=True),
        )
        .select_related("plan", "building", "engineer__person")
        .order_by("day", "pk")
    )


def _devices(starts_on, ends_on):
    plans = plans_in(starts_on=starts_on, ends_on=ends_on)
    return (
        PlanDevice.objects.filter(plan__in=plans)
        .annotate(
            inspected=Exists(
                InspectionRecord.objects.filter(plan=OuterRef("plan"), ci=OuterRef("ci"))
            )
        )
        .select_related("ci__location__building", "plan", "round")
        .order_by("plan__period", "ci__asset_tag", "pk")
    )


def inspection_records(
    name: str, *, starts_on: date, ends_on: date, today: date | None = None
) -> QuerySet:
    """The rows each count of `inspection_figures` counts, by the figure's name."""
    today = today or timezone.localdate()
    if name == "rounds_planned":
        return _rounds(starts_on, ends_on, today)
    if name == "rounds_done":
        return _rounds(starts_on, ends_on, today).filter(has_missing=False, record_total__gt=0)
    if name == "rounds_missed":
        return _rounds(starts_on, ends_on, today).filter(day__lt=today, record_total=0)
    if name == "devices_planned":
        return _devices(starts_on, ends_on)
    if name == "devices_inspected":
        return _devices(starts_on, ends_on).filter(inspected=True)
    if name == "not_reached":
        return _devices(starts_on, ends_on).filter(inspected=False)
    plans = plans_in(starts_on=starts_on, ends_on=ends_on)
    if name == "records":
        return (
            InspectionRecord.objects.filter(plan__in=plans)
            .select_related("ci", "engineer__person")
            .order_by("inspected_at", "pk")
        )
    if name == "failures":
        return (
            ResultLine.objects.filter(record__plan__in=plans, result=ItemResult.FAIL)
            .select_related("record__ci", "work_order")
            .order_by("record__inspected_at", "pk")
        )
    if name == "discrepancies":
        return (
            Discrepancy.objects.filter(record__plan__in=plans)
            .select_related("ci", "record")
            .order_by("created_at", "pk")
        )
    raise KeyError(name)


@dataclass
class InspectionFigures:
    starts_on: date
    ends_on: date
    plans: list = field(default_factory=list)  # [(number, title, period)]
    rounds_planned: int = 0
    rounds_done: int = 0
    rounds_missed: int = 0
    devices_planned: int = 0
    devices_inspected: int = 0
    records: int = 0
    failures: int = 0
    failures_by_item: list = field(default_factory=list)  # [(checklist item, count)]
    discrepancies: int = 0
    discrepancies_by_field: list = field(default_factory=list)  # [(field value, count)]
    discrepancies_open: int = 0
    not_reached: list = field(default_factory=list)  # [(tag, name, place, reason)]


def inspection_figures(
    *, starts_on: date, ends_on: date, today: date | None = None
) -> InspectionFigures:
    """Planned, done and missed rounds, devices inspected vs planned, findings by checklist
    item and discrepancies by kind, and the devices not reached (a fixed number of queries)."""
    today = today or timezone.localdate()

    def records(name):
        return inspection_records(name, starts_on=starts_on, ends_on=ends_on, today=today)

    failures = Counter(records("failures").values_list("text", flat=True))
    discrepancies = list(records("discrepancies").values_list("field", "status"))
    not_reached = [
        (
            d.ci.asset_tag,
            d.ci.name,
            str(d.ci.location) if d.ci.location_id else "",
            d.not_reached_reason,
        )
        for d in records("not_reached")
    ]
    return InspectionFigures(
        starts_on=starts_on,
        ends_on=ends_on,
        plans=list(
            plans_in(starts_on=starts_on, ends_on=ends_on)
            .order_by("period")
            .values_list("number", "title", "period")
        ),
        rounds_planned=records("rounds_planned").count(),
        rounds_done=records("rounds_done").count(),
        rounds_missed=records("rounds_missed").count(),
        devices_planned=records("devices_planned").count(),
        devices_inspected=records("devices_inspected").count(),
        records=records("records").count(),
        failures=sum(failures.values()),
        failures_by_item=failures.most_common(),
        discrepancies=len(discrepancies),
        discrepancies_by_field=Counter(f for f, _s in discrepancies).most_common(),
        discrepancies_open=sum(1 for _f, s in discrepancies if s == DiscrepancyStatus.OPEN),
        not_reached=not_reached,
    )
