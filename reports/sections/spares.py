"""备件需求 (§5.1.2.3 "report spare demand once a month", §6.1.3): parts issued in the
period, each part's use over the three months ending with the period, stock against its
minimum level and the suggested order.

Numbers come from `cmdb.spare_demand`; the counts drill down to the same rules
(`consumption`, `demand_parts`), so each list is as long as its figure. Stock and minimum
levels are the ones on the day the report is generated.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from cmdb.spare_demand import DEFAULT_MONTHS, consumption, demand_parts, spare_demand

from .. import drill
from ..definitions import Column, Drill, Figure, Section, Table
from ..periods import Period
from ._process import days, parse_days

drill.register(
    "spares.issued",
    records=lambda params: (
        consumption(**parse_days(params))
        .select_related("stock__part_type", "stock__location__building")
        .order_by("issued_at", "pk")
    ),
    columns=[
        ("number", N_("Number")),
        ("stock__part_type", N_("Part")),
        ("quantity", N_("Quantity")),
        ("work_order_number", N_("Work order")),
        ("issued_at", N_("Issued at")),
        ("get_status_display", N_("Status")),
    ],
    url=lambda obj: obj.get_absolute_url(),
)


def _parts(name):
    def records(params):
        return demand_parts(
            name, months=int(params["months"]), until=date.fromisoformat(params["until"])
        )

    return records


for _name in ("below_minimum", "to_order"):
    drill.register(
        f"spares.{_name}",
        records=_parts(_name),
        columns=[("name", N_("Name")), ("model", N_("Model")), ("unit", N_("Unit"))],
        url=lambda obj: reverse("cmdb:spare_demand"),
    )


def build(period: Period, *, options: dict) -> Section:
    until = min(period.end, timezone.localdate())
    demand = spare_demand(months=DEFAULT_MONTHS, until=until)
    issued = consumption(starts_on=period.start, ends_on=period.end)
    issued_count = issued.count()
    units = sum(issued.values_list("quantity", flat=True))
    params = {"months": DEFAULT_MONTHS, "until": until.isoformat()}
    figures = [
        Figure(
            "spares.issued",
            N_("Spare requisitions issued"),
            issued_count,
            definition=N_(
                "Requisitions (备件领用单) whose parts were issued from stock in the period and "
                "not returned (used in a repair, or still out)."
            ),
            drill=Drill("spares.issued", days(period)),
        ),
        Figure(
            "spares.units_issued",
            N_("Spare parts issued"),
            units,
            definition=N_("Units on those requisitions."),
        ),
        Figure(
            "spares.below_minimum",
            N_("Parts below their minimum level"),
            len(demand.below_minimum),
            definition=N_(
                "Part types whose stock, summed over the locations, is below the minimum "
                "level agreed with the client, when the report was generated."
            ),
            drill=Drill("spares.below_minimum", params),
        ),
        Figure(
            "spares.to_order",
            N_("Parts to order"),
            len(demand.to_order),
            definition=N_(
                "Part types with a suggested order: minimum level plus one month of average "
                "use (over the last three months, rounded up) minus the stock."
            ),
            drill=Drill("spares.to_order", params),
        ),
    ]
    month_columns = [
        Column(f"m{i}", d.strftime("%Y-%m"), "count") for i, d in enumerate(demand.months)
    ]
    rows = [r for r in demand.rows if r.consumed or r.stock or r.minimum]
    table = Table(
        "spares.demand",
        N_("Spare demand by part"),
        [
            Column("part", N_("Part")),
            Column("unit", N_("Unit")),
            *month_columns,
            Column("average", N_("Monthly average"), "text"),
            Column("stock", N_("In stock"), "count"),
            Column("minimum", N_("Minimum"), "count"),
            Column("order", N_("Suggested order"), "count"),
        ],
        [
            [str(r.part), r.part.unit, *r.monthly, str(r.average), r.stock, r.minimum, r.suggested]
            for r in rows
        ],
        definition=N_(
            "Units issued per month (requisitions issued and not returned); stock and "
            "minimum summed over the locations. Suggested order = minimum + average monthly "
            "use rounded up − stock, at least 0."
        ),
    )
    return Section(
        key="spares",
        title=N_("Spare demand"),
        figures=figures,
        tables=[table],
    )
