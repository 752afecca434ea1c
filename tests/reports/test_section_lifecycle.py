"""The ageing and spares sections for a hand-built October: each figure drills down to as
many records as it counts, and the sections survive being frozen to JSON."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from cmdb.models import AgeingRule, CIClass, PartType, Requisition, Stock
from cmdb.services import ci_create
from cmdb.services.lifecycle import replacement_propose
from reports.periods import Period
from reports.registry import OPERATIONS_SECTIONS, REPORT_TYPES
from reports.sections import ageing, spares

from .drill_checks import check_drill, check_section, figure

pytestmark = pytest.mark.django_db


def _desktop(tag, supervisor, **fields):
    return ci_create(
        actor=supervisor, ci_class=CIClass.objects.get(code="desktop"), asset_tag=tag,
        name="台式机", **fields,
    )  # fmt: skip


def test_sections_are_registered_where_the_plan_reads_them():
    assert OPERATIONS_SECTIONS.index("ageing") == OPERATIONS_SECTIONS.index("cmdb") + 1
    assert REPORT_TYPES["repair_summary"].sections == ("repairs", "spares")


def test_ageing_section_counts_and_drills(supervisor, end_user):
    from incidents.models import WorkOrder
    from incidents.services import work_order_create

    AgeingRule.objects.create(
        ci_class=CIClass.objects.get(code="desktop"), max_age_years=6, fault_count=2, fault_months=6
    )
    with time_machine.travel(datetime(2026, 11, 3, 2, tzinfo=UTC), tick=False):
        old = _desktop("PC-OLD", supervisor, purchased_on=date(2019, 5, 1))
        both = _desktop("PC-BOTH", supervisor, purchased_on=date(2020, 10, 31))
        faulty = _desktop("PC-FAULTY", supervisor, purchased_on=date(2024, 1, 1))
        _desktop("PC-YOUNG", supervisor, purchased_on=date(2020, 11, 1))  # six on 1 November
        for ci, day in ((both, 5), (faulty, 10), (faulty, 20), (both, 28)):
            order = work_order_create(actor=end_user, requester=end_user, title="故障", device=ci)
            WorkOrder.objects.filter(pk=order.pk).update(
                created_at=datetime(2026, 10, day, 2, tzinfo=UTC)
            )
        # After October: does not count for October's report.
        late = work_order_create(actor=end_user, requester=end_user, title="故障", device=old)
        replacement_propose(actor=supervisor, ci=old)
        s = check_section(ageing.build(Period.month(2026, 10), options={}))
    assert late.created_at.date() == date(2026, 11, 3)
    assert figure(s, "ageing.candidates").value == 3
    assert figure(s, "ageing.too_old").value == 2
    assert figure(s, "ageing.many_faults").value == 2
    assert figure(s, "ageing.proposed").value == 1
    by_class = next(t for t in s.tables if t.key == "ageing.by_class")
    assert by_class.rows[0][1:] == [3, 2, 2, 1]
    for row, drill in zip(by_class.rows, by_class.row_drills, strict=True):
        check_drill(drill, row[1])
    devices = next(t for t in s.tables if t.key == "ageing.devices").rows
    assert [row[0] for row in devices] == ["PC-BOTH", "PC-FAULTY", "PC-OLD"]
    assert devices[0][7] == "Past its age and repeated faults"


def test_spares_section_counts_and_drills(location, engineer):
    toner = PartType.objects.create(name="硒鼓", model="CF226A")
    memory = PartType.objects.create(name="内存条", model="8G")
    low = Stock.objects.create(part_type=toner, location=location, quantity=1, minimum_level=3)
    Stock.objects.create(part_type=memory, location=location, quantity=5, minimum_level=1)
    for day, quantity, status in ((2, 2, "consumed"), (20, 1, "issued"), (21, 4, "returned")):
        Requisition.objects.create(
            stock=low, quantity=quantity, work_order_number="D0201-2026100201", status=status,
            requested_by=engineer, issued_at=datetime(2026, 10, day, 2, tzinfo=UTC),
        )  # fmt: skip
    with time_machine.travel(datetime(2026, 11, 3, 2, tzinfo=UTC), tick=False):
        s = check_section(spares.build(Period.month(2026, 10), options={}))
    assert figure(s, "spares.issued").value == 2
    assert figure(s, "spares.units_issued").value == 3
    assert figure(s, "spares.below_minimum").value == 1
    assert figure(s, "spares.to_order").value == 1
    table = s.tables[0]
    assert [c.label for c in table.columns][2:5] == ["2026-08", "2026-09", "2026-10"]
    toner_row = next(row for row in table.rows if row[0] == "硒鼓 CF226A")
    assert toner_row[2:] == [0, 0, 3, "1.0", 1, 3, 3]
