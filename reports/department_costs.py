"""Costs per department and cost kind for any span of days (plan §2.2.2.2 "费用"): the
costs section's per-department tables, the page /reports/costs/ and its API.

Each kind comes from the owning app's selector, which sums exactly the records it lists
(the drill "costs.kind.<kind>" with `department`), so a department's amount is the sum of
its list and the departments add up to the kind's total:
- repair charges: what vendors charged for repair send-outs back in the days
  (`repairs.figures.repair_cost_records("repair_charges")`), to the device's department,
  else the work order's;
- repair parts: out-of-warranty parts fitted in the days ("repair_parts"), the same way;
- spare parts: spares consumed in the days at the part type's unit cost
  (`cmdb.selectors.spare_cost_records`), to the work order's department;
- emergency resources: costed resource requests of the emergencies declared in the days
  (`emergencies.selectors.emergency_cost_records`), to the originating work order's
  department.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_noop as N_

from cmdb.selectors import spare_cost_records, spare_costs_by_department
from emergencies.selectors import emergency_cost_records, emergency_costs_by_department
from repairs.figures import repair_cost_records, repair_costs_by_department
from servicedesk.models import Department

from . import drill

NO_DEPARTMENT = 0
ZERO = Decimal("0")

# (kind, label msgid, definition msgid)
KINDS = (
    (
        "repair_charges",
        N_("Repair charges"),
        N_("What vendors charged for the repair send-outs that came back in the period."),
    ),
    (
        "repair_parts",
        N_("Repair parts"),
        N_("Out-of-warranty replacement parts fitted in the period (the chosen quote's price)."),
    ),
    (
        "spare_parts",
        N_("Spare parts consumed"),
        N_(
            "Spare parts consumed in the period at their part type's unit cost (parts "
            "without a unit cost are within the contract's stock and not costed)."
        ),
    ),
    (
        "emergencies",
        N_("Emergency resources"),
        N_(
            "Approved, done or confirmed resource requests of the emergencies declared in "
            "the period."
        ),
    ),
)
KIND_KEYS = tuple(kind for kind, _label, _definition in KINDS)
ATTRIBUTION = N_(
    "Repair charges and parts go to the department of the device in the CMDB (else of the "
    "work order), spare parts to the department of the work order they were requested for, "
    "emergency resources to the department of the emergency's originating work order."
)


def cost_records(kind: str, *, starts_on: date, ends_on: date, department_id=None):
    """The records behind cost kind `kind`, optionally of one department (0: none)."""
    if kind in ("repair_charges", "repair_parts"):
        return repair_cost_records(
            kind, starts_on=starts_on, ends_on=ends_on, department_id=department_id
        )
    if kind == "spare_parts":
        return spare_cost_records(starts_on=starts_on, ends_on=ends_on, department_id=department_id)
    if kind == "emergencies":
        return emergency_cost_records(
            starts_on=starts_on, ends_on=ends_on, department_id=department_id
        )
    raise KeyError(kind)


@dataclass
class DepartmentCostRow:
    department_id: int  # NO_DEPARTMENT: costs charged to no department
    name: str
    amounts: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    def amount(self, kind: str) -> Decimal:
        return self.amounts.get(kind, ZERO)


@dataclass
class DepartmentCosts:
    starts_on: date
    ends_on: date
    rows: list[DepartmentCostRow]
    totals: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def department_costs(*, starts_on: date, ends_on: date) -> DepartmentCosts:
    """Every department with a cost in the days, highest total first (no department last),
    with its amount per kind, and the kinds' totals. Five queries whatever the data size."""
    days = {"starts_on": starts_on, "ends_on": ends_on}
    per_kind = {
        **repair_costs_by_department(**days),
        "spare_parts": spare_costs_by_department(**days),
        "emergencies": emergency_costs_by_department(**days),
    }
    ids = {department for amounts in per_kind.values() for department in amounts}
    names = dict(Department.objects.filter(pk__in=[d for d in ids if d]).values_list("pk", "name"))
    rows = {}
    for kind in KIND_KEYS:
        for department, amount in per_kind[kind].items():
            key = department or NO_DEPARTMENT
            row = rows.setdefault(key, DepartmentCostRow(key, names.get(department, "")))
            row.amounts[kind] = row.amount(kind) + amount
    ordered = sorted(
        rows.values(), key=lambda r: (r.department_id == NO_DEPARTMENT, -r.total, r.name)
    )
    totals = {kind: sum(per_kind[kind].values(), ZERO) for kind in KIND_KEYS}
    return DepartmentCosts(starts_on, ends_on, ordered, totals)


def drill_params(starts_on: date, ends_on: date, department_id=None) -> dict[str, str]:
    params = {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()}
    if department_id is not None:
        params["department"] = str(department_id)
    return params


def _records(kind):
    def records(params):
        department = params.get("department")
        return cost_records(
            kind,
            starts_on=date.fromisoformat(params["starts_on"]),
            ends_on=date.fromisoformat(params["ends_on"]),
            department_id=None if department in (None, "") else int(department),
        )

    return records


_COLUMNS = {
    "repair_charges": [
        ("number", N_("Number")),
        ("device", N_("Device")),
        ("device__department", N_("Department")),
        ("vendor", N_("Vendor")),
        ("returned_at", N_("Returned at")),
        ("repair_cost", N_("Cost")),
    ],
    "repair_parts": [
        ("number", N_("Number")),
        ("part", N_("Part")),
        ("repair__number", N_("Repair")),
        ("repair__device__department", N_("Department")),
        ("replaced_at", N_("Replaced at")),
        ("cost", N_("Cost")),
    ],
    "spare_parts": [
        ("number", N_("Number")),
        ("stock__part_type", N_("Part")),
        ("quantity", N_("Quantity")),
        ("work_order_number", N_("Work order")),
        ("department", N_("Department")),
        ("closed_at", N_("Consumed at")),
        ("cost", N_("Cost")),
    ],
    "emergencies": [
        ("number", N_("Number")),
        ("emergency__number", N_("Emergency")),
        ("emergency__work_order__department", N_("Department")),
        ("description", N_("What is needed")),
        ("cost", N_("Cost")),
    ],
}

for _kind in KIND_KEYS:
    drill.register(
        f"costs.kind.{_kind}",
        records=_records(_kind),
        columns=_COLUMNS[_kind],
        url=lambda obj: obj.get_absolute_url(),
    )
