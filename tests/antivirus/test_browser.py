"""The antivirus pages in a real browser: Chinese and English, a 390 px phone, no overflow."""

import pytest

from antivirus.checks import endpoint_states_refresh, endpoint_sync
from antivirus.models import NetworkSegment

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/antivirus/", "/antivirus/coverage/", "/antivirus/imports/", "/antivirus/statistics/"]


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_fit_a_phone_in_both_languages(
    phone_context, browser_login, live_server, engineer, estate, language
):
    NetworkSegment.objects.create(name="四楼办公网", cidr="10.1.4.0/24")
    endpoint_sync()
    endpoint_states_refresh()
    browser_login(phone_context, engineer)
    phone_context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page = phone_context.new_page()
    for path in PAGES:
        page.goto(path)
        assert page.locator("h1").count() == 1
        heading = page.locator("h1").inner_text()
        if language == "en":
            assert heading.isascii(), heading
        else:
            assert not heading.isascii(), heading
        name = path.strip("/").replace("/", "-") or "home"
        page.screenshot(path=f"/tmp/antivirus-{name}-{language}-390.png", full_page=True)  # noqa: S108 (to look at)
        assert _overflow(page) <= 1, path
