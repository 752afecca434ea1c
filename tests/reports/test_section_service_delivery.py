"""The service section's delivery figures (§6.2.2) and service records (§6.3.3): each row
and figure drills to a list as long as its count."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents import services
from incidents.service_records import services as record_services
from reports import drill
from reports.periods import Period
from reports.sections import service

from .drill_checks import check_section, figure

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period.month(2026, 11)
pytestmark = pytest.mark.django_db


def _order(end_user, agent, engineer, **kwargs):
    order = services.work_order_create(actor=end_user, requester=end_user, title="显示器不亮")
    return services.work_order_assign(work_order=order, actor=agent, assignee=engineer, **kwargs)


def _visit(order, engineer):
    now = datetime(2026, 11, 3, 11, 0, tzinfo=SH)
    return record_services.service_record_create(
        work_order=order,
        actor=engineer,
        arrived_at=now - timedelta(hours=1),
        left_at=now,
        work_done="更换电源线",
    )


@pytest.fixture
def november(end_user, agent, engineer):
    with time_machine.travel(datetime(2026, 11, 3, 11, 0, tzinfo=SH), tick=False):
        on_site = _order(end_user, agent, engineer, service_type="on_site", response_mode="on_site")
        _order(end_user, agent, engineer, service_type="on_site", response_mode="remote")
        _order(end_user, agent, engineer, service_type="take_in", response_mode="hotline")
        _order(end_user, agent, engineer)  # not recorded
        accepted, returned, _waiting = (_visit(on_site, engineer) for _ in range(3))
        record_services.service_record_confirm(record=accepted, actor=end_user)
        record_services.service_record_review(
            record=accepted.__class__.objects.get(pk=accepted.pk), actor=agent, accept=True
        )
        record_services.service_record_review(
            record=returned, actor=agent, accept=False, reason="补充配件"
        )


def _rows(section, key):
    table = next(t for t in section.tables if t.key == key)
    return table, {row[0]: row[1] for row in table.rows}


def test_orders_by_service_type_and_mode_drill_to_lists_of_their_count(november):
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False):
        section = check_section(service.build(NOVEMBER, options={}))
    table, rows = _rows(section, "service.by_service_type")
    assert rows == {"On site": 2, "Taken in for repair": 1, "Not recorded": 1}
    for row, target in zip(table.rows, table.row_drills, strict=True):
        assert drill.source(target.key).records(target.params).count() == row[1]
    table, rows = _rows(section, "service.by_response_mode")
    assert rows == {"Hotline": 1, "Remote desktop": 1, "On site": 1, "Not recorded": 1}
    for row, target in zip(table.rows, table.row_drills, strict=True):
        assert drill.source(target.key).records(target.params).count() == row[1]


def test_service_records_by_review_state(november):
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False):
        section = check_section(service.build(NOVEMBER, options={}))
    assert figure(section, "service.service_records_written").value == 3
    assert figure(section, "service.service_records_accepted").value == 1
    assert figure(section, "service.service_records_returned").value == 1
    assert figure(section, "service.service_records_submitted").value == 1
