"""Quarterly service targets against each quarter's actuals (季度服务目标, issue 18 item 4).

The targets are servicedesk's commitments (a QuarterTargets set is ServiceCommitment rows
valid from the quarter's first day): for each quarter the general rows in force on its
last day (today for the running quarter), read by `servicedesk.selectors.commitments_on_days`,
the same reading the dashboard and the reports use. The actuals are the dashboard's and
the service section's own:
- response rate, satisfaction, first-contact resolution: `incidents.metrics` rates, from
  one grouped query for the year (counts per month, summed per quarter);
- availability: `cmdb.availability.service_availability` over all services, weighted by
  scheduled time, as in the availability section;
- restore time: mean business minutes from receipt to fix over the orders resolved
  (`incidents.period_selectors.business_durations`), as the service section's mean restore time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from cmdb.availability import service_availability
from incidents import metrics, period_selectors
from servicedesk.calendar import business_calendar
from servicedesk.models import QuarterTargets
from servicedesk.selectors import commitments_on_days

from .dashboard import as_target, drill_url
from .definitions import Target
from .periods import Period

# (figure key, label msgid, unit)
FIGURES = (
    ("response_rate", N_("Response rate"), "percent"),
    ("satisfied_rate", N_("Satisfied users"), "percent"),
    ("first_contact_rate", N_("First-contact resolution"), "percent"),
    ("availability", N_("Availability"), "percent"),
    ("restore_time", N_("Mean restore time (business minutes)"), "minutes"),
)


@dataclass
class TargetCell:
    key: str
    label: str  # msgid
    unit: str
    target: Target | None
    actual: float | None
    count: int | None = None
    base: int | None = None
    url: str = ""

    @property
    def met(self) -> bool | None:
        return self.target.met(self.actual) if self.target else None

    @property
    def actual_text(self) -> str:
        return value_text(self.actual, self.unit)

    @property
    def target_text(self) -> str:
        return bound_text(self.target, self.unit)


@dataclass
class QuarterLine:
    period: Period
    own_set: QuarterTargets | None  # None: every target falls back to an earlier row
    preliminary: bool
    cells: list[TargetCell]


def value_text(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "percent":
        return f"{value * 100:.1f} %"
    return f"{value:.0f} min"


def bound_text(target: Target | None, unit: str) -> str:
    if target is None:
        return ""
    sign = {">=": "≥", "<=": "≤"}.get(target.op, target.op)
    if target.op == "between":
        upper = target.upper if target.upper is not None else target.value
        return f"{value_text(target.value, unit)} – {value_text(upper, unit)}"
    return f"{sign} {value_text(target.value, unit)}"


def _availability(period: Period, now: datetime) -> tuple[float | None, str]:
    rows = service_availability(start_at=period.start_at, end_at=period.end_at, now=now)
    measured = [r for r in rows if r.availability is not None]
    scheduled = sum((r.scheduled for r in measured), timedelta(0))
    down = sum((r.down for r in measured), timedelta(0))
    value = round(1 - down / scheduled, 4) if scheduled else None
    query = urlencode({"starts_on": period.start.isoformat(), "ends_on": period.end.isoformat()})
    return value, f"{reverse('reports:drill', args=['availability.outages'])}?{query}"


def _mean_restore_minutes(period: Period, calendar) -> tuple[float | None, int]:
    orders = metrics.received_orders(start=period.start_at, end=period.end_at)
    restores = [
        restore
        for _level, _response, restore in period_selectors.business_durations(
            orders, calendar=calendar
        )
        if restore is not None
    ]
    if not restores:
        return None, 0
    return round(sum(r.total_seconds() for r in restores) / len(restores) / 60, 1), len(restores)


def quarter_overview(*, year: int, now: datetime | None = None) -> list[QuarterLine]:
    """The quarters of `year` that have begun, oldest first, each with its targets in
    force and its actuals. A fixed number of queries per quarter."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    quarters = [Period.quarter(year, q) for q in range(1, 5)]
    quarters = [q for q in quarters if q.start <= today]
    if not quarters:
        return []
    judged_on = {q.start: min(q.end, today) for q in quarters}
    in_force = commitments_on_days(judged_on.values())
    own_sets = {s.starts_on: s for s in QuarterTargets.objects.filter(year=year)}
    monthly = metrics.quality_counts(
        start=quarters[0].start_at, end=quarters[-1].end_at, by=("month",), as_of=now
    )
    calendar = business_calendar()
    lines = []
    for quarter in quarters:
        general = in_force[judged_on[quarter.start]].get(None, {})
        quality = metrics.QualityFigures()
        for (month_first,), figures in monthly.items():
            if quarter.start <= month_first <= quarter.end:
                quality = quality + figures
        scope = {"start": quarter.start_at, "end": quarter.end_at}
        cells = []
        for key, label, unit in FIGURES:
            target = as_target(general.get(key))
            if key in metrics.RATES:
                part, whole, *_rest = metrics.RATES[key]
                cells.append(
                    TargetCell(
                        key,
                        label,
                        unit,
                        target,
                        quality.rate(key),
                        count=getattr(quality, part),
                        base=getattr(quality, whole),
                        url=drill_url(part, **scope),
                    )
                )
            elif key == "availability":
                actual, url = _availability(quarter, now)
                cells.append(TargetCell(key, label, unit, target, actual, url=url))
            else:
                actual, resolved = _mean_restore_minutes(quarter, calendar)
                cells.append(
                    TargetCell(
                        key,
                        label,
                        unit,
                        target,
                        actual,
                        count=resolved,
                        url=drill_url("resolved", **scope),
                    )
                )
        lines.append(
            QuarterLine(
                period=quarter,
                own_set=own_sets.get(quarter.start),
                preliminary=not quarter.is_closed(today),
                cells=cells,
            )
        )
    return lines
