from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from inspections import services
from inspections.choices import ApprovalStatus
from inspections.models import InspectionReport
from servicedesk.models import Notification

from .conftest import all_pass, approve_all


def test_next_month_and_month_start_cross_the_year():
    assert services.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert services.next_month(date(2026, 1, 31)) == date(2026, 2, 1)
    assert services.month_start(date(2026, 7, 19)) == date(2026, 7, 1)


@pytest.mark.django_db
def test_working_days_leave_out_weekends():
    days = services.working_days(date(2026, 12, 1))
    assert date(2026, 12, 5) not in days and date(2026, 12, 7) in days
    assert all(d.month == 12 for d in days)


@pytest.mark.django_db
def test_next_signer_is_told_after_commit(
    plan, engineer, supervisor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_submit(plan=plan, actor=engineer, lock_version=plan.lock_version)
    assert Notification.objects.filter(recipient=supervisor, subject__contains=plan.number).exists()
    plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_decide(
            plan=plan,
            actor=supervisor,
            approve=False,
            comment="补充打印机",
            lock_version=plan.lock_version,
        )
    assert Notification.objects.filter(recipient=engineer, subject__contains="补充打印机").exists()


@pytest.mark.django_db
def test_no_record_is_added_once_the_months_report_is_approved(
    approved_plan, engineer, supervisor, ops_approver, info_approver, devices, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    route = approved_plan.rounds.get()
    report = services.report_create(plan=approved_plan, actor=engineer)
    report = services.report_submit(report=report, actor=engineer, lock_version=report.lock_version)
    approve_all(report, services.report_decide, supervisor, ops_approver, info_approver)
    assert InspectionReport.objects.get().status == ApprovalStatus.APPROVED
    with pytest.raises(PermissionDenied):
        services.record_save(round=route, ci=devices[0], actor=engineer, lines=all_pass(devices[0]))
