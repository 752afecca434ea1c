"""Costs of the period: vendors' repair charges, replacement parts of out-of-warranty
repairs, spare parts consumed and the resources emergencies paid for; per department and
cost kind (plan §2.2.2.2, reports.department_costs) and per emergency type.

The amounts are the ones the repairs and emergencies sections show (same selectors); the
drill-downs list the records behind them, and each department's row of a kind drills to
exactly the records its amount sums.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.utils.translation import gettext_noop as N_

from emergencies.choices import EmergencyType
from emergencies.selectors import emergency_records
from repairs.figures import repair_figures, repair_records

from .. import drill
from ..definitions import Chart, Column, Drill, Figure, Section, Series, Table
from ..department_costs import ATTRIBUTION, KINDS, NO_DEPARTMENT, department_costs, drill_params
from ..periods import Period
from ._process import days, money, msgid, parse_days

drill.register(
    "costs.repair_parts",
    records=lambda params: repair_records("parts_replaced", **parse_days(params)),
    columns=[
        ("number", N_("Number")),
        ("part", N_("Part")),
        ("repair__number", N_("Repair")),
        ("repair__device__department", N_("Department")),
        ("replaced_at", N_("Replaced at")),
        ("cost", N_("Cost")),
    ],
    url=lambda obj: obj.get_absolute_url(),
)
drill.register(
    "costs.emergencies",
    records=lambda params: emergency_records("costed_resources", **parse_days(params)),
    columns=[
        ("number", N_("Number")),
        ("emergency__number", N_("Emergency")),
        ("description", N_("What is needed")),
        ("supplier", N_("Supplier")),
        ("cost", N_("Cost")),
    ],
    url=lambda obj: obj.get_absolute_url(),
)


def build(period: Period, *, options: dict) -> Section:
    params = days(period)
    repairs = repair_figures(starts_on=period.start, ends_on=period.end)
    resources = list(
        emergency_records("costed_resources", starts_on=period.start, ends_on=period.end)
    )
    by_type = Counter()
    for r in resources:
        by_type[r.emergency.type] += r.cost or Decimal("0")
    emergency_total = sum((r.cost or Decimal("0") for r in resources), Decimal("0"))
    parts_total = repairs.parts_cost
    per_department = department_costs(starts_on=period.start, ends_on=period.end)
    charges_total = per_department.totals["repair_charges"]
    spares_total = per_department.totals["spare_parts"]
    figures = [
        Figure(
            "costs.total",
            N_("Total costs"),
            money(charges_total + parts_total + spares_total + emergency_total),
            unit="money",
            definition=N_(
                "Repair charges, repair parts, spare parts consumed and emergency resources "
                "of the period (yuan)."
            ),
        ),
        Figure(
            "costs.repair_charges",
            N_("Repair charges"),
            money(charges_total),
            unit="money",
            definition=KINDS[0][2],
            drill=Drill("costs.kind.repair_charges", params),
        ),
        Figure(
            "costs.repair_parts",
            N_("Repair parts"),
            money(parts_total),
            unit="money",
            definition=N_(
                "Cost of the out-of-warranty replacement parts fitted in the period (the "
                "chosen quote's price as recorded)."
            ),
            drill=Drill("costs.repair_parts", params),
        ),
        Figure(
            "costs.spare_parts",
            N_("Spare parts consumed"),
            money(spares_total),
            unit="money",
            definition=KINDS[2][2],
            drill=Drill("costs.kind.spare_parts", params),
        ),
        Figure(
            "costs.emergencies",
            N_("Emergency resources"),
            money(emergency_total),
            unit="money",
            definition=N_(
                "Cost of the approved, done or confirmed resource requests of the "
                "emergencies declared in the period."
            ),
            drill=Drill("costs.emergencies", params),
        ),
    ]
    tables = [
        *_per_department_tables(per_department, period),
        Table(
            "costs.by_emergency_type",
            N_("Emergency resources by emergency type"),
            [Column("type", N_("Type")), Column("cost", N_("Cost"), "money")],
            [[msgid(t.label), money(by_type[t.value])] for t in EmergencyType if by_type[t.value]],
        ),
    ]
    charts = []
    split = [charges_total, parts_total, spares_total, emergency_total]
    if any(split):
        charts.append(
            Chart(
                "costs.split",
                N_("Costs by kind"),
                "pie",
                [label for _kind, label, _definition in KINDS],
                [Series(N_("Cost"), [money(amount) for amount in split])],
                unit="money",
            )
        )
    return Section(
        key="costs",
        title=N_("Costs"),
        figures=figures,
        tables=tables,
        charts=charts,
        notes=[
            N_(
                "Spare parts of a part type without a unit cost are not costed here: that "
                "stock is part of the contract."
            ),
            ATTRIBUTION,
        ],  # fmt: skip
    )


def _per_department_tables(costs, period: Period) -> list[Table]:
    """The departments × cost kinds (one row per department, the kinds' totals last), and
    the same amounts one row per department and kind, each drilling to its records."""
    empty = N_("No department")
    wide = Table(
        "costs.per_department",
        N_("Costs per department"),
        [
            Column("department", N_("Department")),
            *[Column(kind, label, "money") for kind, label, _definition in KINDS],
            Column("total", N_("Total"), "money"),
        ],
        [
            [
                row.name or empty,
                *[money(row.amount(kind)) for kind, _label, _definition in KINDS],
                money(row.total),
            ]
            for row in costs.rows
        ]
        + [
            [
                N_("All departments"),
                *[money(costs.totals[kind]) for kind, _label, _definition in KINDS],
                money(costs.total),
            ]
        ],
        definition=ATTRIBUTION,
    )
    lines = [
        (row, kind, label)
        for row in costs.rows
        for kind, label, _definition in KINDS
        if row.amount(kind)
    ]
    long = Table(
        "costs.per_department_kind",
        N_("Costs per department and kind"),
        [
            Column("department", N_("Department")),
            Column("kind", N_("Cost kind")),
            Column("cost", N_("Cost"), "money"),
        ],
        [[row.name or empty, label, money(row.amount(kind))] for row, kind, label in lines],
        definition=ATTRIBUTION,
        row_drills=[
            Drill(
                f"costs.kind.{kind}",
                drill_params(period.start, period.end, row.department_id or NO_DEPARTMENT),
            )
            for row, kind, _label in lines
        ],
    )
    return [wide, long]
