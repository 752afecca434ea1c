"""Spare demand (备件需求, §5.1.2.3 "report spare demand once a month", §6.1.3 monthly
supply of spares): per part, what was used in each of the last N months and what to order.

Consumption is the parts issued from stock on requisitions (备件领用单) and not returned:
requisitions issued or used, counted in the month they were issued. Stock and minimum
levels are summed over the locations, as they are now. The suggested order keeps a part at
its minimum level after one more month of average use:

    suggested = max(0, minimum + ceil(consumed in N months / N) − in stock)

The page, its CSV, the API and the monthly report's spares section read `spare_demand()`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import QuerySet, Sum
from django.utils import timezone

from .choices import RequisitionStatus
from .models import PartType, Requisition, Stock

CONSUMED = (RequisitionStatus.ISSUED, RequisitionStatus.CONSUMED)
DEFAULT_MONTHS = 3
MAX_MONTHS = 24


def month_firsts(until: date, months: int) -> list[date]:
    """The first days of the `months` months ending with `until`'s month, oldest first."""
    index = until.year * 12 + until.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def suggested_order(*, consumed: int, months: int, stock: int, minimum: int) -> int:
    return max(0, minimum + math.ceil(consumed / months) - stock)


@dataclass
class DemandRow:
    part: PartType
    monthly: list[int]  # units issued per month, oldest first
    stock: int
    minimum: int

    @property
    def consumed(self) -> int:
        return sum(self.monthly)

    @property
    def average(self) -> float:
        return round(self.consumed / len(self.monthly), 1) if self.monthly else 0.0

    @property
    def suggested(self) -> int:
        return suggested_order(
            consumed=self.consumed, months=len(self.monthly), stock=self.stock, minimum=self.minimum
        )

    @property
    def below_minimum(self) -> bool:
        return self.stock < self.minimum


@dataclass
class SpareDemand:
    months: list[date]  # first days, oldest first
    rows: list[DemandRow]

    @property
    def below_minimum(self) -> list[DemandRow]:
        return [row for row in self.rows if row.below_minimum]

    @property
    def to_order(self) -> list[DemandRow]:
        return [row for row in self.rows if row.suggested > 0]


def consumption(*, starts_on: date, ends_on: date) -> QuerySet[Requisition]:
    """The requisitions whose parts left stock for good in [starts_on, ends_on] (issued
    then, not returned)."""
    return Requisition.objects.filter(
        status__in=CONSUMED,
        issued_at__gte=_aware(starts_on),
        issued_at__lt=_aware(date.fromordinal(ends_on.toordinal() + 1)),
    )


def spare_demand(*, months: int = DEFAULT_MONTHS, until: date | None = None) -> SpareDemand:
    """Every part type's use in the `months` months ending with `until`'s month (default
    this month), its stock, minimum and suggested order; three queries."""
    months = max(1, min(int(months), MAX_MONTHS))
    firsts = month_firsts(until or timezone.localdate(), months)
    end = _next_month(firsts[-1])
    issued = consumption(starts_on=firsts[0], ends_on=date.fromordinal(end.toordinal() - 1))
    used: dict[int, list[int]] = {}
    position = {(d.year, d.month): i for i, d in enumerate(firsts)}
    for part_id, issued_at, quantity in issued.values_list(
        "stock__part_type_id", "issued_at", "quantity"
    ):
        local = timezone.localtime(issued_at)
        used.setdefault(part_id, [0] * months)[position[(local.year, local.month)]] += quantity
    levels = {
        row["part_type_id"]: (row["quantity"] or 0, row["minimum"] or 0)
        for row in Stock.objects.order_by()
        .values("part_type_id")
        .annotate(quantity=Sum("quantity"), minimum=Sum("minimum_level"))
    }
    rows = [
        DemandRow(
            part=part,
            monthly=used.get(part.pk, [0] * months),
            stock=levels.get(part.pk, (0, 0))[0],
            minimum=levels.get(part.pk, (0, 0))[1],
        )
        for part in PartType.objects.order_by("name", "model")
    ]
    return SpareDemand(months=firsts, rows=rows)


def demand_parts(name: str, *, months: int = DEFAULT_MONTHS, until: date | None = None):
    """The part types behind a count of the demand ("below_minimum", "to_order") as a
    queryset, for the report's drill-down."""
    demand = spare_demand(months=months, until=until)
    rows = {"below_minimum": demand.below_minimum, "to_order": demand.to_order}[name]
    return PartType.objects.filter(pk__in=[row.part.pk for row in rows]).order_by("name", "model")
