"""Make-up working days (调休上班) follow the hours of one configured weekday."""

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from servicedesk.business_time import BusinessCalendar

SH = ZoneInfo("Asia/Shanghai")
MONDAY = ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
FRIDAY = ((time(8, 30), time(12, 0)),)  # a half day
SATURDAY_MAKEUP = date(2026, 2, 14)


def _calendar(**kwargs):
    weekly = {0: MONDAY, 1: MONDAY, 2: MONDAY, 3: MONDAY, 4: FRIDAY}
    return BusinessCalendar(tz=SH, weekly=weekly, workdays={SATURDAY_MAKEUP}, **kwargs)


def test_a_makeup_day_uses_mondays_hours_by_default():
    assert _calendar().periods_on(SATURDAY_MAKEUP) == MONDAY


def test_a_makeup_day_can_follow_another_weekday():
    assert _calendar(makeup_weekday=4).periods_on(SATURDAY_MAKEUP) == FRIDAY


@pytest.mark.parametrize("weekday", [-1, 7, 10])
def test_makeup_weekday_outside_monday_to_sunday_is_refused(weekday):
    with pytest.raises(ValueError, match="makeup_weekday"):
        _calendar(makeup_weekday=weekday)


@pytest.mark.parametrize("weekday", [0, 6])
def test_makeup_weekday_bounds_are_accepted(weekday):
    assert _calendar(makeup_weekday=weekday).makeup_weekday == weekday
