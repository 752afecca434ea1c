"""The costs section: repair parts per department and emergency resources by type."""

import pytest

from reports.periods import Period
from reports.sections import costs
from tests.reports import test_section_repairs as _repairs

from .drill_checks import check_section, figure

pytestmark = pytest.mark.django_db

# The repairs section's autumn and the fixtures it needs.
autumn, calendar_2026, frozen, vendor, make_vendor = (
    _repairs.autumn, _repairs.calendar_2026, _repairs.frozen, _repairs.vendor,
    _repairs.make_vendor,
)  # fmt: skip
device, make_device, spare, work_order = (
    _repairs.device, _repairs.make_device, _repairs.spare, _repairs.work_order
)  # fmt: skip


def test_october_costs_the_part_fitted_per_department(autumn):
    # The third-party repair's device belongs to no department: the part goes to the work
    # order's (the requester's 财务处). (The emergency resources are checked with the
    # emergencies section's October; the other kinds in test_department_costs.py.)
    s = check_section(costs.build(Period.month(2026, 10), options={}))
    assert figure(s, "costs.repair_parts").value == 650.0
    assert figure(s, "costs.emergencies").value == 0.0
    assert figure(s, "costs.total").value == 650.0
    by_department = next(t for t in s.tables if t.key == "costs.per_department")
    assert by_department.rows[0] == ["财务处", 0.0, 650.0, 0.0, 0.0, 650.0]
    september = check_section(costs.build(Period.month(2026, 9), options={}))
    assert figure(september, "costs.total").value == 0.0
