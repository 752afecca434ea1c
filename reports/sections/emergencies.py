"""应急流程管理报告 (D0405): emergencies by type, their causes and impact, time taken,
resources and cost, and the problems and suggestions (plan §5.2.5).

Figures are `emergencies.selectors.report_figures` (the app's own D0405 uses it); the lists
behind them are `emergencies.selectors.emergency_records`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from emergencies.choices import EmergencyType
from emergencies.selectors import emergency_records, problems_and_suggestions, report_figures

from .. import drill
from ..definitions import Chart, Column, Drill, Figure, Section, Series, Table
from ..periods import Period
from ._process import days, money, msgid, parse_days

_EMERGENCY_COLUMNS = [
    ("number", N_("Number")),
    ("title", N_("Title")),
    ("get_type_display", N_("Type")),
    ("get_status_display", N_("Status")),
    ("created_at", N_("Declared at")),
    ("closed_at", N_("Closed at")),
]


def _records(name):
    def records(params):
        return emergency_records(name, **parse_days(params), type=params.get("type", ""))

    return records


for _name in ("emergencies", "closed"):
    drill.register(
        f"emergencies.{_name}",
        records=_records(_name),
        columns=_EMERGENCY_COLUMNS,
        url=lambda obj: obj.get_absolute_url(),
    )
for _name in ("resources", "costed_resources"):
    drill.register(
        f"emergencies.{_name}",
        records=_records(_name),
        columns=[
            ("number", N_("Number")),
            ("emergency__number", N_("Emergency")),
            ("get_kind_display", N_("Kind")),
            ("description", N_("What is needed")),
            ("get_status_display", N_("Status")),
            ("cost", N_("Cost")),
        ],
        url=lambda obj: obj.get_absolute_url(),
    )
drill.register(
    "emergencies.not_met",
    records=_records("not_met"),
    columns=[
        ("number", N_("Number")),
        ("emergency__number", N_("Emergency")),
        ("get_outcome_display", N_("Outcome")),
        ("opinion", N_("Opinion")),
        ("problem__number", N_("Problem")),
    ],
    url=lambda obj: reverse("emergencies:detail", args=[obj.emergency.number]),
)
drill.register(
    "emergencies.outages",
    records=_records("outages"),
    columns=[
        ("service_name", N_("Service")),
        ("source_number", N_("Emergency")),
        ("started_at", N_("Down from")),
        ("ended_at", N_("Restored at")),
        ("cause", N_("Cause")),
    ],
    url=lambda obj: obj.get_absolute_url(),
)


def build(period: Period, *, options: dict) -> Section:
    f = report_figures(starts_on=period.start, ends_on=period.end)
    params = days(period)

    def to(name, **extra):
        return Drill(f"emergencies.{name}", {**params, **extra})

    resources = emergency_records("resources", starts_on=period.start, ends_on=period.end)
    not_met = emergency_records("not_met", starts_on=period.start, ends_on=period.end)
    outages = emergency_records("outages", starts_on=period.start, ends_on=period.end)
    figures = [
        Figure(
            "emergencies.total",
            N_("Emergencies"),
            f.total,
            definition=N_(
                "Emergency processes declared in the period (applications the information "
                "centre rejected are not counted)."
            ),
            drill=to("emergencies"),
        ),
        Figure(
            "emergencies.closed",
            N_("Emergencies closed"),
            f.closed,
            definition=N_("Of those, the ones closed after an evaluation found the goal met."),
            drill=to("closed"),
        ),
        Figure(
            "emergencies.hours",
            N_("Time taken by closed emergencies"),
            round(f.hours_total, 1),
            unit="hours",
            definition=N_(
                "Sum over the closed emergencies of the clock hours from declaration to "
                "closing (an emergency runs around the clock)."
            ),
            drill=to("closed"),
        ),
        Figure(
            "emergencies.resources",
            N_("Resource requests"),
            f.resource_count,
            definition=N_("Coordination and purchase requests made for these emergencies."),
            drill=to("resources"),
        ),
        Figure(
            "emergencies.cost",
            N_("Emergency cost"),
            money(f.cost_total),
            unit="money",
            definition=N_(
                "Sum of the cost of the approved, done or confirmed resource requests of "
                "these emergencies (yuan)."
            ),
            drill=to("costed_resources"),
        ),
        Figure(
            "emergencies.not_met",
            N_("Evaluations not met"),
            not_met.count(),
            definition=N_(
                "Evaluation rounds that found the goal not met (another round, a problem or "
                "a change followed)."
            ),
            drill=to("not_met"),
        ),
        Figure(
            "emergencies.outages",
            N_("Service outages recorded by emergencies"),
            outages.count(),
            definition=N_("Outages of services these emergencies recorded."),
            drill=to("outages"),
        ),
    ]
    # report_figures lists the types in EmergencyType's order.
    by_type = [
        [msgid(t.label), total, closed]
        for t, (_label, total, closed) in zip(EmergencyType, f.by_type, strict=True)
    ]
    tables = [
        Table(
            "emergencies.by_type",
            N_("Emergencies by type"),
            [
                Column("type", N_("Type")),
                Column("total", N_("Declared"), "count"),
                Column("closed", N_("Closed"), "count"),
            ],
            by_type,
            row_drills=[to("emergencies", type=t.value) for t in EmergencyType],
        ),
        Table(
            "emergencies.list",
            N_("Emergencies: cause, impact, time taken and cost"),
            [
                Column("number", N_("Number")),
                Column("title", N_("Title")),
                Column("type", N_("Type")),
                Column("scope", N_("Scope and impact")),
                Column("cause", N_("Cause")),
                Column("hours", N_("Hours"), "hours"),
                Column("resources", N_("Resource requests"), "count"),
                Column("cost", N_("Cost"), "money"),
                Column("result", N_("Result")),
            ],
            [
                [
                    e.number,
                    e.title,
                    msgid(e.get_type_display()),
                    e.scope,
                    e.cause,
                    e.hours,
                    e.resource_total,
                    money(e.cost_total),
                    e.result,
                ]
                for e in f.emergencies
            ],
        ),
        Table(
            "emergencies.resources",
            N_("Resources requested"),
            [
                Column("number", N_("Number")),
                Column("emergency", N_("Emergency")),
                Column("kind", N_("Kind")),
                Column("what", N_("What is needed")),
                Column("supplier", N_("Supplier")),
                Column("status", N_("Status")),
                Column("cost", N_("Cost"), "money"),
            ],
            [
                [
                    r.number,
                    r.emergency.number,
                    msgid(r.get_kind_display()),
                    r.description,
                    r.supplier or r.from_whom,
                    msgid(r.get_status_display()),
                    money(r.cost),
                ]
                for r in resources
            ],
        ),
        Table(
            "emergencies.problems",
            N_("Problems and suggestions"),
            [Column("source", N_("From")), Column("text", N_("Problems and suggestions"))],
            [[e.number, f"{msgid(e.get_outcome_display())}: {e.opinion}"] for e in not_met]
            + [
                [number, text]
                for number, text in problems_and_suggestions(
                    starts_on=period.start, ends_on=period.end
                )
            ],  # fmt: skip
            definition=N_(
                "The opinions of evaluations not met, and what the period's emergency reports "
                "(D0405) wrote under problems and suggestions, as written."
            ),
        ),
    ]
    charts = []
    if f.total:
        charts.append(
            Chart(
                "emergencies.by_type",
                N_("Emergencies by type"),
                "bar",
                [row[0] for row in by_type],
                [
                    Series(N_("Declared"), [row[1] for row in by_type]),
                    Series(N_("Closed"), [row[2] for row in by_type]),
                ],
                table="emergencies.by_type",
            )
        )
    return Section(
        key="emergencies",
        title=N_("Emergencies"),
        figures=figures,
        tables=tables,
        charts=charts,
        notes=[N_("An emergency still open counts its hours up to the report's generation.")]
        if f.total != f.closed
        else [],
    )
