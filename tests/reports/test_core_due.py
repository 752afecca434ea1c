"""Due dates on the business calendar: "by the 5th" moves off National Day and the
Spring Festival to the working day before or after, as the customer chose."""

from datetime import date, timedelta

import pytest

from reports import services
from reports.due import current_point, due_date, nominal_due_date, reminder_points
from reports.models import Report
from reports.periods import Period


def _weekdays(day: date) -> bool:
    return day.weekday() < 5


def test_nominal_due_day_is_clamped_to_the_following_month():
    assert nominal_due_date(Period.month(2026, 1), 31) == date(2026, 2, 28)
    assert nominal_due_date(Period.quarter(2026, 4), 15) == date(2027, 1, 15)
    assert nominal_due_date(Period.year(2026), 20) == date(2027, 1, 20)


def test_a_weekend_due_day_moves_by_the_rule():
    # 2026-12-05 is a Saturday.
    november = Period.month(2026, 11)
    assert due_date(november, due_day=5, rule="before", is_working_day=_weekdays) == date(
        2026, 12, 4
    )
    assert due_date(november, due_day=5, rule="after", is_working_day=_weekdays) == date(
        2026, 12, 7
    )


def test_reminder_points_and_the_current_one():
    due = date(2026, 10, 8)
    assert reminder_points(due, 2) == [date(2026, 10, 6), due]
    assert reminder_points(due, 0) == [due]
    assert current_point(due, 2, date(2026, 10, 5)) is None
    assert current_point(due, 2, date(2026, 10, 7)) == date(2026, 10, 6)
    assert current_point(due, 2, due + timedelta(days=30)) == due


@pytest.mark.django_db
@pytest.mark.usefixtures("calendar_2026")
@pytest.mark.parametrize(
    ("code", "period", "rule", "expected"),
    [
        # September's summary, due 5 October 2026: 1–7 October are National Day.
        ("service_summary", Period.month(2026, 9), "before", date(2026, 9, 30)),
        ("service_summary", Period.month(2026, 9), "after", date(2026, 10, 8)),
        # January 2027's, due 5 February 2027: the Spring Festival runs 5–10 February.
        ("service_summary", Period.month(2027, 1), "before", date(2027, 2, 4)),
        ("service_summary", Period.month(2027, 1), "after", date(2027, 2, 11)),
        # The repair summary, due the 10th: 10 February 2027 is a day off in lieu.
        ("repair_summary", Period.month(2027, 1), "before", date(2027, 2, 4)),
        # An ordinary working day stays put.
        ("service_summary", Period.month(2026, 10), "before", date(2026, 11, 5)),
    ],
)
def test_due_dates_follow_the_business_calendar(code, period, rule, expected):
    setting = services.report_setting_get(code)
    setting.holiday_rule = rule
    setting.save()
    assert services.report_due_date(code, period) == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("calendar_2026")
def test_a_make_up_working_day_counts_as_working():
    # Saturday 10 October 2026 is worked in lieu of National Day.
    setting = services.report_setting_get("service_summary")
    setting.due_day = 10
    setting.save()
    assert services.report_due_date("service_summary", Period.month(2026, 9)) == date(2026, 10, 10)


@pytest.mark.django_db
@pytest.mark.usefixtures("calendar_2026", "report_data", "in_english")
def test_editing_the_setting_moves_open_reports_due_dates(fake_sections, supervisor):
    report = services.report_generate(
        type="service_summary", period=Period.month(2026, 9), actor=supervisor,
        today=date(2026, 11, 3),
    )  # fmt: skip
    Report.objects.filter(pk=report.pk).update(reminded_for=date(2026, 9, 30))
    setting = services.report_setting_get("service_summary")
    setting.holiday_rule = "after"
    setting.save()
    assert services.report_setting_changed(setting=setting) == 1
    report.refresh_from_db()
    assert report.due_on == date(2026, 10, 8) and report.reminded_for is None
    assert services.report_setting_changed(setting=setting) == 0
