"""The driver library and the technical hand-ins in a real browser, over the demo data:
at 390 px no page or table is wider than the phone, and axe finds no serious WCAG 2.1 AA
violation, in Chinese and English (the site-wide crawls may not reach these pages within
their limits)."""

import pytest

from tests.a11y import axe
from tests.itsm.test_browser_staff_pages_phone import MEASURE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(migration_seed_data):
    from documents import demo as documents_demo
    from knowledge import demo as knowledge_demo
    from servicedesk import demo as servicedesk_demo

    servicedesk_demo.seed(password="Demo@2026-x")
    knowledge_demo.seed(password="Demo@2026-x")
    documents_demo.seed(password="Demo@2026-x")


def _pages():
    from django.urls import reverse

    from documents.models import HandInDuty, LibraryEntry, TechnicalHandIn

    entry = LibraryEntry.objects.filter(kind="driver").order_by("pk").first()
    report = TechnicalHandIn.objects.filter(status="submitted").get()
    weekly = HandInDuty.objects.filter(kind="weekly", assignee__username="engineer").get()
    from django.utils import timezone

    from documents import handin_periods

    week = handin_periods.period_start("weekly", timezone.localdate())
    return {
        "supervisor": [
            reverse("documents:library_list") + "?model=HP+LaserJet&ci_class=printer",
            entry.get_absolute_url(),
            reverse("documents:library_create"),
            reverse("documents:handin_list"),
            report.get_absolute_url(),
        ],
        "engineer": [
            reverse("documents:handin_submit", args=[weekly.pk, week.isoformat()]),
            reverse("documents:library_edit", args=[entry.pk]),
        ],
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_library_and_hand_in_pages_fit_a_phone_and_pass_axe(
    chromium_browser, live_server, browser_login, demo, language
):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk(["supervisor", "engineer"], field_name="username")
    problems = []
    for role, urls in _pages().items():
        context = chromium_browser.new_context(
            base_url=live_server.url,
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            bypass_csp=True,
        )
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        )
        page = browser_login(context, users[role]).new_page()
        for url in urls:
            response = page.goto(url)
            assert response.ok, f"{url} as {role}: HTTP {response.status}"
            page.wait_for_load_state("networkidle")
            found = page.evaluate(MEASURE)
            if found["page"] > 0 or found["wide"]:
                problems.append(f"{url} as {role}: wider than the phone {found}")
            failing = axe.failing(axe.violations(page))
            if failing:
                problems.append(axe.describe(f"{url} as {role}", failing))
        context.close()
    assert not problems, "\n".join(problems)
