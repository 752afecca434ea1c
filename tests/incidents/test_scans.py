from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from incidents import scans, services
from incidents.choices import NoticeLevel, SlaClock, Status
from incidents.models import SlaNotice, WorkOrder

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(file_order, agent, engineer, supervisor, manager):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        wo = file_order()
        return services.work_order_assign(work_order=wo, actor=agent, assignee=engineer)


def _scan(at, django_capture_on_commit_callbacks):
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        return scans.sla_scan()


def test_warn_then_breach_then_manager_each_exactly_once(
    dispatched, mailoutbox, django_capture_on_commit_callbacks
):
    # Standard level: 2 h response due 11:00 → warn at 10:30, manager at 12:00 → 14:30 (lunch).
    counts = _scan(datetime(2026, 11, 24, 10, 31, tzinfo=SH), django_capture_on_commit_callbacks)
    assert counts["response:warning"] == 1
    assert [m.to[0] for m in mailoutbox if "75%" in m.subject] == ["engineer@example.gov.cn"]
    again = _scan(datetime(2026, 11, 24, 10, 32, tzinfo=SH), django_capture_on_commit_callbacks)
    assert again["response:warning"] == 0
    _scan(datetime(2026, 11, 24, 11, 1, tzinfo=SH), django_capture_on_commit_callbacks)
    wo = WorkOrder.objects.get(pk=dispatched.pk)
    assert wo.response_breached
    assert (
        SlaNotice.objects.filter(
            work_order=wo, clock=SlaClock.RESPONSE, level=NoticeLevel.BREACH
        ).count()
        == 1
    )
    response_breach = str(scans._MESSAGES[NoticeLevel.BREACH] % {"clock": SlaClock.RESPONSE.label})
    breach_mails = [m for m in mailoutbox if response_breach in m.subject]
    assert [m.to[0] for m in breach_mails] == ["supervisor@example.gov.cn"]
    for minute in range(3):
        _scan(
            datetime(2026, 11, 24, 14, 31 + minute, tzinfo=SH), django_capture_on_commit_callbacks
        )
    manager_notices = SlaNotice.objects.filter(
        work_order=wo, clock=SlaClock.RESPONSE, level=NoticeLevel.MANAGER
    )
    assert manager_notices.count() == 1


def test_accept_timer_breaches_after_30_minutes_unconfirmed(
    dispatched, django_capture_on_commit_callbacks
):
    counts = _scan(datetime(2026, 11, 24, 9, 31, tzinfo=SH), django_capture_on_commit_callbacks)
    assert counts["accept:breach"] == 1


def test_dispatch_timer_for_unassigned_orders(
    file_order, supervisor, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        file_order()
    assert (
        _scan(datetime(2026, 11, 24, 9, 5, tzinfo=SH), django_capture_on_commit_callbacks)[
            "dispatch:breach"
        ]
        == 0
    )
    assert (
        _scan(datetime(2026, 11, 24, 9, 11, tzinfo=SH), django_capture_on_commit_callbacks)[
            "dispatch:breach"
        ]
        == 1
    )


def test_on_hold_orders_are_not_escalated(dispatched, engineer, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 11, 24, 9, 10, tzinfo=SH), tick=False):
        wo = services.work_order_start(work_order=dispatched, actor=engineer)
        services.work_order_hold(work_order=wo, actor=engineer, reason="vendor")
    counts = _scan(datetime(2026, 11, 26, 9, 0, tzinfo=SH), django_capture_on_commit_callbacks)
    assert counts["resolution:breach"] == 0


def test_a_second_worker_racing_the_same_notice_sends_nothing(
    dispatched, django_capture_on_commit_callbacks
):
    wo = WorkOrder.objects.get(pk=dispatched.pk)
    rule = next(
        r for r in scans.RULES if r.clock == SlaClock.RESPONSE and r.level == NoticeLevel.WARNING
    )
    now = timezone.now()
    # Both workers read the same due row before either inserted its notice.
    assert scans._claim(rule, [wo], now) == {wo.pk}
    assert scans._claim(rule, [wo], now) == set()
    assert SlaNotice.objects.filter(work_order=wo).count() == 1


def test_a_backlog_is_worked_in_batches(
    file_order, agent, engineer, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        for _ in range(5):
            services.work_order_assign(work_order=file_order(), actor=agent, assignee=engineer)
    with time_machine.travel(datetime(2026, 11, 24, 10, 31, tzinfo=SH), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            counts = scans.sla_scan(batch=2)
        assert counts["response:warning"] == 5
        assert scans.sla_scan(batch=2)["response:warning"] == 0


def test_resolved_orders_close_after_three_working_days_when_the_callback_rule_is_off(
    file_order, agent, django_capture_on_commit_callbacks, settings
):
    settings.ITSM = {**settings.ITSM, "CALLBACK_BEFORE_CLOSE": False}
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False):  # Thursday
        wo = services.work_order_resolve(work_order=file_order(), actor=agent, resolution="ok")
    with time_machine.travel(
        datetime(2026, 11, 30, 10, 0, tzinfo=SH), tick=False
    ):  # Mon: 2 working days
        assert scans.auto_close_scan() == 0
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False):  # Tue: 3
        assert scans.auto_close_scan() == 1
        assert scans.auto_close_scan() == 0
    wo.refresh_from_db()
    assert wo.status == Status.CLOSED and wo.close_reason == "auto"
    assert wo.closed_at - wo.resolved_at >= timedelta(days=4)


def test_a_pile_of_breaches_reaches_a_supervisor_as_one_digest(
    file_order, supervisor, django_capture_on_commit_callbacks
):
    from servicedesk.models import Notification

    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        for _ in range(scans.DIGEST_OVER + 2):
            file_order()
    with time_machine.travel(datetime(2026, 11, 24, 9, 11, tzinfo=SH), tick=False):
        counts = scans.sla_scan()
    assert counts["dispatch:breach"] == scans.DIGEST_OVER + 2
    to_supervisor = Notification.objects.filter(recipient=supervisor)
    assert to_supervisor.count() == 1
    assert str(scans.DIGEST_OVER + 2) in to_supervisor.get().subject


def test_scan_queries_do_not_grow_with_the_number_of_due_orders(
    file_order, supervisor, django_assert_max_num_queries
):
    def overdue(count):
        with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
            for _ in range(count):
                file_order()
        with (
            time_machine.travel(datetime(2026, 11, 24, 9, 11, tzinfo=SH), tick=False),
            django_assert_max_num_queries(200) as captured,
        ):
            assert scans.sla_scan()["dispatch:breach"] == count
        return len(captured.captured_queries)

    assert overdue(15) == overdue(3)


def test_a_run_stops_after_its_time_budget_and_the_next_run_goes_on(
    file_order, agent, engineer, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        for _ in range(5):
            services.work_order_assign(work_order=file_order(), actor=agent, assignee=engineer)
    with time_machine.travel(datetime(2026, 11, 24, 10, 31, tzinfo=SH), tick=False):
        # No time left: each rule still takes one batch, then yields to the next run.
        first = scans.sla_scan(batch=2, time_budget=0)["response:warning"]
        second = scans.sla_scan(batch=2, time_budget=0)["response:warning"]
        rest = scans.sla_scan(batch=2)["response:warning"]
    assert (first, second, rest) == (2, 2, 1)
