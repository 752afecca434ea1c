from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from inspections import tasks
from inspections.choices import ApprovalStatus
from inspections.models import InspectionPlan, InspectionReminder
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_the_20th_makes_next_months_draft_once_however_often_it_runs(plan):
    with time_machine.travel(datetime(2026, 12, 19, 9, tzinfo=TZ), tick=False):
        assert tasks.monthly_scan()["drafts"] == 0
    with time_machine.travel(datetime(2026, 12, 20, 9, tzinfo=TZ), tick=False):
        assert tasks.monthly_scan()["drafts"] == 1
        for _ in range(3):
            assert tasks.monthly_scan()["drafts"] == 0
    with time_machine.travel(datetime(2026, 12, 21, 9, tzinfo=TZ), tick=False):
        assert tasks.monthly_scan()["drafts"] == 0
    successor = InspectionPlan.objects.get(previous=plan)
    assert successor.period == date(2027, 1, 1) and successor.status == ApprovalStatus.DRAFT
    assert successor.devices.count() == plan.devices.count()
    assert InspectionPlan.objects.filter(period=date(2027, 1, 1)).count() == 1


def test_unapproved_plan_is_reminded_once_from_the_first(plan):
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=TZ), tick=False):
        assert tasks.monthly_scan()["not_approved"] == 1
        assert tasks.monthly_scan()["not_approved"] == 0
    assert InspectionReminder.objects.count() == 1
    assert Notification.objects.filter(subject__contains=plan.number).exists()


def test_devices_not_reached_are_reminded_once_at_month_end(approved_plan):
    with time_machine.travel(datetime(2026, 12, 30, 9, tzinfo=TZ), tick=False):
        assert tasks.monthly_scan()["not_reached"] == 0
    with time_machine.travel(datetime(2026, 12, 31, 9, tzinfo=TZ), tick=False):
        assert tasks.monthly_scan()["not_reached"] == 1
        assert tasks.monthly_scan()["not_reached"] == 0
