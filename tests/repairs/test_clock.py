"""Due dates over the real 2026 calendar around National Day (holidays and make-up days)."""

from datetime import date

import pytest

from repairs import clock
from repairs.services import repair_due_dates
from servicedesk.calendar import business_calendar
from servicedesk.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_the_calendar_data_has_national_day_2026_and_its_make_up_days(calendar_2026):
    workdays = set(CalendarDay.objects.filter(kind="workday").values_list("date", flat=True))
    holidays = set(CalendarDay.objects.filter(kind="holiday").values_list("date", flat=True))
    assert {date(2026, 9, 20), date(2026, 10, 10)} <= workdays
    assert {date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 7)} <= holidays
    assert date(2026, 10, 8) not in holidays


def test_third_party_repair_sent_2026_09_28_is_due_back_on_the_15th_working_day(calendar_2026):
    # 29, 30 Sep; 1–7 Oct off; 8, 9, 10 (make-up Saturday), 12–16, 19–23 Oct → 23 Oct.
    dates = repair_due_dates(kind="third_party", sent_on=date(2026, 9, 28))
    assert dates["due_back_on"] == date(2026, 10, 23)
    assert dates["progress_due_on"] is None


def test_without_the_make_up_saturday_it_would_be_a_day_later(calendar_2026):
    CalendarDay.objects.filter(date=date(2026, 10, 10)).delete()
    from servicedesk.calendar import calendar_changed

    calendar_changed()
    dates = repair_due_dates(kind="third_party", sent_on=date(2026, 9, 28))
    assert dates["due_back_on"] == date(2026, 10, 26)


def test_in_warranty_progress_reports_fall_every_3_working_days(calendar_2026):
    calendar = business_calendar()
    points = clock.progress_points(calendar, date(2026, 9, 28), date(2026, 10, 20))
    assert points == [
        date(2026, 10, 8),  # 29, 30 Sep, 8 Oct
        date(2026, 10, 12),  # 9, 10 (make-up), 12
        date(2026, 10, 15),
        date(2026, 10, 20),
    ]
    assert repair_due_dates(kind="in_warranty", sent_on=date(2026, 9, 28))[
        "progress_due_on"
    ] == date(2026, 10, 8)


def test_second_weekend_after_sending_counts_the_make_up_saturday_as_a_working_day(calendar_2026):
    calendar = business_calendar()
    # Sent Mon 28 Sep: first weekend 3–4 Oct (holiday), second 10–11 Oct where Saturday
    # 10 Oct is a make-up working day: the device must be at the desk by Sat 10 Oct.
    assert clock.second_weekend_deadline(calendar, date(2026, 9, 28)) == date(2026, 10, 10)
    # An ordinary fortnight: sent Mon 2 Nov → weekends 7–8 and 14–15 Nov → by Fri 13 Nov.
    assert clock.second_weekend_deadline(calendar, date(2026, 11, 2)) == date(2026, 11, 13)
    # Sent on a Saturday: that weekend does not count → 14–15 and 21–22 Nov → Fri 20 Nov.
    assert clock.second_weekend_deadline(calendar, date(2026, 11, 7)) == date(2026, 11, 20)
