"""Next year's calendar is a guess until an admin enters the State Council's notice."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from servicedesk.calendar import (
    business_calendar,
    calendar_confirmation_remind,
    calendar_notice_apply,
    calendar_unconfirmed_years,
    holidays_sync,
    notice_days_parse,
)
from servicedesk.choices import CalendarDayKind
from servicedesk.models import CalendarDay, CalendarYear, Notification

pytestmark = pytest.mark.django_db

NOTICE_2027 = """2027-02-05..2027-02-11 春节
2027-10-01..2027-10-07 国庆节"""
WORKDAYS_2027 = """2027-02-14 春节调休
2027-10-09 国庆节调休"""


def test_lines_parse_as_days_and_ranges():
    days = notice_days_parse("2027-02-05..2027-02-07 春节\n\n2027/4/5 清明节", year=2027)
    assert days == [
        (date(2027, 2, 5), "春节"),
        (date(2027, 2, 6), "春节"),
        (date(2027, 2, 7), "春节"),
        (date(2027, 4, 5), "清明节"),
    ]


def test_every_bad_line_is_named():
    with pytest.raises(ValidationError) as caught:
        notice_days_parse("2027-02-30 春节\n二月五日\n2026-12-31 跨年", year=2027)
    messages = caught.value.messages
    assert len(messages) == 3
    assert "2027-02-30" in messages[0] and "二月五日" in messages[1] and "2026-12-31" in messages[2]


def test_next_year_is_flagged_from_november():
    assert calendar_unconfirmed_years(today=date(2026, 10, 31)) == [2026]
    assert calendar_unconfirmed_years(today=date(2026, 11, 1)) == [2026, 2027]


def test_entering_the_notice_replaces_the_year_and_confirms_it(admin_user):
    holidays_sync(years=[2027])  # the package's guess: no make-up days
    assert not CalendarDay.objects.filter(date__year=2027, kind=CalendarDayKind.WORKDAY).exists()
    calendar_notice_apply(
        actor=admin_user,
        year=2027,
        holidays_text=NOTICE_2027,
        workdays_text=WORKDAYS_2027,
        notice="国办发明电〔2026〕7号",
    )
    days = dict(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind"))
    assert len(days) == 16
    assert days[date(2027, 2, 14)] == CalendarDayKind.WORKDAY
    assert CalendarYear.objects.get(year=2027).confirmed_by == admin_user
    assert 2027 not in calendar_unconfirmed_years(today=date(2026, 11, 20))
    # Business time sees the make-up Sunday as a working day.
    assert business_calendar().is_working_day(date(2027, 2, 14))

    # The daily sync no longer touches a confirmed year.
    holidays_sync(years=[2027])
    assert dict(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == days


def test_a_bad_notice_changes_nothing(admin_user):
    holidays_sync(years=[2027])
    before = list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind"))
    with pytest.raises(ValidationError):
        calendar_notice_apply(
            actor=admin_user, year=2027, holidays_text="2027-02-05 春节\nxx", workdays_text=""
        )
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == before
    assert not CalendarYear.objects.exists()


def test_only_admins_enter_the_notice(supervisor, client):
    with pytest.raises(PermissionDenied):
        calendar_notice_apply(
            actor=supervisor, year=2027, holidays_text=NOTICE_2027, workdays_text=""
        )
    client.force_login(supervisor)
    assert client.get(reverse("servicedesk:calendar-notice") + "?year=2027").status_code == 403


def test_admins_are_reminded_weekly_while_next_year_is_unconfirmed(admin_user):
    with time_machine.travel(
        timezone.datetime(2026, 11, 2, 9, tzinfo=timezone.get_current_timezone())
    ):
        assert calendar_confirmation_remind() is True
        assert calendar_confirmation_remind() is False  # once a week, not once a day
    assert Notification.objects.filter(recipient=admin_user).count() == 1


def test_the_calendar_page_says_the_year_is_unconfirmed_and_the_form_confirms_it(
    client, admin_user
):
    client.force_login(admin_user)
    page = client.get(reverse("servicedesk:calendar") + "?year=2027").content.decode()
    assert reverse("servicedesk:calendar-notice") in page
    url = reverse("servicedesk:calendar-notice") + "?year=2027"
    response = client.post(
        url, {"notice": "通知", "holidays": NOTICE_2027, "workdays": WORKDAYS_2027}
    )
    assert response.status_code == 302
    page = client.get(reverse("servicedesk:calendar") + "?year=2027").content.decode()
    assert "alert-success" in page

    bad = client.post(url, {"notice": "", "holidays": "2027-13-01 错", "workdays": ""})
    assert bad.status_code == 200 and "2027-13-01" in bad.content.decode()
