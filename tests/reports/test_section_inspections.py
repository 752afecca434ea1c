"""The inspection section for December's approved plan: one device passed, one with a
finding and a discrepancy, one not reached; the round's day passed partly done."""

from datetime import UTC, datetime

import pytest
import time_machine

from inspections import services
from reports.periods import Period
from reports.sections import inspections as section
from tests.inspections import conftest as _inspections

from .drill_checks import check_section, figure

pytestmark = pytest.mark.django_db

desktop_class, make_ci, devices, plan, approved_plan = (
    _inspections.desktop_class, _inspections.make_ci, _inspections.devices, _inspections.plan,
    _inspections.approved_plan,
)  # fmt: skip
ops_approver, info_approver = _inspections.ops_approver, _inspections.info_approver


def test_december_rounds_devices_findings_and_not_reached(approved_plan, engineer, devices):
    route = approved_plan.rounds.get()
    passed, failed, _missed = devices
    services.record_save(round=route, ci=passed, actor=engineer,
                         lines=_inspections.all_pass(passed))  # fmt: skip
    lines = _inspections.all_pass(failed)
    lines[1].result, lines[1].note = "fail", "风扇异响"
    services.record_save(round=route, ci=failed, actor=engineer, lines=lines)
    item = lines[1]
    with time_machine.travel(datetime(2027, 1, 4, 2, tzinfo=UTC), tick=False):
        s = check_section(section.build(Period.month(2026, 12), options={}))
    assert figure(s, "inspections.rounds_planned").value == 1
    done = figure(s, "inspections.rounds_done")
    assert (done.count, done.base) == (0, 1)  # one device of the route was not reached
    assert figure(s, "inspections.rounds_missed").value == 0  # two were recorded
    inspected = figure(s, "inspections.devices_inspected")
    assert (inspected.count, inspected.base) == (2, 3)
    assert figure(s, "inspections.not_reached").value == 1
    assert figure(s, "inspections.records").value == 2
    assert figure(s, "inspections.failures").value == 1
    findings = next(t for t in s.tables if t.key == "inspections.findings_by_item")
    assert findings.rows[0][1] == 1 and item.item_id
    not_reached = next(t for t in s.tables if t.key == "inspections.not_reached")
    assert not_reached.rows[0][0] == _missed.asset_tag
    # A year counts the same plan; November has none and says so.
    with time_machine.travel(datetime(2027, 1, 4, 2, tzinfo=UTC), tick=False):
        year = check_section(section.build(Period.year(2026), options={}))
        november = check_section(section.build(Period.month(2026, 11), options={}))
    assert figure(year, "inspections.records").value == 2
    assert figure(november, "inspections.rounds_planned").value == 0 and november.notes


def test_a_round_whose_day_passed_with_nothing_recorded_is_missed(approved_plan):
    with time_machine.travel(datetime(2027, 1, 4, 2, tzinfo=UTC), tick=False):
        s = check_section(section.build(Period.month(2026, 12), options={}))
    assert figure(s, "inspections.rounds_missed").value == 1
