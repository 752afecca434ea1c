"""Costs per department (plan §2.2.2.2, issue 18 item 21): repair charges, repair parts,
spare parts consumed and emergency resources attributed to departments; each amount is
the sum of its drill list and the departments add up to the section's totals."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmdb.models import PartType, Stock
from cmdb.services import spares
from reports import drill
from reports.department_costs import KIND_KEYS, NO_DEPARTMENT, cost_records, department_costs
from reports.periods import Period
from reports.sections import costs
from tests.reports import test_section_emergencies as _emergencies
from tests.reports import test_section_repairs as _repairs

from .drill_checks import check_section, figure

pytestmark = pytest.mark.django_db

autumn, calendar_2026, frozen, vendor, make_vendor = (
    _repairs.autumn, _repairs.calendar_2026, _repairs.frozen, _repairs.vendor,
    _repairs.make_vendor,
)  # fmt: skip
device, make_device, spare, work_order = (
    _repairs.device, _repairs.make_device, _repairs.spare, _repairs.work_order
)  # fmt: skip
outbreak = _emergencies.outbreak
OCTOBER = Period.month(2026, 10)
AMOUNTS = {"repair_charges": 0, "repair_parts": 0, "spare_parts": 0, "emergencies": 0}


@pytest.fixture
def october_costs(autumn, frozen, work_order, engineer, supervisor, location):
    """The repairs' October (a part for 650 on 财务处's work order, the repair back on 20
    Oct) plus a vendor charge of 300 on it, and two toner cartridges at 480 consumed for
    the work order on 21 Oct; one cartridge without a unit cost (within the contract)."""
    from repairs.models import RepairOrder

    RepairOrder.objects.filter(returned_at__isnull=False).update(repair_cost=Decimal("300"))
    frozen.move_to(datetime(2026, 10, 21, 2, tzinfo=UTC))
    costed = PartType.objects.create(name="硒鼓", model="CF226A", unit_cost=Decimal("480"))
    free = PartType.objects.create(name="鼠标", model="M100")
    for part, quantity in ((costed, 2), (free, 1)):
        stock = Stock.objects.create(part_type=part, location=location, quantity=5)
        requisition = spares.requisition_create(
            actor=engineer, stock=stock, quantity=quantity, work_order_number=work_order.number
        )
        requisition = spares.requisition_approve(requisition=requisition, actor=supervisor)
        requisition = spares.requisition_issue(requisition=requisition, actor=supervisor)
        spares.requisition_consume(requisition=requisition, actor=engineer)
    frozen.move_to(datetime(2026, 11, 2, 2, tzinfo=UTC))
    return work_order.department


def test_october_costs_go_to_the_work_orders_department_and_sum_to_the_totals(october_costs):
    result = department_costs(starts_on=OCTOBER.start, ends_on=OCTOBER.end)
    assert [row.name for row in result.rows] == [october_costs.name]
    row = result.rows[0]
    assert row.amounts == {
        "repair_charges": Decimal("300"),
        "repair_parts": Decimal("650"),
        "spare_parts": Decimal("960"),  # 2 × 480; the mouse has no unit cost
    }
    for kind in KIND_KEYS:
        assert sum((r.amount(kind) for r in result.rows), Decimal("0")) == result.totals[kind]
        for r in result.rows:
            listed = cost_records(
                kind, starts_on=OCTOBER.start, ends_on=OCTOBER.end, department_id=r.department_id
            )
            field = "repair_cost" if kind == "repair_charges" else "cost"
            assert sum((getattr(x, field) or 0 for x in listed), Decimal("0")) == r.amount(kind)
    section = check_section(costs.build(OCTOBER, options={}))
    assert figure(section, "costs.total").value == float(result.total) == 1910.0
    assert figure(section, "costs.repair_charges").value == 300.0
    assert figure(section, "costs.spare_parts").value == 960.0
    wide = next(t for t in section.tables if t.key == "costs.per_department")
    assert wide.rows[-1][1:] == [300.0, 650.0, 960.0, 0.0, 1910.0]  # all departments
    assert sum(r[-1] for r in wide.rows[:-1]) == wide.rows[-1][-1]
    long = next(t for t in section.tables if t.key == "costs.per_department_kind")
    for row, target in zip(long.rows, long.row_drills, strict=True):
        records = drill.source(target.key).records(target.params)
        amounts = [getattr(r, "repair_cost", None) or r.cost or 0 for r in records]
        assert float(sum(amounts, Decimal("0"))) == row[2]
    september = department_costs(
        starts_on=Period.month(2026, 9).start, ends_on=Period.month(2026, 9).end
    )
    assert september.rows == [] and september.total == 0


def test_emergency_resources_go_to_the_originating_work_orders_department(outbreak):
    result = department_costs(starts_on=OCTOBER.start, ends_on=OCTOBER.end)
    department = outbreak.work_order.department
    assert [(r.department_id, r.amount("emergencies")) for r in result.rows] == [
        (department.pk if department else NO_DEPARTMENT, Decimal("6500"))
    ]
    with time_machine.travel(datetime(2026, 11, 2, 2, tzinfo=UTC), tick=False):
        section = check_section(costs.build(OCTOBER, options={}))
    assert figure(section, "costs.total").value == 6500.0


def test_the_costs_page_csv_and_api_for_managers_only(client, october_costs, manager, engineer):
    url = reverse("reports:department-costs")
    period = {"start": "2026-10-01", "end": "2026-10-31"}
    client.force_login(engineer)
    assert client.get(url, period).status_code == 403
    assert client.get("/api/department-costs/", period).status_code == 403
    client.force_login(manager)
    page = client.get(url, period).content.decode()
    assert october_costs.name in page and "1910.00" in page and "costs.kind.spare_parts" in page
    csv_text = client.get(url, {**period, "format": "csv"}).content.decode("utf-8-sig")
    assert f"{october_costs.name},300.00,650.00,960.00,0.00,1910.00" in csv_text
    api = client.get("/api/department-costs/", period).json()
    assert api["total"] == "1910.00" and api["departments"][0]["costs"]["spare_parts"] == "960.00"
    assert (
        client.get("/api/department-costs/", {"start": "x", "end": "2026-10-31"}).status_code == 400
    )
    bad = client.get(url, {"start": "2026-10-31", "end": "2026-10-01"}, follow=True)
    assert bad.status_code == 200


def test_the_costs_page_query_count_stays_flat_as_departments_grow(
    client, october_costs, manager, work_order
):
    from repairs.models import RepairOrder
    from servicedesk.models import Department

    client.force_login(manager)
    url = reverse("reports:department-costs")
    period = {"start": "2026-10-01", "end": "2026-10-31"}
    client.get(url, period)
    with CaptureQueriesContext(connection) as few:
        client.get(url, period)
    device = RepairOrder.objects.get(returned_at__isnull=False).device
    device.department = Department.objects.create(name="人事处", code="hr")
    device.save()
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, period).content.decode()
    assert "人事处" in page
    assert len(many) == len(few)
