"""巡检报告: rounds planned, done and missed, devices inspected against the plans, findings
by checklist item, discrepancies with the CMDB by kind, and the devices not reached.

Counts come from `inspections.figures.inspection_figures` and drill down to
`inspections.figures.inspection_records` of the same name and days.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from inspections.choices import DiscrepancyField
from inspections.figures import inspection_figures, inspection_records

from .. import drill
from ..definitions import Chart, Column, Drill, Figure, Section, Series, Table, Target
from ..periods import Period
from ._process import days, msgid, parse_days, ratio

PLAN = N_("Operations service plan §3.3.3")


def _records(name):
    def records(params):
        today = date.fromisoformat(params["today"]) if params.get("today") else None
        return inspection_records(name, **parse_days(params), today=today)

    return records


_ROUND_COLUMNS = [
    ("plan__number", N_("Plan")),
    ("day", N_("Day")),
    ("building", N_("Building")),
    ("floor", N_("Floor")),
    ("engineer", N_("Engineer")),
    ("device_total", N_("Devices")),
    ("record_total", N_("Records")),
]
_DEVICE_COLUMNS = [
    ("plan__number", N_("Plan")),
    ("ci__asset_tag", N_("Asset tag")),
    ("ci__name", N_("Asset name")),
    ("ci__location", N_("Location")),
    ("not_reached_reason", N_("Why not reached")),
]
for _name in ("rounds_planned", "rounds_done", "rounds_missed"):
    drill.register(
        f"inspections.{_name}",
        records=_records(_name),
        columns=_ROUND_COLUMNS,
        url=lambda obj: obj.get_absolute_url(),
    )
for _name in ("devices_planned", "devices_inspected", "not_reached"):
    drill.register(
        f"inspections.{_name}",
        records=_records(_name),
        columns=_DEVICE_COLUMNS,
        url=lambda obj: reverse("cmdb:ci_detail", args=[obj.ci_id]),
    )
drill.register(
    "inspections.records",
    records=_records("records"),
    columns=[
        ("number", N_("Number")),
        ("ci", N_("Device")),
        ("engineer", N_("Engineer")),
        ("inspected_at", N_("Inspected at")),
    ],
    url=lambda obj: obj.get_absolute_url(),
)
drill.register(
    "inspections.failures",
    records=_records("failures"),
    columns=[
        ("record__number", N_("Record")),
        ("record__ci", N_("Device")),
        ("text", N_("Checklist item")),
        ("note", N_("Note")),
        ("work_order__number", N_("Work order")),
    ],
    url=lambda obj: reverse("inspections:record_detail", args=[obj.record_id]),
)
drill.register(
    "inspections.discrepancies",
    records=_records("discrepancies"),
    columns=[
        ("ci", N_("Device")),
        ("get_field_display", N_("What differs")),
        ("cmdb_value", N_("In the CMDB")),
        ("observed_value", N_("Seen on site")),
        ("get_status_display", N_("Status")),
    ],
    url=lambda obj: reverse("inspections:record_detail", args=[obj.record_id]),
)


def build(period: Period, *, options: dict) -> Section:
    today = options.get("today") or timezone.localdate()
    f = inspection_figures(starts_on=period.start, ends_on=period.end, today=today)
    params = {**days(period), "today": today.isoformat()}

    def drill_to(name):
        return Drill(f"inspections.{name}", params)

    figures = [
        Figure(
            "inspections.rounds_planned",
            N_("Inspection rounds planned"),
            f.rounds_planned,
            definition=N_(
                "Rounds (one day's route) of the approved inspection plans for the period's months."
            ),
            drill=drill_to("rounds_planned"),
        ),
        Figure(
            "inspections.rounds_done",
            N_("Rounds done"),
            ratio(f.rounds_done, f.rounds_planned),
            unit="percent",
            definition=N_("Rounds on which every device of the route has a record of its plan."),
            target=Target(">=", 1.0, source=PLAN),
            count=f.rounds_done,
            base=f.rounds_planned,
            drill=drill_to("rounds_done"),
            base_drill=drill_to("rounds_planned"),
        ),
        Figure(
            "inspections.rounds_missed",
            N_("Rounds missed"),
            f.rounds_missed,
            definition=N_(
                "Rounds whose day had passed when the report was generated with no device "
                "of the route recorded."
            ),
            target=Target("<=", 0, source=PLAN),
            drill=drill_to("rounds_missed"),
        ),
        Figure(
            "inspections.devices_inspected",
            N_("Devices inspected"),
            ratio(f.devices_inspected, f.devices_planned),
            unit="percent",
            definition=N_(
                "Devices of the plans with an inspection record of that plan, "
                "against every device the plans listed."
            ),  # fmt: skip
            target=Target(">=", 1.0, source=PLAN),
            count=f.devices_inspected,
            base=f.devices_planned,
            drill=drill_to("devices_inspected"),
            base_drill=drill_to("devices_planned"),
        ),
        Figure(
            "inspections.not_reached",
            N_("Devices not reached"),
            len(f.not_reached),
            definition=N_("Devices of the plans without a record, with the reason given."),
            drill=drill_to("not_reached"),
        ),
        Figure(
            "inspections.records",
            N_("Inspection records"),
            f.records,
            definition=N_("Inspection records (D0802) of the plans."),
            drill=drill_to("records"),
        ),
        Figure(
            "inspections.failures",
            N_("Findings (failed checklist items)"),
            f.failures,
            definition=N_("Checklist lines recorded as failed in the plans' records."),
            drill=drill_to("failures"),
        ),
        Figure(
            "inspections.discrepancies",
            N_("Discrepancies with the CMDB"),
            f.discrepancies,
            definition=N_(
                "Values seen on site that differ from the CMDB (responsible user, location, "
                "IP address, seal, software), for the configuration manager."
            ),
            drill=drill_to("discrepancies"),
        ),
    ]
    field_labels = dict(DiscrepancyField.choices)
    tables = [
        Table(
            "inspections.findings_by_item",
            N_("Findings by checklist item"),
            [Column("item", N_("Checklist item")), Column("count", N_("Findings"), "count")],
            [[item, n] for item, n in f.failures_by_item],
        ),
        Table(
            "inspections.discrepancies_by_kind",
            N_("Discrepancies by kind"),
            [Column("kind", N_("What differs")), Column("count", N_("Discrepancies"), "count")],
            [[msgid(field_labels.get(value, value)), n] for value, n in f.discrepancies_by_field],
        ),
        Table(
            "inspections.not_reached",
            N_("Devices not reached"),
            [
                Column("tag", N_("Asset tag")),
                Column("name", N_("Asset name")),
                Column("place", N_("Location")),
                Column("reason", N_("Why not reached")),
            ],
            [list(row) for row in f.not_reached],
        ),
        Table(
            "inspections.plans",
            N_("Inspection plans of the period"),
            [
                Column("number", N_("Number")),
                Column("title", N_("Title")),
                Column("month", N_("Month")),
            ],  # fmt: skip
            [[number, title, month.strftime("%Y-%m")] for number, title, month in f.plans],
        ),
    ]
    charts = []
    if f.failures_by_item:
        charts.append(
            Chart(
                "inspections.findings_by_item",
                N_("Findings by checklist item"),
                "pareto",
                [item for item, _n in f.failures_by_item],
                [Series(N_("Findings"), [n for _item, n in f.failures_by_item])],
                table="inspections.findings_by_item",
            )
        )
    charts.append(
        Chart(
            "inspections.rounds",
            N_("Inspection rounds"),
            "bar",
            [N_("Planned"), N_("Done"), N_("Not done")],
            [Series(N_("Rounds"), [f.rounds_planned, f.rounds_done, f.rounds_missed])],
        )
    )
    return Section(
        key="inspections",
        title=N_("Routine inspections"),
        figures=figures,
        tables=tables,
        charts=charts,
        notes=[] if f.plans else [N_("No approved inspection plan for this period.")],
    )
