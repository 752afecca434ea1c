"""The antivirus section for a hand-built October: events by threat, department, host and
result, coverage and signature states, with every list matching its figure."""

from datetime import UTC, datetime

import pytest
import time_machine

from antivirus.models import ConsoleImport, Endpoint, VirusEvent
from cmdb.models import CIClass, ConfigurationItem
from reports.periods import Period
from reports.sections import antivirus as section
from servicedesk.models import Department

from .drill_checks import check_drill, check_section, figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(db, department, engineer):
    office = Department.objects.create(name="办公室", code="office")
    desktop = CIClass.objects.get(code="desktop")
    pcs = [
        ConfigurationItem.objects.create(
            asset_tag=f"PC-{n}",
            name=f"台式机{n}",
            ci_class=desktop,
            department=department if n < 3 else office,
        )  # fmt: skip
        for n in range(1, 6)
    ]
    states = ["ok", "ok", "stale", "not_reporting", "unprotected"]
    for pc, state in zip(pcs, states, strict=True):
        Endpoint.objects.create(ci=pc, state=state, installed=state != "unprotected")
    record = ConsoleImport.objects.create(kind="events", file_name="x", sha256="1",
                                          created_by=engineer)  # fmt: skip
    rows = [
        # (day, pc index, threat, result)
        (datetime(2026, 9, 30, 15, tzinfo=UTC), 0, "Trojan.A", "cleaned"),  # 30 Sep 23:00: Sep
        (datetime(2026, 9, 30, 17, tzinfo=UTC), 0, "Trojan.A", "cleaned"),  # 1 Oct 01:00: Oct
        (datetime(2026, 10, 9, 2, tzinfo=UTC), 1, "Trojan.A", "quarantined"),
        (datetime(2026, 10, 9, 3, tzinfo=UTC), 3, "Worm.B", "failed"),
        (datetime(2026, 10, 31, 15, tzinfo=UTC), 3, "Worm.B", "other"),  # 31 Oct 23:00
    ]
    for n, (at, pc, threat, result) in enumerate(rows):
        VirusEvent.objects.create(
            detected_at=at, ci=pcs[pc], host_name=f"PC{pc + 1}", threat=threat, result=result,
            console_import=record, fingerprint=f"{n:040d}",
        )  # fmt: skip
    return department, office


def test_october_events_coverage_and_lists(october):
    finance, office = october
    with time_machine.travel(datetime(2026, 11, 2, 2, tzinfo=UTC), tick=False):
        s = check_section(section.build(Period.month(2026, 10), options={}))
    assert figure(s, "antivirus.events").value == 4
    resolved = figure(s, "antivirus.resolved")
    assert (resolved.count, resolved.base, resolved.value) == (2, 4, 0.5)
    assert figure(s, "antivirus.unresolved").value == 2
    coverage = figure(s, "antivirus.coverage")
    assert (coverage.count, coverage.base, coverage.value) == (4, 5, 0.8) and not coverage.met
    assert figure(s, "antivirus.unprotected").value == 1
    current = figure(s, "antivirus.current")
    assert (current.count, current.base) == (2, 4)
    assert figure(s, "antivirus.stale").value == 1
    assert figure(s, "antivirus.not_reporting").value == 1
    by_threat = next(t for t in s.tables if t.key == "antivirus.by_threat")
    assert by_threat.rows == [["Trojan.A", 2, 2], ["Worm.B", 2, 1]]
    by_department = next(t for t in s.tables if t.key == "antivirus.by_department")
    assert by_department.rows == [["办公室", 2, 1], ["财务处", 2, 2]]
    # Each row's drill lists that row's events.
    for table in s.tables:
        for row, drill in zip(table.rows, table.row_drills, strict=True):
            if drill is not None:
                check_drill(drill, row[1])
    by_result = next(t for t in s.tables if t.key == "antivirus.by_result")
    assert ["Cleaned", 1] in by_result.rows and ["Not resolved", 1] in by_result.rows


def test_a_quarter_counts_every_event_of_its_days(october):
    with time_machine.travel(datetime(2027, 1, 5, 2, tzinfo=UTC), tick=False):
        q3 = check_section(section.build(Period.quarter(2026, 3), options={}))
        q4 = check_section(section.build(Period.quarter(2026, 4), options={}))
    assert figure(q3, "antivirus.events").value == 1
    assert figure(q4, "antivirus.events").value == 4
