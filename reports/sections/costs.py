"""Costs of the period: replacement parts of out-of-warranty repairs (per department of
the repaired device) and the resources emergencies paid for (per emergency type).

The amounts are the ones the repairs and emergencies sections show (same selectors); the
drill-downs list the parts and the resource requests behind them.
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
    figures = [
        Figure(
            "costs.total",
            N_("Total costs"),
            money(parts_total + emergency_total),
            unit="money",
            definition=N_("Repair parts and emergency resources of the period (yuan)."),
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
    departments = sorted(
        repairs.parts_cost_by_department.items(), key=lambda item: (-item[1], item[0])
    )
    tables = [
        Table(
            "costs.by_department",
            N_("Repair parts by department"),
            [Column("department", N_("Department")), Column("cost", N_("Cost"), "money")],
            [[name or "—", money(cost)] for name, cost in departments],
            definition=N_("The department the repaired device belongs to in the CMDB."),
        ),
        Table(
            "costs.by_emergency_type",
            N_("Emergency resources by emergency type"),
            [Column("type", N_("Type")), Column("cost", N_("Cost"), "money")],
            [[msgid(t.label), money(by_type[t.value])] for t in EmergencyType if by_type[t.value]],
        ),
    ]
    charts = []
    if parts_total or emergency_total:
        charts.append(
            Chart(
                "costs.split",
                N_("Costs by kind"),
                "pie",
                [N_("Repair parts"), N_("Emergency resources")],
                [Series(N_("Cost"), [money(parts_total), money(emergency_total)])],
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
                "Spare parts issued from the agreed stock are not costed here: the stock "
                "is part of the contract."
            )
        ],  # fmt: skip
    )
