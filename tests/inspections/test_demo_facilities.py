"""The facility and backup demo: a year of lightning-protection checks on the schedule,
one over the limit, backup plans with one overdue; idempotent."""

import pytest

from inspections.demo_facilities import seed_backups, seed_facilities
from inspections.models import BackupPlan, Facility, FacilityCheck
from inspections.selectors import overdue_backups
from servicedesk.choices import Role
from servicedesk.models import Department


@pytest.fixture
def demo_staff(engineer, make_person, department):
    make_person(Role.ENGINEER, username="engineer2")
    for name, code in (("办公室", "office"), ("信息中心", "info")):
        Department.objects.create(name=name, code=code)


def test_demo_checks_follow_the_schedule_and_one_fails(demo_staff):
    assert "facility checks" in seed_facilities()
    grid = Facility.objects.get(kind="lightning")
    months = {c.checked_on.month for c in FacilityCheck.objects.filter(facility=grid)}
    assert months <= {4, 5, 6, 7, 8, 12} and months
    assert FacilityCheck.objects.filter(passed=False).count() == (1 if 6 in months else 0)
    assert grid.next_due_on is not None
    assert "skipped" in seed_facilities()


def test_demo_backups_have_runs_restore_tests_and_one_overdue_plan(demo_staff):
    assert "backup records" in seed_backups()
    assert BackupPlan.objects.count() >= 1
    assert all(
        plan.runs.exists() and plan.restore_tests.exists() for plan in BackupPlan.objects.all()
    )
    assert [p.method for p in overdue_backups()] == ["image_clone"]
    assert "skipped" in seed_backups()
