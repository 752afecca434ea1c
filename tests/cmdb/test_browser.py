"""In Chromium: the barcode renders on the item and label pages (desktop and phone), and an
engineer sees the supervisor's buttons greyed with the reason."""

import os

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("CMDB_SCREENSHOTS", "")  # a folder to keep screenshots in, if set


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _item(**fields):
    """An item of a class made here: an earlier transactional test flushed the seeded ones."""
    from cmdb.models import CIClass
    from cmdb.services import ci_create
    from itsm.actors import system_user

    desktop, _ = CIClass.objects.get_or_create(code="desktop", defaults={"name": "台式计算机"})
    return ci_create(actor=system_user(), ci_class=desktop, **fields)


def _barcode_width(page) -> float:
    return page.eval_on_selector("img.cmdb-barcode", "img => img.complete ? img.naturalWidth : 0")


def test_item_and_label_pages_show_the_barcode_on_desktop_and_phone(
    browser_context, phone_context, browser_login, engineer
):
    ci = _item(asset_tag="PC-0001", name="财务处台式机", contract_number="HT-2026-001")
    for name, context in (("desktop", browser_context), ("phone", phone_context)):
        browser_login(context, engineer)
        page = context.new_page()
        page.goto(reverse("cmdb:ci_detail", args=[ci.pk]))
        page.wait_for_load_state("networkidle")
        assert _barcode_width(page) > 50, "the SVG loaded as an image"
        _shot(page, f"item-{name}")
        page.goto(reverse("cmdb:ci_label_preview", args=[ci.pk]))
        page.wait_for_load_state("networkidle")
        assert _barcode_width(page) > 50
        assert "HT-2026-001" in page.content()
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= page.viewport_size["width"], "no sideways scrolling"
        _shot(page, f"label-{name}")


def test_an_engineer_sees_the_approve_button_greyed_with_the_reason(
    browser_context, browser_login, engineer, location
):
    from cmdb.models import PartType, Requisition, Stock

    stock = Stock.objects.create(
        part_type=PartType.objects.create(name="内存条", model="8G"), location=location, quantity=2
    )
    # Straight in: a transactional test's flush leaves no service levels for a work order.
    requisition = Requisition.objects.create(
        stock=stock, quantity=1, work_order_number="D0201-2026120501", requested_by=engineer
    )
    browser_login(browser_context, engineer)
    page = browser_context.new_page()
    page.goto(reverse("cmdb:requisition_detail", args=[requisition.pk]))
    approve = page.get_by_role("button", name="批准")
    assert approve.is_disabled()
    assert "只有服务主管" in page.locator("[title]", has=approve).get_attribute("title")
    _shot(page, "requisition-engineer-zh")


def test_the_label_preview_reads_in_english(chromium_browser, live_server, browser_login, engineer):
    ci = _item(asset_tag="PC-0002", name="Finance desktop", serial_number="SN-42")
    context = chromium_browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        browser_login(context, engineer)
        page = context.new_page()
        page.goto(reverse("cmdb:ci_label_preview", args=[ci.pk]))
        page.wait_for_load_state("networkidle")
        assert page.get_by_role("heading", name="Asset label").is_visible()
        assert _barcode_width(page) > 50
        _shot(page, "label-en")
    finally:
        context.close()
