"""In Chromium, on a phone and at 1280 px in Chinese: the supervisor records an outage,
corrects it and sees the change in its history; nothing scrolls sideways."""

import os

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("CMDB_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_the_supervisor_records_and_corrects_an_outage(
    browser_context, phone_context, browser_login, supervisor
):
    from cmdb.models import CIClass, ServiceOutage
    from cmdb.services import ci_create
    from itsm.actors import system_user

    app = ci_create(actor=system_user(), ci_class=CIClass.objects.get(code="application"),
                    asset_tag="APP-OA", name="办公自动化系统")  # fmt: skip
    browser_login(phone_context, supervisor)
    page = phone_context.new_page()
    page.goto(reverse("cmdb:outage_create"))
    page.select_option("select[name=service]", str(app.pk))
    page.fill("input[name=started_at]", "2026-10-12T09:00")
    page.fill("input[name=ended_at]", "2026-10-12T08:00")
    page.fill("textarea[name=cause]", "数据库锁表")
    page.click("#outage-form button[type=submit]")
    assert "不能早于" in page.content() or "cannot end before" in page.content()
    assert not ServiceOutage.objects.exists()
    page.fill("input[name=ended_at]", "2026-10-12T12:00")
    page.click("#outage-form button[type=submit]")
    page.wait_for_url("**/cmdb/outages/*/")
    _fits(page)
    _shot(page, "outage-detail-phone")
    outage = ServiceOutage.objects.get()
    page.fill("input[name=ended_at]", "2026-10-12T11:00")
    page.click("#outage-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已更正中断" in page.content()
    assert "历史" in page.content() or "History" in page.content()
    outage.refresh_from_db()
    assert outage.ended_at.hour == 3  # 11:00 in Beijing
    browser_login(browser_context, supervisor)
    wide = browser_context.new_page()
    wide.goto(reverse("cmdb:outage_list"))
    assert "办公自动化系统" in wide.content() and "服务中断记录" in wide.content()
    _fits(wide)
    _shot(wide, "outage-list-desktop")
