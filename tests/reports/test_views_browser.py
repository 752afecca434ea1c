"""A manager generates a report in the browser (progress page, Chinese UI), the supervisor
confirms it; the archive and the report read at 1280 px and 390 px."""

import tempfile
from pathlib import Path

import pytest

from reports.models import Report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fake_sections"),
]

# Screenshots to look at (not asserted on).
SHOTS = Path(tempfile.gettempdir())


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_generate_confirm_and_read_on_a_phone(
    browser_context, phone_context, browser_login, manager, supervisor, report_data
):
    browser_login(browser_context, manager)
    page = browser_context.new_page()
    page.goto("/reports/generate/")
    page.select_option("#id_type", "service_summary")
    page.fill("#id_period", "2026-09")
    page.fill("#id_suggestions", "建议加强打印机巡检")
    page.locator("form button.btn-primary").click()
    page.wait_for_load_state()
    # Celery runs eagerly here: the job is done by the time the page shows.
    page.locator("#job-done a").click()
    page.wait_for_load_state()
    report = Report.objects.get()
    assert page.url.endswith(report.get_absolute_url())
    assert "月度服务总结" in page.content() and "建议加强打印机巡检" in page.content()
    assert page.locator("#signoff button[disabled]").first.is_visible()  # not the supervisor
    page.screenshot(path=str(SHOTS / "reports-detail-1280.png"), full_page=True)

    browser_login(phone_context, supervisor)
    phone = phone_context.new_page()
    phone.goto(report.get_absolute_url())
    assert _fits(phone)
    phone.locator('#signoff form[action$="/confirm/"] button').click()
    phone.wait_for_load_state()
    assert "报告已确认" in phone.content()
    phone.screenshot(path=str(SHOTS / "reports-detail-390.png"), full_page=True)
    phone.goto("/reports/archive/")
    assert _fits(phone) and report.number in phone.content()
    phone.screenshot(path=str(SHOTS / "reports-archive-390.png"), full_page=True)
    report.refresh_from_db()
    assert report.status == "confirmed"


def test_a_bad_period_is_explained_in_chinese(browser_context, browser_login, manager, report_data):
    browser_login(browser_context, manager)
    page = browser_context.new_page()
    page.goto("/reports/generate/")
    page.fill("#id_period", "2025-06")
    page.locator("form button.btn-primary").click()
    page.wait_for_load_state()
    assert "早于所有数据" in page.content()
    assert not Report.objects.exists()
