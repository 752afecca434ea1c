"""Every count equals the length of its drill list; grouped figures add up to the whole."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents import services
from incidents.metrics import (
    COUNT_KEYS,
    quality_counts,
    quality_figures,
    quality_figures_by,
    records,
)
from incidents.models import WorkOrder

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def built_month(file_order, agent, engineer, end_user, make_person, vip_level):
    vip = make_person(service_level=vip_level, username="vip", name="局长")
    with time_machine.travel(datetime(2026, 10, 31, 23, 50, tzinfo=SH), tick=False):
        file_order(title="十月最后一单")  # the last minutes of October
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=SH), tick=False):
        desk = services.work_order_resolve(work_order=file_order(), actor=agent, resolution="指导")
        services.callback_record(work_order=desk, actor=agent, reached=True, satisfaction=5)
        sent = services.work_order_assign(
            work_order=file_order(requester=vip, actor=agent), actor=agent, assignee=engineer
        )
        services.work_order_start(work_order=sent, actor=engineer)
        file_order()  # never answered
        services.work_order_cancel(work_order=file_order(), actor=end_user, reason="withdrawn")
    with time_machine.travel(datetime(2026, 11, 3, 16, 0, tzinfo=SH), tick=False):
        late = services.work_order_resolve(
            work_order=WorkOrder.objects.get(pk=sent.pk), actor=engineer, resolution="换硬盘"
        )
        services.callback_record(work_order=late, actor=agent, reached=False)
    with time_machine.travel(datetime(2026, 12, 1, 0, 10, tzinfo=SH), tick=False):
        file_order(title="十二月第一单")
    return vip


NOV = {"start": datetime(2026, 11, 1, tzinfo=SH), "end": datetime(2026, 12, 1, tzinfo=SH)}
AS_OF = datetime(2026, 11, 20, 12, 0, tzinfo=SH)


def test_every_count_equals_its_records(built_month, vip_level):
    figures = quality_figures(**NOV, as_of=AS_OF)
    assert figures.received == 3
    for key in COUNT_KEYS:
        assert getattr(figures, key) == records(key, **NOV, as_of=AS_OF).count(), key
    vip_only = quality_figures(**NOV, level=vip_level.pk, as_of=AS_OF)
    assert vip_only.received == 1
    for key in COUNT_KEYS:
        assert (
            getattr(vip_only, key) == records(key, **NOV, level=vip_level.pk, as_of=AS_OF).count()
        ), key
    assert (figures.callbacks, figures.callbacks_reached) == (2, 1)


def test_grouped_figures_add_up_to_the_whole_in_one_query(built_month, django_assert_num_queries):
    start = datetime(2026, 10, 1, tzinfo=SH)
    end = datetime(2027, 1, 1, tzinfo=SH)
    quality_figures(start=start, end=end, as_of=AS_OF)  # warms the calendar
    with django_assert_num_queries(1):
        by_month = quality_figures_by(start=start, end=end, group="month", as_of=AS_OF)
    # Months in Beijing time: 23:50 on 31 October is October, 00:10 on 1 December is December.
    assert {m: f.received for m, f in by_month.items()} == {
        date(2026, 10, 1): 1,
        date(2026, 11, 1): 3,
        date(2026, 12, 1): 1,
    }
    whole = quality_figures(start=start, end=end, as_of=AS_OF)
    for group in ("level", "department"):
        parts = quality_figures_by(start=start, end=end, group=group, as_of=AS_OF)
        total = sum(parts.values(), start=type(whole)())
        assert total == whole, group
    grid = quality_counts(start=start, end=end, by=("month", "level", "department"), as_of=AS_OF)
    assert sum(grid.values(), start=type(whole)()) == whole
