"""Issue 16 item 9: an engineer's "Mine" queue on a 390 px phone is a list of cards, each
with the whole title, the fix-due countdown, requester and category on screen (nine table
columns squeezed titles to one character a line, the rest off to the right)."""

import pytest
from django.urls import reverse

from incidents import services
from servicedesk.models import Category

pytestmark = pytest.mark.django_db(transaction=True)

LONG_TITLE = "三楼财务处彩色激光打印机卡纸并提示硒鼓寿命已尽无法继续打印报表"


@pytest.fixture
def engineers_orders(migration_seed_data, end_user, agent, engineer):
    category = Category.objects.filter(parent__isnull=False).order_by("pk").first()
    orders = []
    for n in range(3):
        order = services.work_order_create(
            actor=agent,
            requester=end_user,
            title=f"{LONG_TITLE}{n}",
            category=category,
        )
        orders.append(services.work_order_assign(work_order=order, actor=agent, assignee=engineer))
    return orders, category


def _box(locator):
    box = locator.bounding_box()
    assert box is not None, "not drawn"
    return box


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_my_work_on_a_phone_is_cards_with_title_sla_requester_category(
    phone_context, browser_login, live_server, engineer, engineers_orders, language
):
    orders, category = engineers_orders
    phone_context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    browser_login(phone_context, engineer)
    page = phone_context.new_page()
    page.goto(reverse("incidents:queue") + "?queue=mine")
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    rows = page.locator("table.wo-cards tbody tr")
    assert rows.count() == 3
    card = rows.first
    title = card.locator("td.wo-title")
    assert _box(title)["width"] > width * 0.6  # a readable line, not a column
    for cell in (
        title,
        card.locator("td[data-label]").nth(1),  # fix due
        card.locator("td[data-label]").nth(2),  # requester
        card.locator("td[data-label]").last,  # category
    ):
        box = _box(cell)
        assert cell.is_visible()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert "王芳" in card.inner_text()
    assert category.name in card.inner_text()
    label = "Fix due" if language == "en" else "解决时限"
    # The card names the countdown (drawn by CSS from the cell's label, in the page's language).
    assert card.locator("td[data-label]").nth(1).get_attribute("data-label") == label


def test_the_queue_stays_a_table_on_a_desk_screen(
    browser_context, browser_login, engineer, engineers_orders
):
    browser_login(browser_context, engineer)
    page = browser_context.new_page()
    page.goto(reverse("incidents:queue") + "?queue=mine")
    assert page.locator("table.wo-cards thead").is_visible()
    first = page.locator("table.wo-cards tbody tr").first
    assert page.evaluate("el => getComputedStyle(el).display", first.element_handle()) == (
        "table-row"
    )
