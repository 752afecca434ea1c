"""The figures the monthly report got wrong, each built through the services."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents import scans, services
from incidents.metrics import quality_figures, records
from incidents.models import WorkOrder

SH = ZoneInfo("Asia/Shanghai")
NOV = {"start": datetime(2026, 11, 1, tzinfo=SH), "end": datetime(2026, 12, 1, tzinfo=SH)}
pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return time_machine.travel(datetime(2026, 11, day, hour, minute, tzinfo=SH), tick=False)


def test_a_child_closed_with_its_outage_is_not_a_first_contact_resolution(
    file_order, agent, end_user
):
    with at(23, 9):
        outage = file_order(title="三楼网络中断")
        child = file_order(title="我的电脑上不了网")
        services.work_order_set_parent(child=child, parent=outage, actor=agent)
        # The desk closes the child itself, citing the outage, before anyone is dispatched.
        child = services.work_order_resolve(
            work_order=WorkOrder.objects.get(pk=child.pk), actor=agent, resolution="随主单恢复"
        )
        services.work_order_resolve(work_order=outage, actor=agent, resolution="交换机重启")
    assert not WorkOrder.objects.get(pk=child.pk).first_contact_resolution
    figures = quality_figures(**NOV)
    assert (figures.resolved, figures.first_contact) == (2, 1)
    assert list(records("first_contact", **NOV)) == [WorkOrder.objects.get(pk=outage.pk)]


def test_never_answered_and_open_overdue_orders_count_as_misses(file_order, agent, engineer):
    with at(23, 9):
        answered = file_order()
        services.work_order_comment(work_order=answered, actor=agent, body="马上处理")
        file_order()  # nobody ever answers it; response due 11:00, resolution 15:00
        file_order()
    as_of = datetime(2026, 11, 23, 16, 0, tzinfo=SH)
    with at(23, 16):
        figures = quality_figures(**NOV, as_of=as_of)
    # Response: one answered in time, two unanswered past their 11:00 due point.
    assert (figures.responses_due, figures.responded_in_time, figures.response_missed) == (3, 1, 2)
    assert figures.response_rate == round(1 / 3, 4)
    # Resolution: nothing resolved, all three open past 15:00.
    assert (figures.resolutions_due, figures.resolution_missed) == (3, 3)
    assert figures.resolution_attainment == 0.0
    # Before the due points nothing is due yet.
    early = quality_figures(**NOV, as_of=datetime(2026, 11, 23, 10, 0, tzinfo=SH))
    assert (early.responses_due, early.response_missed, early.resolutions_due) == (1, 0, 0)


def test_an_answer_at_the_next_working_morning_after_a_17_30_due_point_is_in_time(
    file_order, agent, django_capture_on_commit_callbacks
):
    with at(23, 15, 30):  # Monday: 2 business hours end at 17:30
        order = file_order()
    assert order.response_due_at == datetime(2026, 11, 23, 17, 30, tzinfo=SH)
    # The scan at 18:00 and at 08:30 sharp: no business time has passed since 17:30.
    for day, hour, minute in ((23, 18, 0), (24, 8, 30)):
        with at(day, hour, minute), django_capture_on_commit_callbacks(execute=True):
            scans.sla_scan()
        assert not WorkOrder.objects.get(pk=order.pk).response_breached
    with at(24, 8, 30):
        services.work_order_comment(
            work_order=WorkOrder.objects.get(pk=order.pk), actor=agent, body="工程师九点到"
        )
    order.refresh_from_db()
    assert order.responded_at is not None and not order.response_breached
    assert quality_figures(**NOV, as_of=order.responded_at).response_attainment == 1.0


def test_the_scan_flags_a_response_due_at_17_30_once_business_time_passes(
    file_order, django_capture_on_commit_callbacks
):
    with at(23, 15, 30):
        order = file_order()
    with at(24, 8, 31), django_capture_on_commit_callbacks(execute=True):
        scans.sla_scan()
    assert WorkOrder.objects.get(pk=order.pk).response_breached


def test_an_answer_one_business_minute_late_is_late(file_order, agent):
    with at(23, 15, 30):
        order = file_order()
    with at(24, 8, 31):
        order = services.work_order_comment(work_order=order, actor=agent, body="来了").work_order
    assert WorkOrder.objects.get(pk=order.pk).response_breached


def test_an_internal_note_is_not_a_response_a_visible_comment_is(file_order, agent):
    with at(23, 9):
        order = file_order()
    with at(23, 9, 10):
        services.work_order_comment(work_order=order, actor=agent, body="查资产台账", internal=True)
    assert WorkOrder.objects.get(pk=order.pk).responded_at is None
    with at(23, 9, 20):
        services.work_order_comment(
            work_order=WorkOrder.objects.get(pk=order.pk), actor=agent, body="已收到"
        )
    assert WorkOrder.objects.get(pk=order.pk).responded_at == datetime(
        2026, 11, 23, 9, 20, tzinfo=SH
    )


def test_a_later_rating_keeps_the_callback_answer_and_the_figure_uses_the_rating(
    file_order, agent, end_user
):
    with at(23, 9):
        order = services.work_order_resolve(
            work_order=file_order(), actor=agent, resolution="电话指导"
        )
        services.callback_record(
            work_order=order, actor=agent, reached=True, satisfaction=2, close=False
        )
        order = services.work_order_rate(
            work_order=WorkOrder.objects.get(pk=order.pk), actor=end_user, rating=5
        )
    order.refresh_from_db()
    assert (order.rating, order.callback_satisfaction) == (5, 2)
    figures = quality_figures(**NOV)
    assert (figures.rated, figures.satisfied, figures.satisfaction) == (1, 1, 5.0)


def test_the_callback_answer_counts_when_the_user_does_not_rate(file_order, agent):
    with at(23, 9):
        order = services.work_order_resolve(
            work_order=file_order(), actor=agent, resolution="电话指导"
        )
        services.callback_record(work_order=order, actor=agent, reached=True, satisfaction=3)
    order.refresh_from_db()
    assert (order.rating, order.callback_satisfaction) == (None, 3)
    figures = quality_figures(**NOV)
    assert (figures.rated, figures.dissatisfied, figures.satisfied_rate) == (1, 1, 0.0)
