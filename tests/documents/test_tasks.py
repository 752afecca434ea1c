"""The daily document reminders task: thin over the idempotent scans."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from documents import services, tasks
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_reminders_task_sends_each_reminder_once(make_document, engineer, approver, agent):
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        document = make_document("A01", check_interval_months=1)
        loan = services.borrow_apply(
            document=document, actor=engineer, purpose="x", due_on=date(2026, 12, 2)
        )
        services.application_approve(application=loan, actor=approver)
        services.borrow_lend(application=loan, actor=agent)
    Notification.objects.all().delete()
    with time_machine.travel(datetime(2027, 1, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        assert tasks.document_reminders.delay().get() == {
            "overdue_loans": 1,
            "checks_due": 1,
            "handins": {"reminded": 0, "late": 0},
        }
        assert tasks.document_reminders.delay().get() == {
            "overdue_loans": 0,
            "checks_due": 0,
            "handins": {"reminded": 0, "late": 0},
        }
    assert Notification.objects.filter(recipient=engineer).count() == 1  # the borrower
    assert Notification.objects.filter(recipient=agent).count() == 2  # keeper: loan and check
