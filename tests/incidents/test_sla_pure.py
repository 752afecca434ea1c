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
        (Level3.HIGH, Level3.LOW, Priority.P3),
        (Level3.MEDIUM, Level3.MEDIUM, Priority.P3),
        (Level3.LOW, Level3.HIGH, Priority.P3),
        (Level3.MEDIUM, Level3.LOW, Priority.P4),
        (Level3.LOW, Level3.MEDIUM, Priority.P4),  # every new work order's default
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


def test_the_matrix_has_all_nine_cells():
    cells = {(i, u) for i in Level3 for u in Level3}
    assert {priority_for(i, u) for i, u in cells} == set(Priority)
    with pytest.raises(ValueError):
        priority_for("urgent", Level3.HIGH)


def test_a_hold_that_began_before_the_clock_subtracts_only_the_time_inside_it():
    start = datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    # On hold from 09:00 (before the clock started) to 10:30: only 30 min of it count.
    hold = (datetime(2026, 11, 24, 9, 0, tzinfo=SH), datetime(2026, 11, 24, 10, 30, tzinfo=SH))
    assert business_elapsed(
        CAL, start=start, now=datetime(2026, 11, 24, 11, 0, tzinfo=SH), holds=[hold]
    ) == timedelta(minutes=30)


def test_elapsed_never_goes_below_zero():
    start = datetime(2026, 11, 24, 10, 0, tzinfo=SH)
    hold = (datetime(2026, 11, 24, 9, 0, tzinfo=SH), None)  # still on hold
    assert business_elapsed(
        CAL, start=start, now=datetime(2026, 11, 24, 11, 0, tzinfo=SH), holds=[hold]
    ) == timedelta(0)
