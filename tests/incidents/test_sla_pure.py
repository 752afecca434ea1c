from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidents.choices import Level3, Priority
from incidents.priority import priority_for
from incidents.sla import business_elapsed, clock_thresholds
from servicedesk.business_time import BusinessCalendar, default_weekly

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar(tz=SH, weekly=default_weekly())


@pytest.mark.parametrize(
    ("impact", "urgency", "expected"),
    [
        (Level3.HIGH, Level3.HIGH, Priority.P1),
        (Level3.HIGH, Level3.MEDIUM, Priority.P2),
        (Level3.MEDIUM, Level3.HIGH, Priority.P2),
        (Level3.MEDIUM, Level3.MEDIUM, Priority.P3),
        (Level3.LOW, Level3.HIGH, Priority.P3),
        (Level3.LOW, Level3.LOW, Priority.P4),
    ],
)
def test_priority_matrix(impact, urgency, expected):
    assert priority_for(impact, urgency) == expected


def test_thresholds_at_75_100_150_percent_of_business_time():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=SH)  # Tuesday
    t = clock_thresholds(CAL, start=start, target=timedelta(hours=4))
    assert t.warn_at == datetime(2026, 11, 24, 12, 0, tzinfo=SH)  # 3 h: the whole morning
    assert t.due_at == datetime(2026, 11, 24, 14, 30, tzinfo=SH)  # lunch does not count
    assert t.escalate_at == datetime(2026, 11, 24, 16, 30, tzinfo=SH)  # 6 h


def test_open_hold_stops_the_clock():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=SH)
    t = clock_thresholds(
        CAL, start=start, target=timedelta(hours=4), holds=[(start + timedelta(hours=1), None)]
    )
    assert (t.warn_at, t.due_at, t.escalate_at) == (None, None, None)


def test_closed_hold_pushes_due_by_its_business_time():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=SH)
    hold = (
        datetime(2026, 11, 24, 10, 0, tzinfo=SH),
        datetime(2026, 11, 24, 14, 0, tzinfo=SH),
    )  # 2.5 h business
    t = clock_thresholds(CAL, start=start, target=timedelta(hours=4), holds=[hold])
    assert t.due_at == datetime(2026, 11, 24, 17, 0, tzinfo=SH)  # 6.5 h of business time


def test_elapsed_excludes_holds():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=SH)
    hold = (datetime(2026, 11, 24, 10, 0, tzinfo=SH), datetime(2026, 11, 24, 11, 0, tzinfo=SH))
    assert business_elapsed(
        CAL, start=start, now=start + timedelta(hours=3), holds=[hold]
    ) == timedelta(hours=2)
