"""Trends: the key service figures over the last 12 months (monthly and annual reports)
or the last 4 quarters (quarterly report), as line charts and one table.

Each period's figures come from `incidents.metrics.quality_figures`, the one definition
(so a trend point equals that month's service section). That is one call per period: 12
(or 4) calls of a fixed number of queries each — 24 queries for 12 months today — never
one per work order. A grouped variant in incidents.metrics would bring it to one.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from incidents import metrics

from ..definitions import Chart, Column, Drill, Section, Series, Table
from ..periods import Period

# (QualityFigures field, msgid, unit); rates are ratios 0–1.
TREND_FIGURES = (
    ("received", N_("Work orders received"), "count"),
    ("response_rate", N_("Response rate"), "percent"),
    ("resolution_attainment", N_("Resolution attainment"), "percent"),
    ("first_contact_rate", N_("First-contact resolution"), "percent"),
    ("satisfied_rate", N_("Satisfied users"), "percent"),
)


def trend_periods(period: Period) -> list[Period]:
    """12 months ending with the period's last month, or 4 quarters for a quarter."""
    if period.kind == "quarter":
        return period.trailing(4)
    return Period.month(period.end.year, period.end.month).trailing(12)


def label(period: Period) -> str:
    return period.slug


def build(period: Period, *, options: dict) -> Section:
    periods = trend_periods(period)
    points = [metrics.quality_figures(start=p.start_at, end=p.end_at) for p in periods]
    categories = [label(p) for p in periods]
    columns = [Column("period", N_("Period"))] + [
        Column(name, msgid, unit) for name, msgid, unit in TREND_FIGURES
    ]
    table = Table(
        key="trends.table",
        title=N_("Trends"),
        columns=columns,
        rows=[
            [label(p), *(getattr(q, name) for name, _msgid, _unit in TREND_FIGURES)]
            for p, q in zip(periods, points, strict=True)
        ],
        definition=N_(
            "Each period's figures as the service section defines them, for the work orders "
            "received in that period, as they stand when the report is made."
        ),
        row_drills=[
            Drill(
                "service.received", {"start": p.start_at.isoformat(), "end": p.end_at.isoformat()}
            )
            for p in periods
        ],
    )
    charts = [
        Chart(
            key="trends.received",
            title=N_("Work orders received"),
            kind="line",
            categories=categories,
            series=[Series(N_("Work orders received"), [q.received for q in points])],
            unit="count",
            table=table.key,
        ),
        Chart(
            key="trends.rates",
            title=N_("Service quality rates"),
            kind="line",
            categories=categories,
            series=[
                Series(msgid, [getattr(q, name) for q in points])
                for name, msgid, unit in TREND_FIGURES
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
