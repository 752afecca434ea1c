"""Unit tests for servicedesk.business_time (pure Python, no database)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from servicedesk.business_time import (
    MAX_IDLE_DAYS,
    BusinessCalendar,
    default_weekly,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")

# Official 2026 schedule (国办发明电〔2025〕7号), autumn part: 中秋 25–27 Sep, 国庆 1–7 Oct,
# make-up working days Sun 20 Sep and Sat 10 Oct.
# Spring Festival 2027 as briefed (Fri 5 Feb – Wed 10 Feb off); the 2027 State Council
# notice was not published when this was written, so no 2027 make-up days are listed.
CN_HOLIDAYS = frozenset(
    {
        date(2026, 9, 25),
        date(2026, 9, 26),
        date(2026, 9, 27),
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 3),
        date(2026, 10, 4),
        date(2026, 10, 5),
        date(2026, 10, 6),
        date(2026, 10, 7),
        date(2027, 2, 5),
        date(2027, 2, 6),
        date(2027, 2, 7),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),
    }
)
CN_WORKDAYS = frozenset({date(2026, 9, 20), date(2026, 10, 10)})

MORNING = (time(8, 30), time(12, 0))
AFTERNOON = (time(13, 30), time(17, 30))


def sh(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def cal():
    return BusinessCalendar(
        tz=SHANGHAI, weekly=default_weekly(), holidays=CN_HOLIDAYS, workdays=CN_WORKDAYS
    )


def hours(h):
    return timedelta(hours=h)


def test_literal_dates_fall_on_the_weekdays_the_tests_assume():
    assert date(2026, 9, 20).weekday() == 6
    assert date(2026, 9, 30).weekday() == 2
    assert date(2026, 10, 1).weekday() == 3
    assert date(2026, 10, 7).weekday() == 2
    assert date(2026, 10, 10).weekday() == 5
    assert date(2027, 2, 4).weekday() == 3
    assert date(2027, 2, 5).weekday() == 4
    assert date(2027, 2, 11).weekday() == 3


def test_default_weekly_is_weekdays_with_a_lunch_break_and_no_weekend():
    weekly = default_weekly()
    for weekday in range(5):
        assert weekly[weekday] == (MORNING, AFTERNOON)
    assert weekly.get(5, ()) == ()
    assert weekly.get(6, ()) == ()


def test_holiday_has_no_periods_and_makeup_sunday_uses_monday_periods(cal):
    assert cal.periods_on(date(2026, 10, 1)) == ()
    assert cal.periods_on(date(2026, 9, 19)) == ()  # ordinary Saturday
    assert cal.periods_on(date(2026, 9, 20)) == (MORNING, AFTERNOON)
    assert cal.is_working_day(date(2026, 10, 10))
    assert not cal.is_working_day(date(2026, 10, 11))


def test_date_listed_as_both_holiday_and_workday_is_a_workday():
    day = date(2026, 9, 20)
    both = BusinessCalendar(
        tz=SHANGHAI, weekly=default_weekly(), holidays={day}, workdays=frozenset({day})
    )
    assert both.is_working_day(day)


def test_makeup_day_uses_the_configured_weekday_periods():
    weekly = default_weekly() | {4: (MORNING,)}  # short Friday
    friday_rules = BusinessCalendar(
        tz=SHANGHAI, weekly=weekly, workdays=CN_WORKDAYS, makeup_weekday=4
    )
    assert friday_rules.periods_on(date(2026, 9, 20)) == (MORNING,)


def test_resolution_target_skips_national_day_golden_week(cal):
    assert cal.add(sh(2026, 9, 30, 16), hours(4)) == sh(2026, 10, 8, 11)
    assert cal.between(sh(2026, 9, 30, 16), sh(2026, 10, 8, 11)) == hours(4)


def test_clock_started_saturday_evening_runs_on_makeup_sunday(cal):
    assert cal.next_business_instant(sh(2026, 9, 19, 20)) == sh(2026, 9, 20, 8, 30)
    assert cal.add(sh(2026, 9, 19, 20), hours(2)) == sh(2026, 9, 20, 10, 30)


def test_clock_runs_on_makeup_saturday_after_national_day(cal):
    assert cal.add(sh(2026, 10, 9, 17), hours(1)) == sh(2026, 10, 10, 9)
    assert cal.add(sh(2026, 10, 10, 17), hours(1)) == sh(2026, 10, 12, 9)


def test_mid_autumn_friday_and_weekend_are_skipped(cal):
    assert cal.add(sh(2026, 9, 24, 17), hours(1)) == sh(2026, 9, 28, 9)


def test_between_across_national_day_counts_only_working_days(cal):
    # 8 Oct full day (7.5h) + 9 Oct 08:30–09:00 (0.5h).
    assert cal.between(sh(2026, 10, 1, 9), sh(2026, 10, 9, 9)) == hours(8)
    assert cal.between(sh(2026, 10, 1, 9), sh(2026, 10, 7, 23)) == timedelta(0)


def test_between_over_five_weeks_applies_holidays_and_makeup_days(cal):
    # 25 weekdays − 6 weekday holidays + 2 make-up days = 21 days of 7.5h.
    assert cal.between(sh(2026, 9, 14), sh(2026, 10, 19)) == hours(21 * 7.5)


def test_spring_festival_response_due_after_the_break(cal):
    assert cal.add(sh(2027, 2, 4, 17), hours(1)) == sh(2027, 2, 11, 9)


def test_lunch_break_is_not_business_time():
    cal = BusinessCalendar(tz=SHANGHAI, weekly=default_weekly())
    tuesday = (2026, 9, 15)
    assert cal.add(sh(*tuesday, 11), hours(2)) == sh(*tuesday, 14, 30)
    assert not cal.is_business_time(sh(*tuesday, 12, 30))
    assert cal.next_business_instant(sh(*tuesday, 12, 30)) == sh(*tuesday, 13, 30)
    assert cal.between(sh(*tuesday, 11, 30), sh(*tuesday, 14)) == hours(1)


def test_periods_are_half_open_start_included_end_excluded(cal):
    assert cal.is_business_time(sh(2026, 9, 15, 8, 30))
    assert cal.is_business_time(sh(2026, 9, 15, 17, 29))
    assert not cal.is_business_time(sh(2026, 9, 15, 12))
    assert not cal.is_business_time(sh(2026, 9, 15, 17, 30))
    assert cal.next_business_instant(sh(2026, 9, 15, 12)) == sh(2026, 9, 15, 13, 30)
    assert cal.next_business_instant(sh(2026, 9, 15, 17, 30)) == sh(2026, 9, 16, 8, 30)


def test_friday_after_hours_clock_starts_monday_morning(cal):
    assert cal.add(sh(2026, 9, 11, 18, 30), hours(1)) == sh(2026, 9, 14, 9, 30)
    assert cal.add(sh(2026, 9, 11, 17), hours(1)) == sh(2026, 9, 14, 9)


def test_delta_used_up_at_period_end_returns_that_end_not_next_period(cal):
    assert cal.add(sh(2026, 9, 15, 8, 30), hours(3.5)) == sh(2026, 9, 15, 12)
    assert cal.add(sh(2026, 9, 15, 13, 30), hours(4)) == sh(2026, 9, 15, 17, 30)
    assert cal.add(sh(2026, 9, 30, 8, 30), hours(7.5)) == sh(2026, 9, 30, 17, 30)


def test_zero_delta_returns_start_unchanged_even_outside_business_time(cal):
    start = sh(2026, 9, 19, 20)
    assert cal.add(start, timedelta(0)) is start


def test_negative_delta_is_rejected(cal):
    with pytest.raises(ValueError, match="negative"):
        cal.add(sh(2026, 9, 15, 9), -hours(1))


def test_between_with_end_not_after_start_is_zero(cal):
    assert cal.between(sh(2026, 9, 15, 10), sh(2026, 9, 15, 10)) == timedelta(0)
    assert cal.between(sh(2026, 9, 15, 11), sh(2026, 9, 15, 10)) == timedelta(0)


@pytest.mark.parametrize(
    "start",
    [
        sh(2026, 9, 15, 8, 30),
        sh(2026, 9, 15, 11, 59),
        sh(2026, 9, 15, 12, 30),  # lunch
        sh(2026, 9, 18, 17, 45),  # Friday after hours; next work is makeup Sunday
        sh(2026, 9, 20, 10),  # makeup Sunday
        sh(2026, 9, 30, 16),
        sh(2026, 10, 3, 10),  # holiday
        sh(2027, 2, 4, 17),
        datetime(2026, 9, 30, 8, 0, tzinfo=UTC),
    ],
)
@pytest.mark.parametrize(
    "delta",
    [
        timedelta(0),
        timedelta(minutes=1),
        timedelta(minutes=30),
        hours(1),
        hours(3.5),
        hours(4),
        hours(7.5),
        hours(40),
        timedelta(hours=123, minutes=7, seconds=11),
    ],
)
def test_between_inverts_add(cal, start, delta):
    end = cal.add(start, delta)
    assert cal.between(start, end) == delta
    assert cal.between(cal.next_business_instant(start), end) == delta
    assert end.tzinfo is SHANGHAI or delta == timedelta(0)


@pytest.mark.parametrize(
    "call",
    [
        lambda cal, naive: cal.is_business_time(naive),
        lambda cal, naive: cal.next_business_instant(naive),
        lambda cal, naive: cal.add(naive, hours(1)),
        lambda cal, naive: cal.add(naive, timedelta(0)),
        lambda cal, naive: cal.between(naive, sh(2026, 9, 16)),
        lambda cal, naive: cal.between(sh(2026, 9, 14), naive),
    ],
)
def test_naive_datetimes_are_rejected(cal, call):
    with pytest.raises(TypeError, match="timezone-aware"):
        call(cal, datetime(2026, 9, 15, 9))


def test_date_instead_of_datetime_is_rejected(cal):
    with pytest.raises(TypeError, match="must be a datetime"):
        cal.is_business_time(date(2026, 9, 15))


def test_calendar_without_working_time_raises_instead_of_looping():
    empty = BusinessCalendar(tz=SHANGHAI, weekly={})
    with pytest.raises(ValueError, match="no working periods"):
        empty.add(sh(2026, 9, 15, 9), hours(1))
    with pytest.raises(ValueError, match="no working periods"):
        empty.next_business_instant(sh(2026, 9, 15, 9))
    assert not empty.is_business_time(sh(2026, 9, 15, 9))
    assert empty.between(sh(2026, 1, 1), sh(2027, 1, 1)) == timedelta(0)


def test_search_gives_up_after_ten_years_of_holidays():
    first = date(2026, 1, 1)
    all_off = frozenset(first + timedelta(days=i) for i in range(MAX_IDLE_DAYS + 10))
    cal = BusinessCalendar(tz=SHANGHAI, weekly=default_weekly(), holidays=all_off)
    with pytest.raises(ValueError, match="no business time within"):
        cal.add(sh(2026, 1, 1, 9), hours(1))


def test_long_delta_is_not_limited_by_the_idle_day_cap():
    cal = BusinessCalendar(tz=SHANGHAI, weekly=default_weekly())
    # 2026 has 261 weekdays; the last work period of the year ends Thu 31 Dec 17:30.
    year = hours(261 * 7.5)
    assert cal.between(sh(2026, 1, 1), sh(2027, 1, 1)) == year
    assert cal.add(sh(2026, 1, 1), year) == sh(2026, 12, 31, 17, 30)
    assert cal.add(sh(2026, 1, 1), hours(11 * 261 * 7.5)) > sh(2036, 12, 1)


def test_between_over_a_year_walks_days_not_minutes(cal, monkeypatch):
    calls = []
    original = BusinessCalendar.periods_on

    def counting(self, day):
        calls.append(day)
        return original(self, day)

    monkeypatch.setattr(BusinessCalendar, "periods_on", counting)
    cal.between(sh(2026, 1, 1), sh(2027, 1, 1))
    assert len(calls) <= 366


def test_utc_input_is_converted_to_local_time(cal):
    start = datetime(2026, 9, 30, 8, 0, tzinfo=UTC)  # 16:00 in Shanghai
    assert cal.is_business_time(start)
    assert cal.next_business_instant(start) == sh(2026, 9, 30, 16)
    assert cal.next_business_instant(start).tzinfo is SHANGHAI
    due = cal.add(start, hours(4))
    assert due == datetime(2026, 10, 8, 3, 0, tzinfo=UTC)
    assert (due.tzinfo, due.hour, due.minute) == (SHANGHAI, 11, 0)
    # 09:45Z is 17:45 local: after hours even though 09:45 looks like office time.
    assert not cal.is_business_time(datetime(2026, 9, 30, 9, 45, tzinfo=UTC))


def test_durations_are_real_elapsed_time_across_dst_changes():
    # Sunday-only 01:00–04:00 in Berlin; clocks spring forward 29 Mar 2026, fall back 25 Oct.
    cal = BusinessCalendar(tz=BERLIN, weekly={6: ((time(1), time(4)),)})
    spring = datetime(2026, 3, 29, tzinfo=BERLIN)
    autumn = datetime(2026, 10, 25, tzinfo=BERLIN)
    assert cal.between(spring, spring + timedelta(days=1)) == hours(2)
    assert cal.between(autumn, autumn + timedelta(days=1)) == hours(4)
    assert cal.add(spring.replace(hour=1), hours(2)) == spring.replace(hour=4)
    assert cal.add(autumn.replace(hour=1), hours(4)) == autumn.replace(hour=4)


@pytest.mark.parametrize(
    "weekly",
    [
        {0: ((time(12), time(8, 30)),)},
        {0: ((time(9), time(9)),)},
        {0: ((time(8, 30), time(12)), (time(11), time(17)))},
        {0: (AFTERNOON, MORNING)},
        {7: (MORNING,)},
    ],
)
def test_malformed_weekly_schedule_is_rejected(weekly):
    with pytest.raises(ValueError):
        BusinessCalendar(tz=SHANGHAI, weekly=weekly)


def test_literal_calendar_matches_the_holidays_package():
    holidays = pytest.importorskip("holidays")
    cn = holidays.China(years=(2026, 2027))
    from_package = BusinessCalendar(
        tz=SHANGHAI,
        weekly=default_weekly(),
        holidays=frozenset(cn),
        workdays=frozenset(cn.weekend_workdays),
    )
    literal = BusinessCalendar(
        tz=SHANGHAI, weekly=default_weekly(), holidays=CN_HOLIDAYS, workdays=CN_WORKDAYS
    )
    windows = [(date(2026, 9, 14), 35), (date(2027, 1, 25), 25)]
    for first, length in windows:
        for offset in range(length):
            day = first + timedelta(days=offset)
            assert literal.is_working_day(day) == from_package.is_working_day(day), day
