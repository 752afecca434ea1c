"""Backups of key departments' data: plans, runs, restore tests, the overdue list and its
once-per-due-date reminder; pages, API, rules."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import selectors, services, tasks
from inspections.choices import BackupMethod, RunResult
from inspections.models import BackupPlan, DueReminder
from servicedesk.choices import Role
from servicedesk.models import Notification

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the translators did to the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=TZ), tick=False):
        yield


@pytest.fixture
def plan(department, engineer):
    return BackupPlan.objects.create(
        department=department,
        system="财务软件账套",
        method=BackupMethod.STORAGE,
        every_days=7,
        retention_days=365,
        location="存储阵列 卷 FIN",
        responsible=engineer,
    )


def test_a_new_plan_is_due_at_once(plan):
    assert plan.next_due_on == TODAY


def test_a_successful_backup_moves_the_due_date_by_the_interval(plan, engineer):
    run = services.backup_record(
        plan=plan, actor=engineer, performed_on=date(2026, 11, 19), result=RunResult.OK,
        size_gb=Decimal("12.5"),
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.last_success_on == date(2026, 11, 19)
    assert plan.next_due_on == date(2026, 11, 26)
    assert run.location == "存储阵列 卷 FIN"  # the plan's place unless told otherwise


def test_a_failed_backup_needs_a_reason_and_leaves_the_plan_overdue(plan, engineer):
    services.backup_record(
        plan=plan, actor=engineer, performed_on=date(2026, 11, 1), result=RunResult.OK
    )
    with pytest.raises(ValidationError, match="why the backup failed"):
        services.backup_record(
            plan=plan, actor=engineer, performed_on=date(2026, 11, 19), result=RunResult.FAILED
        )
    services.backup_record(
        plan=plan, actor=engineer, performed_on=date(2026, 11, 19), result=RunResult.FAILED,
        note="磁带机报错",
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.next_due_on == date(2026, 11, 8)
    assert list(selectors.overdue_backups(today=TODAY)) == [plan]


def test_an_older_run_typed_in_late_does_not_move_the_date_back(plan, engineer):
    for day in (date(2026, 11, 18), date(2026, 11, 10)):
        services.backup_record(plan=plan, actor=engineer, performed_on=day, result=RunResult.OK)
    plan.refresh_from_db()
    assert plan.next_due_on == date(2026, 11, 25)


def test_a_future_date_is_refused(plan, engineer):
    with pytest.raises(ValidationError, match="future"):
        services.backup_record(
            plan=plan, actor=engineer, performed_on=TODAY + timedelta(days=1), result="ok"
        )


def test_only_the_responsible_engineer_or_a_supervisor_records(plan, make_person, supervisor):
    other = make_person(Role.ENGINEER, username="other-engineer")
    with pytest.raises(PermissionDenied):
        services.backup_record(plan=plan, actor=other, performed_on=TODAY, result="ok")
    services.backup_record(plan=plan, actor=supervisor, performed_on=TODAY, result="ok")


def test_restore_tests_are_recorded_with_their_result(plan, engineer):
    with pytest.raises(ValidationError, match="why the restore failed"):
        services.restore_test_record(plan=plan, actor=engineer, tested_on=TODAY, result="failed")
    services.restore_test_record(plan=plan, actor=engineer, tested_on=TODAY, result="ok")
    plan.refresh_from_db()
    assert plan.last_restore_test_on == TODAY
    assert plan.restore_tests.count() == 1


def test_overdue_list_skips_plans_in_time_and_inactive_plans(plan, department, engineer):
    services.backup_record(plan=plan, actor=engineer, performed_on=TODAY, result="ok")
    late = BackupPlan.objects.create(
        department=department, system="公文系统", method=BackupMethod.NETWORK, every_days=1,
        responsible=engineer, next_due_on=date(2026, 11, 1),
    )  # fmt: skip
    BackupPlan.objects.create(
        department=department, system="旧系统", method=BackupMethod.IMAGE_CLONE,
        responsible=engineer, next_due_on=date(2026, 1, 1), is_active=False,
    )  # fmt: skip
    assert list(selectors.overdue_backups(today=TODAY)) == [late]


def test_the_scan_reminds_each_overdue_plan_once_per_due_date(plan, engineer, supervisor):
    BackupPlan.objects.filter(pk=plan.pk).update(next_due_on=date(2026, 11, 10))
    assert tasks.due_scan()["backups_overdue"] == 1
    assert tasks.due_scan()["backups_overdue"] == 0  # a rerun sends nothing
    assert DueReminder.objects.filter(backup_plan=plan).count() == 1
    assert Notification.objects.filter(recipient=engineer).count() == 1
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    # Backed up, then late again: a new due date is reminded once more.
    services.backup_record(plan=plan, actor=engineer, performed_on=date(2026, 11, 12), result="ok")
    assert tasks.due_scan()["backups_overdue"] == 1


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Overdue backups"), ("zh-hans", "逾期备份")]
)
def test_backup_list_page_in_both_languages(client, plan, engineer, language, words):
    BackupPlan.objects.filter(pk=plan.pk).update(next_due_on=date(2026, 11, 1))
    client.force_login(engineer)
    page = client.get(reverse("inspections:backup_list"), HTTP_ACCEPT_LANGUAGE=language)
    body = page.content.decode()
    assert words in body and "财务软件账套" in body
    assert len(page.context["overdue"]) == 1


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("inspections:backup_list")).status_code == 200
    return len(ctx)


def test_backup_list_query_count_is_flat(client, plan, department, engineer):
    client.force_login(engineer)
    _queries(client)  # warm: the menu is drawn once (itsm.navigation)
    few = _queries(client)
    for n in range(10):
        BackupPlan.objects.create(
            department=department, system=f"系统 {n}", method=BackupMethod.NETWORK,
            responsible=engineer, next_due_on=date(2026, 11, 1),
        )  # fmt: skip
    assert _queries(client) == few


def test_detail_page_records_a_run_and_a_bad_one_keeps_nothing(client, plan, engineer):
    client.force_login(engineer)
    url = reverse("inspections:backup_act", args=[plan.pk, "run"])
    client.post(url, {"run-performed_on": "2026-11-20", "run-result": "failed", "run-note": ""})
    assert not plan.runs.exists()
    client.post(url, {"run-performed_on": "2026-11-20", "run-result": "ok", "run-size_gb": "3"})
    assert plan.runs.get().size_gb == Decimal("3")
    page = client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Record a restore test" in page.content.decode()


def test_api_lists_overdue_plans_and_records_a_run(plan, engineer, end_user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(engineer)
    rows = api.get("/api/backup-plans/", {"overdue": "1"}).json()
    assert rows == [] or rows.get("results") == []  # due today is not overdue yet
    answer = api.post(
        f"/api/backup-plans/{plan.pk}/runs/", {"performed_on": "2026-11-20", "result": "ok"}
    )
    assert answer.status_code == 201, answer.content
    plan.refresh_from_db()
    assert plan.next_due_on == date(2026, 11, 27)
    api.force_authenticate(end_user)
    assert api.get("/api/backup-plans/").status_code == 403
