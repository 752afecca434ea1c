"""The document pages in a real browser, after the move to /documents/: an approver of
the information centre releases a draft from the page (the button the refusal allows),
on a desktop in Chinese and on a phone."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_information_centre_releases_a_draft_on_the_page(
    browser_context, browser_login, make_document, info_centre, tmp_path
):
    document = make_document("A01", release=False)
    page = browser_login(browser_context, info_centre).new_page()
    page.goto("/knowledge/documents/A01/")  # an old bookmark
    assert page.url.endswith("/documents/A01/")
    page.screenshot(path=tmp_path / "documents-detail-zh.png", full_page=True)
    page.locator("#release button.btn-success").click()
    page.wait_for_load_state()
    page.screenshot(path=tmp_path / "documents-released-zh.png", full_page=True)
    document.refresh_from_db()
    assert document.status == "effective"


def test_catalogue_is_usable_on_a_phone(
    phone_context, browser_login, make_document, agent, tmp_path
):
    make_document("B02")
    page = browser_login(phone_context, agent).new_page()
    page.goto("/documents/")
    assert page.get_by_text("B02").first.is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=tmp_path / "documents-list-phone.png", full_page=True)
    assert width <= 390
