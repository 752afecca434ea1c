"""The dashboard in a real browser: Chinese and English, a 390 px phone, no overflow."""

from importlib import import_module

import pytest
from django.apps import apps

from incidents import services
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db(transaction=True)


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_fits_a_phone_in_both_languages(
    phone_context, browser_login, live_server, manager, make_person, language
):
    # The transactional test flushed the migrations' rows; the commitments are one of them.
    import_module("servicedesk.migrations.0010_service_commitment").seed(apps, None)
    user = make_person(Role.END_USER, username="reporter")
    services.work_order_create(actor=user, requester=user, title="打印机卡纸")
    browser_login(phone_context, manager)
    phone_context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page = phone_context.new_page()
    page.goto("/reports/")
    heading = page.locator("h1").inner_text()
    assert heading.isascii() == (language == "en"), heading
    assert page.locator("#commitments tbody tr").count() >= 3
    assert page.locator("#months tbody tr").count() == 13
    page.screenshot(path=f"/tmp/reports-dashboard-{language}-390.png", full_page=True)  # noqa: S108 (to look at)
    assert _overflow(page) <= 1
