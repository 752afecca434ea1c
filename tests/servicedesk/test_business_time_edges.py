"""Edges of the business calendar that mutation testing showed untested: the messages
that name the bad argument, period ends, and calendars with gaps."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from servicedesk.business_time import BusinessCalendar, default_weekly

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar(tz=SH, weekly=default_weekly())
TUESDAY_NOON = datetime(2026, 11, 24, 12, 0, tzinfo=SH)
NAIVE = datetime(2026, 11, 24, 9, 0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: CAL.is_business_time(NAIVE), "instant"),
        (lambda: CAL.next_business_instant(NAIVE), "instant"),
        (lambda: CAL.add(NAIVE, timedelta(hours=1)), "start"),
        (lambda: CAL.between(NAIVE, TUESDAY_NOON), "start"),
        (lambda: CAL.between(TUESDAY_NOON, NAIVE), "end"),
    ],
)
def test_a_naive_datetime_is_refused_naming_the_argument(call, name):
    with pytest.raises(TypeError, match=rf"^{name} must be timezone-aware"):
        call()


def test_a_non_datetime_is_refused_naming_its_type():
    with pytest.raises(TypeError, match=r"^instant must be a datetime, got str"):
        CAL.is_business_time("2026-11-24 09:00")


def test_the_end_of_a_period_is_not_business_time_and_work_resumes_after_lunch():
    assert not CAL.is_business_time(TUESDAY_NOON)
    assert CAL.is_business_time(TUESDAY_NOON - timedelta(seconds=1))
    assert CAL.next_business_instant(TUESDAY_NOON) == datetime(2026, 11, 24, 13, 30, tzinfo=SH)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekly": {7: ((time(9), time(10)),)}}, r"^weekday must be 0\.\.6, got 7$"),
        ({"weekly": {0: ((time(10), time(9)),)}}, r"^period start must be before end"),
        (
            {"weekly": {0: ((time(9), time(11)), (time(10), time(12)))}},
            r"^periods on weekday 0 must be sorted and disjoint$",
        ),
        ({"weekly": {0: ((time(9), time(10)),)}, "makeup_weekday": 9}, r"^makeup_weekday"),
    ],
)
def test_bad_calendars_are_refused_with_a_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(tz=SH, **kwargs)


def test_a_makeup_day_whose_weekday_has_no_hours_has_no_periods():
    calendar = BusinessCalendar(
        tz=SH, weekly={0: ((time(9), time(17)),)}, workdays={date(2026, 2, 14)}, makeup_weekday=3
    )
    assert calendar.periods_on(date(2026, 2, 14)) == ()
    assert calendar.is_working_day(date(2026, 2, 14)) is False


def test_the_weekly_hours_are_kept_frozen_on_the_calendar():
    assert CAL.weekly[0] == default_weekly()[0]
    assert isinstance(CAL.weekly[0], tuple)


MONDAY_ONLY = BusinessCalendar(tz=SH, weekly={0: ((time(9), time(17)),)})
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def test_a_calendar_without_any_hours_says_so():
    with pytest.raises(ValueError, match="^calendar has no working periods at all$"):
        BusinessCalendar(tz=SH, weekly={}).next_business_instant(MONDAY)


def test_the_idle_day_limit_counts_exactly(monkeypatch):
    # From Monday evening: Monday itself and Tuesday…Sunday have no time left (7 idle days).
    evening = MONDAY.replace(hour=18)
    monkeypatch.setattr("servicedesk.business_time.MAX_IDLE_DAYS", 7)
    assert MONDAY_ONLY.next_business_instant(evening) == MONDAY + timedelta(days=7)
    monkeypatch.setattr("servicedesk.business_time.MAX_IDLE_DAYS", 6)
    with pytest.raises(ValueError, match="no business time within 6 days"):
        MONDAY_ONLY.next_business_instant(evening)


def test_the_idle_count_starts_again_after_each_working_day(monkeypatch):
    # Two Mondays of 8 h: between them Tuesday…Sunday, six idle days, within a limit of 6.
    monkeypatch.setattr("servicedesk.business_time.MAX_IDLE_DAYS", 6)
    end = MONDAY_ONLY.add(MONDAY, timedelta(hours=16))
    assert end == MONDAY + timedelta(days=7, hours=8)
