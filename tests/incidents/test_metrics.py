from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents import services
from incidents.metrics import quality_figures

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def test_quality_figures_for_a_month(file_order, agent, engineer, end_user):
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        at_desk = services.work_order_resolve(
            work_order=file_order(), actor=agent, resolution="电话指导"
        )
        dispatched = services.work_order_assign(
            work_order=file_order(), actor=agent, assignee=engineer
        )
        services.work_order_start(work_order=dispatched, actor=engineer)
        file_order()  # still new: received, not responded
        services.work_order_cancel(work_order=file_order(), actor=end_user, reason="withdrawn")
    with time_machine.travel(
        datetime(2026, 11, 24, 16, 0, tzinfo=SH), tick=False
    ):  # after the 14:30 due
        late = services.work_order_resolve(
            work_order=dispatched, actor=engineer, resolution="更换硒鼓"
        )
        services.callback_record(work_order=at_desk, actor=agent, reached=True, satisfaction=5)
        services.callback_record(work_order=late, actor=agent, reached=True, satisfaction=3)
    figures = quality_figures(
        start=datetime(2026, 11, 1, tzinfo=SH),
        end=datetime(2026, 12, 1, tzinfo=SH),
        as_of=datetime(2026, 11, 24, 16, 0, tzinfo=SH),
    )
    assert figures.received == 3  # the cancelled one does not count
    assert figures.responded == 2
    # The unanswered one was due at 11:00: a miss, not left out.
    assert figures.response_rate == round(2 / 3, 4)
    assert figures.resolved == 2
    # One in time, one late, and the unanswered one open past its 13:30 due point.
    assert figures.resolution_attainment == round(1 / 3, 4)
    assert figures.first_contact_rate == 0.5
    assert figures.satisfaction == 4.0
    assert figures.satisfied_rate == 0.5
    assert (figures.callbacks, figures.callbacks_reached) == (2, 2)
    assert figures.dispatch_attainment == 1.0


def test_empty_period_has_no_ratios():
    figures = quality_figures(
        start=datetime(2020, 1, 1, tzinfo=SH), end=datetime(2020, 2, 1, tzinfo=SH)
    )
    assert figures.received == 0 and figures.response_rate is None and figures.satisfaction is None
