"""基线与配置变更月报: configuration changes by kind of record and by class of item (from
the audit log), new and retired items, census findings and baseline drift.

Figures are `cmdb.figures.cmdb_figures`; the lists behind them `cmdb.figures.cmdb_records`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop as N_

from cmdb.choices import CensusResult
from cmdb.figures import cmdb_figures, cmdb_records

from .. import drill
from ..definitions import Chart, Column, Drill, Figure, Section, Series, Table
from ..periods import Period
from ._process import days, msgid, parse_days

_LOG_COLUMNS = [
    ("timestamp", N_("Time")),
    ("content_type", N_("Record type")),
    ("object_repr", N_("Record")),
    ("actor", N_("By")),
]
_ITEM_COLUMNS = [
    ("asset_tag", N_("Asset tag")),
    ("name", N_("Asset name")),
    ("ci_class", N_("Class")),
    ("department", N_("Department")),
    ("get_status_display", N_("Status")),
]


def _records(name):
    def records(params):
        return cmdb_records(name, **parse_days(params), ci_class=params.get("ci_class", ""))

    return records


for _name in ("changes", "item_changes"):
    drill.register(f"cmdb.{_name}", records=_records(_name), columns=_LOG_COLUMNS)
for _name in ("new_items", "retired_items"):
    drill.register(
        f"cmdb.{_name}",
        records=_records(_name),
        columns=_ITEM_COLUMNS,
        url=lambda obj: obj.get_absolute_url(),
    )
drill.register(
    "cmdb.census_findings",
    records=_records("census_findings"),
    columns=[
        ("campaign", N_("Census")),
        ("tag", N_("Asset tag")),
        ("get_result_display", N_("Result")),
        ("note", N_("Note")),
    ],
    url=lambda obj: reverse("cmdb:census_detail", args=[obj.campaign_id]),
)
drill.register(
    "cmdb.baselines",
    records=_records("baselines"),
    columns=[
        ("name", N_("Name")),
        ("taken_at", N_("Taken at")),
        ("item_count", N_("Items")),
    ],  # fmt: skip
    url=lambda obj: reverse("cmdb:baseline_detail", args=[obj.pk]),
)


def build(period: Period, *, options: dict) -> Section:
    # The summary labels record types and fields with their verbose names: read them as
    # English source text so the frozen report translates at render time.
    with translation.override("en"):
        f = cmdb_figures(starts_on=period.start, ends_on=period.end)
    params = days(period)

    def to(name, **extra):
        return Drill(f"cmdb.{name}", {**params, **extra})

    item_changes = sum(n for _code, _name, n in f.by_class)
    figures = [
        Figure(
            "cmdb.changes",
            N_("Configuration changes"),
            f.change_total,
            definition=N_(
                "Records of the CMDB (items, relationships, spares, censuses, baselines, "
                "outages) created, changed or deleted in the period, from the audit log: "
                "each save counts once, with who made it and, where given, the work order "
                "or change behind it."
            ),
            drill=to("changes"),
        ),
        Figure(
            "cmdb.item_changes",
            N_("Changes to configuration items"),
            item_changes,
            definition=N_("Audit log entries of configuration items in the period."),
            drill=to("item_changes"),
        ),
        Figure(
            "cmdb.new_items",
            N_("New configuration items"),
            f.new_items,
            definition=N_("Items created in the CMDB in the period (created at)."),
            drill=to("new_items"),
        ),
        Figure(
            "cmdb.retired_items",
            N_("Items retired"),
            f.retired_items,
            definition=N_("Items whose status a logged change in the period set to retired."),
            drill=to("retired_items"),
        ),
        Figure(
            "cmdb.census_findings",
            N_("Census findings"),
            f.census_findings,
            definition=N_(
                "Items found moved, changed, missing or unexpected by the censuses closed in "
                "the period."
            ),
            drill=to("census_findings"),
        ),
        Figure(
            "cmdb.baselines",
            N_("Baselines taken"),
            f.baselines_taken,
            definition=N_(
                "Baselines (snapshots of a department's or class's items) taken in the period."
            ),  # fmt: skip
            drill=to("baselines"),
        ),
        Figure(
            "cmdb.drift",
            N_("Baseline drift"),
            sum(a + r + c for _n, _t, a, r, c in f.drift),
            definition=N_(
                "Items added to, removed from or changed in the scope of each department's "
                "or class's latest baseline taken by the end of the period, compared with "
                "the configuration when the report was generated."
            ),
        ),
    ]
    result_labels = dict(CensusResult.choices)
    tables = [
        Table(
            "cmdb.changes_by_record",
            N_("Configuration changes by kind of record"),
            [
                Column("kind", N_("Record type")),
                Column("created", N_("Created"), "count"),
                Column("updated", N_("Changed"), "count"),
                Column("deleted", N_("Deleted"), "count"),
            ],
            [[label, c, u, d] for label, c, u, d in f.changes],
        ),
        Table(
            "cmdb.changes_by_class",
            N_("Changes to items by class"),
            [Column("class", N_("Class")), Column("count", N_("Changes"), "count")],
            [[name or "—", n] for _code, name, n in f.by_class],
            row_drills=[
                to("item_changes", ci_class=code) if code else None
                for code, _name, _n in f.by_class
            ],  # fmt: skip
        ),
        Table(
            "cmdb.fields",
            N_("Item fields changed most"),
            [Column("field", N_("Field")), Column("count", N_("Changes"), "count")],
            [[label, n] for label, n in f.fields[:15]],
        ),
        Table(
            "cmdb.reasons",
            N_("Changes by reason"),
            [Column("reason", N_("Reason")), Column("count", N_("Changes"), "count")],
            [[reason, n] for reason, n in f.reasons],
            definition=N_(
                "The form the change was recorded with (work order or change "
                "number prefix); - when none was given."
            ),  # fmt: skip
        ),
        Table(
            "cmdb.new_by_class",
            N_("New items by class"),
            [Column("class", N_("Class")), Column("count", N_("New items"), "count")],
            [[name, n] for _code, name, n in f.new_by_class],
            row_drills=[to("new_items", ci_class=code) for code, _name, _n in f.new_by_class],
        ),
        Table(
            "cmdb.census",
            N_("Census findings by result"),
            [Column("result", N_("Result")), Column("count", N_("Items"), "count")],
            [[msgid(result_labels[value]), n] for value, n in f.census_by_result],
        ),
        Table(
            "cmdb.drift",
            N_("Baseline drift"),
            [
                Column("baseline", N_("Baseline")),
                Column("taken", N_("Taken at")),
                Column("added", N_("Added"), "count"),
                Column("removed", N_("Removed"), "count"),
                Column("changed", N_("Changed"), "count"),
            ],
            [[name, taken.date().isoformat(), a, r, c] for name, taken, a, r, c in f.drift],
        ),
    ]
    charts = []
    if f.by_class:
        charts.append(
            Chart(
                "cmdb.changes_by_class",
                N_("Changes to items by class"),
                "bar",
                [row[0] for row in tables[1].rows],
                [Series(N_("Changes"), [row[1] for row in tables[1].rows])],
                table="cmdb.changes_by_class",
            )
        )
    return Section(
        key="cmdb",
        title=N_("Baselines and configuration changes"),
        figures=figures,
        tables=tables,
        charts=charts,
    )
