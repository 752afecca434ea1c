"""病毒处理服务统计分析报告: virus events by threat, department, host and result, antivirus
coverage, unprotected and stale endpoints, outbreaks and reinstalls.

The figures are `antivirus.selectors.period_statistics` (the app's own monthly report uses
the same function); the lists behind them are `antivirus.figures.virus_records`.
"""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from antivirus.choices import EventResult
from antivirus.figures import virus_records
from antivirus.selectors import events_figures, period_statistics

from .. import drill
from ..definitions import Chart, Column, Drill, Figure, Section, Series, Table, Target
from ..periods import Period
from ._process import days, msgid, parse_days, ratio

PLAN = N_("Operations service plan §3.4")
_FILTERS = ("threat", "department", "host", "result")

_EVENT_COLUMNS = [
    ("detected_at", N_("Detected at")),
    ("host_name", N_("Host name")),
    ("ci__department", N_("Department")),
    ("threat", N_("Threat")),
    ("file_path", N_("File path")),
    ("get_result_display", N_("Result")),
]
_ENDPOINT_COLUMNS = [
    ("ci__asset_tag", N_("Asset tag")),
    ("host_name", N_("Host name")),
    ("ci__department", N_("Department")),
    ("product", N_("Product")),
    ("signature_date", N_("Signature date")),
    ("get_state_display", N_("State")),
]


def _records(name):
    def records(params):
        filters = {k: params[k] for k in _FILTERS if k in params}
        return virus_records(name, **parse_days(params), **filters)

    return records


for _name in ("events", "unresolved"):
    drill.register(f"antivirus.{_name}", records=_records(_name), columns=_EVENT_COLUMNS)
for _name in ("endpoints", "unprotected", "stale", "not_reporting", "current"):
    drill.register(
        f"antivirus.{_name}",
        records=_records(_name),
        columns=_ENDPOINT_COLUMNS,
        url=lambda obj: obj.get_absolute_url(),
    )
drill.register(
    "antivirus.outbreaks",
    records=_records("outbreaks"),
    columns=[
        ("threat", N_("Threat")),
        ("first_seen", N_("First seen")),
        ("last_seen", N_("Last seen")),
        ("host_count", N_("Hosts")),
    ],
)
drill.register(
    "antivirus.reinstalled",
    records=_records("reinstalled"),
    columns=[
        ("work_order", N_("Work order")),
        ("ci", N_("Device")),
        ("done_at", N_("Done at")),
    ],  # fmt: skip
    url=lambda obj: reverse("antivirus:reinstall_detail", args=[obj.pk]),
)


def build(period: Period, *, options: dict) -> Section:
    end = period.end + timedelta(days=1)
    s = period_statistics(start=period.start, end=end)
    grouped = events_figures(start=period.start, end=end, top=15)
    params = days(period)

    def to(name, **extra):
        return Drill(f"antivirus.{name}", {**params, **extra})

    figures = [
        Figure(
            "antivirus.events",
            N_("Virus events"),
            s["events"],
            definition=N_(
                "Events exported from the antivirus consoles whose detection time is in the "
                "period (each console event once)."
            ),
            drill=to("events"),
        ),
        Figure(
            "antivirus.resolved",
            N_("Events resolved by the antivirus"),
            ratio(s["resolved"], s["events"]),
            unit="percent",
            definition=N_("Events the console reports cleaned, quarantined, deleted or blocked."),
            count=s["resolved"],
            base=s["events"],
            base_drill=to("events"),
        ),
        Figure(
            "antivirus.unresolved",
            N_("Events not resolved"),
            s["unresolved"],
            definition=N_("Events the console reports as not resolved or other."),
            drill=to("unresolved"),
        ),
        Figure(
            "antivirus.coverage",
            N_("Antivirus coverage"),
            ratio(s["protected"], s["endpoints"]),
            unit="percent",
            definition=N_(
                "Computers in the CMDB in use with antivirus installed, against all of "
                "them, as the consoles last reported when the report was generated."
            ),
            target=Target(">=", 1.0, source=PLAN),
            count=s["protected"],
            base=s["endpoints"],
            base_drill=to("endpoints"),
        ),
        Figure(
            "antivirus.unprotected",
            N_("Computers without antivirus"),
            s["unprotected"],
            definition=N_("Computers in use the consoles do not know as protected."),
            target=Target("<=", 0, source=PLAN),
            drill=to("unprotected"),
        ),
        Figure(
            "antivirus.current",
            N_("Signatures current"),
            ratio(s["current"], s["protected"]),
            unit="percent",
            definition=N_(
                "Protected computers whose signature and engine are as new as the newest "
                "the office's own console has seen (checked daily), against all protected."
            ),
            target=Target(">=", 1.0, source=PLAN),
            count=s["current"],
            base=s["protected"],
            drill=to("current"),
        ),
        Figure(
            "antivirus.stale",
            N_("Signatures or engine behind"),
            s["stale"],
            definition=N_("Protected computers whose signature or engine is behind."),
            drill=to("stale"),
        ),
        Figure(
            "antivirus.not_reporting",
            N_("Computers not reporting"),
            s["not_reporting"],
            definition=N_("Protected computers the console has not heard from recently."),
            drill=to("not_reporting"),
        ),
        Figure(
            "antivirus.outbreaks",
            N_("Outbreaks"),
            s["outbreaks"],
            definition=N_(
                "One threat seen on several hosts within a short time, first seen in the period."
            ),  # fmt: skip
            drill=to("outbreaks"),
        ),
        Figure(
            "antivirus.reinstalled",
            N_("Reinstalls after infection"),
            s["reinstalled"],
            definition=N_(
                "Reinstalls done in the period, each confirmed by the user and the "
                "information office first."
            ),  # fmt: skip
            drill=to("reinstalled"),
        ),
    ]
    result_labels = dict(EventResult.choices)
    tables = [
        Table(
            "antivirus.by_threat",
            N_("Events by threat"),
            [
                Column("threat", N_("Threat")),
                Column("count", N_("Events"), "count"),
                Column("hosts", N_("Hosts"), "count"),
            ],  # fmt: skip
            [[row["threat"], row["count"], row["hosts"]] for row in grouped["by_threat"]],
            row_drills=[to("events", threat=row["threat"]) for row in grouped["by_threat"]],
        ),
        Table(
            "antivirus.by_department",
            N_("Events by department"),
            [
                Column("department", N_("Department")),
                Column("count", N_("Events"), "count"),
                Column("hosts", N_("Hosts"), "count"),
            ],  # fmt: skip
            [
                [row["department"] or "—", row["count"], row["hosts"]]
                for row in grouped["by_department"]
            ],  # fmt: skip
            row_drills=[
                to("events", department=row["department_id"]) if row["department_id"] else None
                for row in grouped["by_department"]
            ],
            definition=N_(
                "The department of the computer in the CMDB; — for hosts only a console knows."
            ),  # fmt: skip
        ),
        Table(
            "antivirus.by_host",
            N_("Most affected hosts"),
            [Column("host", N_("Host name")), Column("count", N_("Events"), "count")],
            [[row["host"], row["count"]] for row in grouped["by_host"]],
            row_drills=[to("events", host=row["host"]) for row in grouped["by_host"]],
        ),
        Table(
            "antivirus.by_result",
            N_("Events by result"),
            [Column("result", N_("Result")), Column("count", N_("Events"), "count")],
            [[msgid(result_labels[row["result"]]), row["count"]] for row in grouped["by_result"]],
            row_drills=[to("events", result=row["result"]) for row in grouped["by_result"]],
        ),
    ]
    charts = [
        Chart(
            "antivirus.by_threat",
            N_("Events by threat"),
            "pareto",
            [row[0] for row in tables[0].rows],
            [Series(N_("Events"), [row[1] for row in tables[0].rows])],
            table="antivirus.by_threat",
        ),
        Chart(
            "antivirus.by_department",
            N_("Events by department"),
            "bar",
            [row[0] for row in tables[1].rows],
            [Series(N_("Events"), [row[1] for row in tables[1].rows])],
            table="antivirus.by_department",
        ),
        Chart(
            "antivirus.protection",
            N_("Protection of computers in use"),
            "pie",
            [
                N_("Protected and current"),
                N_("Signature or engine behind"),
                N_("Not reporting"),
                N_("No antivirus"),
            ],  # fmt: skip
            [
                Series(
                    N_("Computers"),
                    [s["current"], s["stale"], s["not_reporting"], s["unprotected"]],
                )
            ],  # fmt: skip
        ),
    ]
    if s["recommendations"]:
        tables.append(
            Table(
                "antivirus.recommendations",
                N_("Weekly evaluations: recommendations"),
                [Column("week", N_("Week of")), Column("text", N_("Recommendations"))],
                [[row["week"], row["text"]] for row in s["recommendations"]],
            )
        )
    return Section(
        key="antivirus",
        title=N_("Antivirus"),
        figures=figures,
        tables=tables,
        charts=charts,
    )
