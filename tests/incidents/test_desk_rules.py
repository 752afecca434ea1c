"""The customer's desk rules (§3.2 C, §6.3.3): every route to closed passes the callback,
re-dispatch within 10 minutes of a late engineer, remote guidance at most 5 minutes,
each escalated exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from incidents import scans, selectors, services
from incidents.choices import CloseReason, EventKind, NoticeLevel, SlaClock, Status
from incidents.models import SlaNotice, WorkOrder

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _fresh(order):
    return WorkOrder.objects.get(pk=order.pk)


def _awaiting_callback(agent):
    return set(
        selectors.work_order_list(user=agent, queue="resolved_awaiting_callback").values_list(
            "pk", flat=True
        )
    )


@pytest.fixture
def resolved(file_order, agent):
    return services.work_order_resolve(work_order=file_order(), actor=agent, resolution="已处理")


# --- 5. callback is the rule ---------------------------------------------------------


def test_the_users_confirmation_moves_the_order_to_the_callback_queue_not_closed(
    resolved, end_user, agent
):
    order = services.work_order_confirm(work_order=_fresh(resolved), actor=end_user)
    order = _fresh(order)
    assert order.status == Status.RESOLVED and order.confirmed_at is not None
    assert order.pk in _awaiting_callback(agent)
    assert order.events.filter(kind=EventKind.CONFIRMATION, actor=end_user).count() == 1
    with pytest.raises(ValidationError):
        services.work_order_confirm(work_order=order, actor=end_user)  # once is enough
    services.callback_record(work_order=order, actor=agent, reached=True, satisfaction=5)
    order = _fresh(order)
    assert order.status == Status.CLOSED and order.close_reason == CloseReason.CALLBACK


def test_the_desk_cannot_close_before_calling_back(resolved, agent):
    with pytest.raises(ValidationError) as refused:
        services.work_order_close(work_order=_fresh(resolved), actor=agent)
    assert str(services.CALLBACK_FIRST) in str(refused.value)
    assert _fresh(resolved).status == Status.RESOLVED
    # An unanswered call is a callback too: the desk may then close.
    services.callback_record(work_order=_fresh(resolved), actor=agent, reached=False)
    services.work_order_close(work_order=_fresh(resolved), actor=agent)
    assert _fresh(resolved).status == Status.CLOSED


def test_the_close_panel_says_why_until_the_callback(resolved, agent):
    from incidents.actions import actions_for

    available, refused = actions_for(agent, _fresh(resolved))
    assert "close" not in available and "callback" in available
    assert refused["close"] == str(services.CALLBACK_FIRST)


def test_auto_close_moves_an_unanswered_order_to_the_callback_queue_once(
    file_order, agent, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False):  # Thursday
        order = services.work_order_resolve(work_order=file_order(), actor=agent, resolution="ok")
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False):  # 3 days
        assert scans.auto_close_scan() == 1
        assert scans.auto_close_scan() == 0  # exactly once
    order = _fresh(order)
    assert order.status == Status.RESOLVED and order.confirmed_at is not None
    assert order.pk in _awaiting_callback(agent)
    assert order.events.filter(kind=EventKind.CONFIRMATION, data__auto=True).count() == 1


def test_without_the_rule_each_route_closes_as_before(
    file_order, end_user, agent, settings, django_capture_on_commit_callbacks
):
    settings.ITSM = {**settings.ITSM, "CALLBACK_BEFORE_CLOSE": False}
    confirmed = services.work_order_resolve(work_order=file_order(), actor=agent, resolution="ok")
    services.work_order_confirm(work_order=_fresh(confirmed), actor=end_user)
    assert _fresh(confirmed).close_reason == CloseReason.CONFIRMED
    closed = services.work_order_resolve(work_order=file_order(), actor=agent, resolution="ok")
    services.work_order_close(work_order=_fresh(closed), actor=agent)
    assert _fresh(closed).status == Status.CLOSED
    with time_machine.travel(datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False):
        auto = services.work_order_resolve(work_order=file_order(), actor=agent, resolution="ok")
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SH), tick=False):
        assert scans.auto_close_scan() == 1
    assert _fresh(auto).close_reason == CloseReason.AUTO


def test_a_callback_that_finds_it_still_broken_reopens_and_clears_the_confirmation(
    resolved, end_user, agent
):
    services.work_order_confirm(work_order=_fresh(resolved), actor=end_user)
    services.work_order_reopen(work_order=_fresh(resolved), actor=agent, note="回访时仍有问题")
    order = _fresh(resolved)
    assert order.status == Status.REOPENED and order.confirmed_at is None


# --- 6. the desk's time limits -------------------------------------------------------


@pytest.fixture
def dispatched(file_order, agent, engineer, supervisor):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        return services.work_order_assign(work_order=file_order(), actor=agent, assignee=engineer)


def _scan(at, capture):
    with time_machine.travel(at, tick=False), capture(execute=True):
        return scans.sla_scan()


def test_a_late_engineer_starts_the_ten_minute_redispatch_clock_escalated_once(
    dispatched, engineer, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 24, 9, 5, tzinfo=SH), tick=False):
        order = services.work_order_report_late(
            work_order=_fresh(dispatched), actor=engineer, note="堵车，10:30 才能到"
        )
    assert order.redispatch_due_at == datetime(2026, 11, 24, 9, 15, tzinfo=SH)
    assert order.events.filter(kind=EventKind.LATE).count() == 1
    at_due = _scan(datetime(2026, 11, 24, 9, 15, tzinfo=SH), django_capture_on_commit_callbacks)
    assert at_due["redispatch:breach"] == 0  # on the minute is still in time
    late = _scan(datetime(2026, 11, 24, 9, 16, tzinfo=SH), django_capture_on_commit_callbacks)
    assert late["redispatch:breach"] == 1
    again = _scan(datetime(2026, 11, 24, 9, 30, tzinfo=SH), django_capture_on_commit_callbacks)
    assert again["redispatch:breach"] == 0
    assert (
        SlaNotice.objects.filter(clock=SlaClock.REDISPATCH, level=NoticeLevel.BREACH).count() == 1
    )
    label = str(SlaClock.REDISPATCH.label)
    escalated = [m for m in mailoutbox if m.to[0].startswith("supervisor@") and label in m.subject]
    assert len(escalated) == 1


def test_a_redispatch_in_time_stops_the_clock(
    dispatched, engineer, agent, make_person, django_capture_on_commit_callbacks
):
    from servicedesk.choices import Role

    other = make_person(Role.ENGINEER, username="engineer2")
    with time_machine.travel(datetime(2026, 11, 24, 9, 5, tzinfo=SH), tick=False):
        services.work_order_report_late(work_order=_fresh(dispatched), actor=engineer, note="病假")
    with time_machine.travel(datetime(2026, 11, 24, 9, 12, tzinfo=SH), tick=False):
        order = services.work_order_assign(
            work_order=_fresh(dispatched), actor=agent, assignee=other
        )
    assert order.redispatch_due_at is None
    late = _scan(datetime(2026, 11, 24, 9, 30, tzinfo=SH), django_capture_on_commit_callbacks)
    assert late["redispatch:breach"] == 0


def test_only_a_dispatched_order_can_be_reported_late(file_order, engineer, agent):
    order = file_order()
    with pytest.raises(ValidationError):
        services.work_order_report_late(work_order=order, actor=agent, note="x")


def test_remote_guidance_is_measured_and_escalated_once_past_five_minutes(
    file_order, agent, supervisor, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        order = file_order()
        services.work_order_guidance_start(work_order=order, actor=agent)
    assert _fresh(order).guidance_due_at == datetime(2026, 11, 24, 9, 5, tzinfo=SH)
    counts = _scan(datetime(2026, 11, 24, 9, 6, tzinfo=SH), django_capture_on_commit_callbacks)
    assert counts["guidance:breach"] == 1
    counts = _scan(datetime(2026, 11, 24, 9, 7, tzinfo=SH), django_capture_on_commit_callbacks)
    assert counts["guidance:breach"] == 0
    with time_machine.travel(datetime(2026, 11, 24, 9, 7, 30, tzinfo=SH), tick=False):
        services.work_order_resolve(work_order=_fresh(order), actor=agent, resolution="远程指导")
    order = _fresh(order)
    assert order.guidance_seconds == 450 and order.first_contact_resolution


def test_a_dispatch_ends_the_guidance_clock(
    file_order, agent, engineer, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        order = file_order()
        services.work_order_guidance_start(work_order=order, actor=agent)
    with time_machine.travel(datetime(2026, 11, 24, 9, 4, tzinfo=SH), tick=False):
        services.work_order_assign(work_order=_fresh(order), actor=agent, assignee=engineer)
    assert _fresh(order).guidance_seconds == 240
    counts = _scan(datetime(2026, 11, 24, 9, 10, tzinfo=SH), django_capture_on_commit_callbacks)
    assert counts["guidance:breach"] == 0


def test_resolved_on_the_call_is_a_measured_first_contact_resolution(end_user, agent):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        started = datetime(2026, 11, 24, 8, 57, tzinfo=SH)
        order = services.work_order_resolve_on_call(
            actor=agent,
            requester=end_user,
            title="Outlook 无法发送",
            resolution="指导用户重新登录",
            call_started_at=started,
        )
    order = _fresh(order)
    assert order.status == Status.RESOLVED and order.first_contact_resolution
    assert order.channel == "phone" and order.guidance_seconds == 180
    assert order.created_at == started


def test_a_call_start_from_yesterday_is_not_believed(end_user, agent):
    order = services.work_order_resolve_on_call(
        actor=agent,
        requester=end_user,
        title="Outlook 无法发送",
        resolution="指导用户重新登录",
        call_started_at=datetime(2020, 1, 1, tzinfo=SH),
    )
    assert _fresh(order).guidance_seconds < 60
    assert datetime.now(SH) - _fresh(order).created_at < timedelta(minutes=1)


def test_the_engineer_reports_late_from_the_page_and_the_desk_sees_the_clock(
    client, file_order, agent, engineer
):
    from django.urls import reverse

    order = services.work_order_assign(work_order=file_order(), actor=agent, assignee=engineer)
    client.force_login(engineer)
    detail = reverse("incidents:detail", args=[order.number])
    assert 'data-bs-target="#act-late"' in client.get(detail).content.decode()
    response = client.post(
        reverse("incidents:act", args=[order.number, "late"]),
        {"lock_version": order.lock_version, "late-note": "车坏了，无法前往"},
    )
    assert response.status_code == 302
    client.force_login(agent)
    page = client.get(detail).content.decode()
    assert 'data-clock="redispatch"' in page


def test_the_desk_starts_remote_guidance_from_the_page(client, file_order, agent):
    from django.urls import reverse

    order = file_order()
    client.force_login(agent)
    response = client.post(
        reverse("incidents:act", args=[order.number, "guidance"]),
        {"lock_version": order.lock_version},
    )
    assert response.status_code == 302
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert 'data-clock="guidance"' in page and 'data-bs-target="#act-guidance"' not in page
