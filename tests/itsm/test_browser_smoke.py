"""The browser fixtures work: a signed-in user sees their home page in Chromium."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_signed_in_user_sees_the_home_page_in_chromium(browser_context, browser_login, end_user):
    browser_login(browser_context, end_user)
    page = browser_context.new_page()
    page.goto("/")
    assert page.locator("html").get_attribute("lang").startswith("zh")
    assert "王芳" in page.content()
