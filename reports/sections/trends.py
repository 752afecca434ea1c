"""Trends: the key service figures over the last 12 months (monthly and annual reports)
or the last 4 quarters (quarterly report), as line charts and one table.

Every figure is `incidents.metrics`' own (label from LABELS / RATES), so a trend point
equals that period's service section: months come from one grouped query
(`quality_figures_by(group="month")`), quarters add up their months' counts (the counts
of QualityFigures add up, the rates are recomputed from the sums).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from incidents import metrics

from ..definitions import Chart, Column, Drill, Section, Series, Table
from ..periods import Period

# (QualityFigures count or metrics.RATES key, unit); rates are ratios 0–1.
TREND_FIGURES = (
    ("received", "count"),
    ("response_rate", "percent"),
    ("resolution_attainment", "percent"),
    ("first_contact_rate", "percent"),
    ("satisfied_rate", "percent"),
)


def _label(name: str) -> str:
    return metrics.RATES[name][2] if name in metrics.RATES else metrics.LABELS[name]


def _value(figures: metrics.QualityFigures, name: str):
    return figures.rate(name) if name in metrics.RATES else getattr(figures, name)


def trend_periods(period: Period) -> list[Period]:
    """12 months ending with the period's last month, or 4 quarters for a quarter."""
    if period.kind == "quarter":
        return period.trailing(4)
    return Period.month(period.end.year, period.end.month).trailing(12)


def label(period: Period) -> str:
    return period.slug


def build(period: Period, *, options: dict) -> Section:
    periods = trend_periods(period)
    as_of = options.get("as_of") or timezone.now()
    by_month = metrics.quality_figures_by(
        start=periods[0].start_at, end=periods[-1].end_at, group="month", as_of=as_of
    )
    empty = metrics.QualityFigures()
    points = []
    for p in periods:
        total = empty
        for month in p.months():
            total = total + by_month.get(month.start, empty)
        points.append(total)
    categories = [label(p) for p in periods]
    columns = [Column("period", N_("Period"))] + [
        Column(name, _label(name), unit) for name, unit in TREND_FIGURES
    ]
    table = Table(
        key="trends.table",
        title=N_("Trends"),
        columns=columns,
        rows=[
            [label(p), *(_value(q, name) for name, _unit in TREND_FIGURES)]
            for p, q in zip(periods, points, strict=True)
        ],
        definition=N_(
            "Each period's figures as the service section defines them, for the work orders "
            "received in that period, as they stand when the report is made."
        ),
        row_drills=[
            Drill(
                "service.received",
                {
                    "start": p.start_at.isoformat(),
                    "end": p.end_at.isoformat(),
                    "as_of": as_of.isoformat(),
                },
            )
            for p in periods
        ],
    )
    charts = [
        Chart(
            key="trends.received",
            title=metrics.LABELS["received"],
            kind="line",
            categories=categories,
            series=[Series(metrics.LABELS["received"], [q.received for q in points])],
            unit="count",
            table=table.key,
        ),
        Chart(
            key="trends.rates",
            title=N_("Service quality rates"),
            kind="line",
            categories=categories,
            series=[
                Series(_label(name), [_value(q, name) for q in points])
                for name, unit in TREND_FIGURES
                if unit == "percent"
            ],
            unit="percent",
            table=table.key,
        ),
    ]
    return Section(
        key="trends",
        title=N_("Trends") if period.kind != "quarter" else N_("Trends over four quarters"),
        tables=[table],
        charts=charts,
        notes=[
            N_(
                "A period without work orders has no rates (shown empty), not zero; the "
                "commitments are those of the service section's 'Targets applied' table."
            )
        ],
    )
