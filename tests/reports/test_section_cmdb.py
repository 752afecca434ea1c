"""The configuration changes section for a hand-built October: changes by record and class
from the audit log, new and retired items, baseline drift, each list matching its figure."""

from datetime import UTC, datetime

import pytest
import time_machine

from cmdb.services import ci_create, ci_update
from cmdb.services.baselines import baseline_take
from reports.periods import Period
from reports.sections import cmdb as section

from .drill_checks import check_drill, check_section, figure

pytestmark = pytest.mark.django_db


def test_october_changes_new_retired_and_drift(supervisor, department):
    with time_machine.travel(datetime(2026, 9, 20, 2, tzinfo=UTC), tick=False):
        old = ci_create(actor=supervisor, ci_class=_cls("desktop"), asset_tag="PC-OLD",
                        name="旧电脑", department=department)  # fmt: skip
        baseline_take(actor=supervisor, name="财务处基线", department=department)
    with time_machine.travel(datetime(2026, 10, 12, 2, tzinfo=UTC), tick=False) as clock:
        ci_create(actor=supervisor, ci_class=_cls("desktop"), asset_tag="PC-NEW", name="新电脑",
                  department=department)  # fmt: skip
        ci_create(actor=supervisor, ci_class=_cls("printer"), asset_tag="PR-NEW", name="打印机")
        clock.move_to(datetime(2026, 10, 20, 2, tzinfo=UTC))
        ci_update(actor=supervisor, ci=old, status="retired", reason="D0201-2026102001")
    with time_machine.travel(datetime(2026, 11, 2, 2, tzinfo=UTC), tick=False):
        s = check_section(section.build(Period.month(2026, 10), options={}))
        september = check_section(section.build(Period.month(2026, 9), options={}))
    assert figure(s, "cmdb.new_items").value == 2
    assert figure(s, "cmdb.retired_items").value == 1
    assert figure(s, "cmdb.item_changes").value == 3  # two created, one changed
    assert figure(s, "cmdb.changes").value >= 3
    assert figure(s, "cmdb.baselines").value == 0
    assert figure(september, "cmdb.baselines").value == 1
    by_class = next(t for t in s.tables if t.key == "cmdb.changes_by_class")
    desktops = next(row for row in by_class.rows if row[1] == 2)
    assert desktops[0] == _cls("desktop").name
    for row, drill in zip(by_class.rows, by_class.row_drills, strict=True):
        if drill is not None:
            check_drill(drill, row[1])
    reasons = dict(next(t for t in s.tables if t.key == "cmdb.reasons").rows)
    assert reasons.get("D0201-2026102001") == 1
    # The September baseline of 财务处: PC-NEW was added, PC-OLD changed (retired).
    drift = next(t for t in s.tables if t.key == "cmdb.drift").rows
    assert drift[0][0] == "财务处基线" and drift[0][2:] == [1, 0, 1]
    assert figure(s, "cmdb.drift").value == 2


def _cls(code):
    from cmdb.models import CIClass

    return CIClass.objects.get(code=code)
