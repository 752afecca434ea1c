"""The availability section: per service against 98 %, with the outages listed."""

from datetime import timedelta

import pytest

from cmdb.services import outages as services
from reports.periods import Period
from reports.sections import availability
from tests.cmdb import conftest as _cmdb
from tests.cmdb import test_outages as _outages

from .drill_checks import check_section, figure

pytestmark = pytest.mark.django_db

NOW, local = _outages.NOW, _outages.local
make_ci, desktop_class, _fresh_system_actor = (
    _cmdb.make_ci, _cmdb.desktop_class, _cmdb._fresh_system_actor
)  # fmt: skip
app, switch, calendar_2026, frozen = (
    _outages.app, _outages.switch, _outages.calendar_2026, _outages.frozen
)  # fmt: skip


def test_october_per_service_availability_commitment_and_outage_list(
    frozen, supervisor, app, switch
):
    services.outage_create(actor=supervisor, service=app, started_at=local(2026, 10, 12, 9),
                           ended_at=local(2026, 10, 12, 13, 30), cause="数据库锁表")  # fmt: skip
    services.outage_create(actor=supervisor, service=switch, started_at=local(2026, 10, 20, 22),
                           ended_at=local(2026, 10, 20, 23))  # fmt: skip
    s = check_section(availability.build(Period.month(2026, 10), options={"now": NOW}))
    oa = figure(s, f"availability.service.{app.pk}")
    assert oa.value == round(1 - 3 / 135, 4) and oa.met is False
    core = figure(s, f"availability.service.{switch.pk}")
    assert core.value == round(1 - 1 / 744, 4) and core.met is True
    met = figure(s, "availability.services_met")
    assert (met.count, met.base) == (1, 2)
    overall = figure(s, "availability.overall")
    assert overall.value == round(1 - 4 / (135 + 744), 4)
    assert figure(s, "availability.outages").value == 2
    services_table = next(t for t in s.tables if t.key == "availability.services")
    oa_row = next(row for row in services_table.rows if row[0].startswith("APP-OA"))
    assert oa_row[2:6] == ["5×8 (business hours)", 135.0, 3.0, 1]
    outages = next(t for t in s.tables if t.key == "availability.outages")
    assert outages.rows[0][:4] == ["办公自动化系统", "2026-10-12 09:00", "2026-10-12 13:30", 3.0]


def test_an_open_month_counts_up_to_now_and_says_so(frozen, supervisor, switch):
    frozen.move_to(local(2026, 11, 2, 12))
    services.outage_create(actor=supervisor, service=switch, started_at=local(2026, 11, 2, 10))
    s = check_section(availability.build(Period.month(2026, 11), options={}))
    core = figure(s, f"availability.service.{switch.pk}")
    # 1 Nov 00:00 → 2 Nov 12:00 is 36 h scheduled, 2 h of it down.
    assert core.value == round(1 - 2 / 36, 4)
    assert s.notes and timedelta(hours=36)
