"""The business calendar as stored in the database (pure arithmetic: test_business_time.py)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from servicedesk.calendar import business_calendar, holidays_sync
from servicedesk.choices import CalendarDayKind, CalendarDaySource
from servicedesk.models import CalendarDay, WorkingPeriod

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar_2026_2027(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        holidays_sync(years=[2026, 2027])


def test_default_hours_are_a_chinese_office_day_with_lunch():
    periods = [(p.weekday, p.start, p.end) for p in WorkingPeriod.objects.all()]
    assert (0, time(8, 30), time(12, 0)) in periods
    assert (4, time(13, 30), time(17, 30)) in periods
    assert not [p for p in periods if p[0] >= 5]


def test_national_day_2026_is_off_and_make_up_sundays_work(calendar_2026_2027):
    cal = business_calendar()
    for day in range(1, 8):
        assert not cal.is_working_day(date(2026, 10, day)), day
    assert cal.is_working_day(date(2026, 9, 20))  # Sunday, 调休上班
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday, 调休上班
    # 4 h from Wednesday 30 Sep 16:00: 1.5 h that day, 2.5 h on Thursday 8 Oct.
    due = cal.add(datetime(2026, 9, 30, 16, 0, tzinfo=SH), timedelta(hours=4))
    assert due == datetime(2026, 10, 8, 11, 0, tzinfo=SH)


def test_spring_festival_2027_is_off(calendar_2026_2027):
    cal = business_calendar()
    for day in range(5, 11):
        assert not cal.is_working_day(date(2027, 2, day)), day
    due = cal.add(datetime(2027, 2, 4, 17, 0, tzinfo=SH), timedelta(hours=1))
    assert due == datetime(2027, 2, 11, 9, 0, tzinfo=SH)


def test_admin_override_wins_and_survives_the_next_sync(
    calendar_2026_2027, django_capture_on_commit_callbacks
):
    # The State Council announces an extra day off that the package does not know.
    with django_capture_on_commit_callbacks(execute=True):
        CalendarDay.objects.create(
            date=date(2027, 2, 11), kind=CalendarDayKind.HOLIDAY, name="春节调整"
        )
    assert not business_calendar().is_working_day(date(2027, 2, 11))
    # …and corrects a package day to a working day.
    with django_capture_on_commit_callbacks(execute=True):
        row = CalendarDay.objects.get(date=date(2027, 2, 10))
        row.kind, row.source = CalendarDayKind.WORKDAY, CalendarDaySource.MANUAL
        row.save()
        holidays_sync(years=[2027])
    assert CalendarDay.objects.get(date=date(2027, 2, 10)).kind == CalendarDayKind.WORKDAY
    assert CalendarDay.objects.filter(date=date(2027, 2, 11)).exists()
    cal = business_calendar()
    assert cal.is_working_day(date(2027, 2, 10))
    assert not cal.is_working_day(date(2027, 2, 11))


def test_sync_is_idempotent(calendar_2026_2027):
    assert holidays_sync(years=[2026, 2027]) == {"created": 0, "updated": 0, "deleted": 0}


def test_changed_working_hours_reach_the_calendar(django_capture_on_commit_callbacks):
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=SH)
    assert not business_calendar().is_business_time(friday_evening)
    with django_capture_on_commit_callbacks(execute=True):
        WorkingPeriod.objects.create(weekday=4, start=time(17, 30), end=time(20, 0))
    assert business_calendar().is_business_time(friday_evening)


def test_friday_after_hours_rolls_to_monday():
    cal = business_calendar()
    due = cal.add(datetime(2026, 11, 27, 18, 30, tzinfo=SH), timedelta(hours=1))
    assert due == datetime(2026, 11, 30, 9, 30, tzinfo=SH)


def test_calendar_is_stored_in_utc_and_works_from_utc_input():
    cal = business_calendar()
    due = cal.add(datetime(2026, 11, 24, 3, 0, tzinfo=ZoneInfo("UTC")), timedelta(hours=2))
    # 03:00 UTC is 11:00 Shanghai; one hour before lunch, one after.
    assert due == datetime(2026, 11, 24, 14, 30, tzinfo=SH)


def test_overlapping_period_is_refused_with_a_clear_message():
    from django.core.exceptions import ValidationError

    period = WorkingPeriod(weekday=0, start=time(11, 0), end=time(12, 30))
    with pytest.raises(ValidationError, match="重叠"):
        period.full_clean()
