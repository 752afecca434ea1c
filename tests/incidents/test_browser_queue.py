"""The desk's queue in Chromium: filters keep the tab, an explicit status overrides it,
the URL holds the whole state (back button, shared link), and the category filter
names each category by its path."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from incidents import services
from servicedesk.models import Category

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    from importlib import import_module

    from django.apps import apps

    for module in ("servicedesk.migrations.0002_seed_reference_data",
                   "incidents.migrations.0002_seed_sla_policies"):  # fmt: skip
        import_module(module).seed(apps, None)


@pytest.fixture
def printers(end_user, agent):
    """Three printer faults (one still open, two closed) and an open network fault."""
    open_one = services.work_order_create(actor=end_user, requester=end_user, title="打印机卡纸")
    closed = []
    for title in ("打印机缺墨", "打印机无法联网"):
        order = services.work_order_create(actor=end_user, requester=end_user, title=title)
        order = services.work_order_resolve(work_order=order, actor=agent, resolution="已处理")
        services.callback_record(work_order=order, actor=agent, reached=True, satisfaction=5)
        closed.append(order)
    other = services.work_order_create(actor=end_user, requester=end_user, title="网络断开")
    return open_one, closed, other


def _numbers(page):
    return set(re.findall(r"D0201-\d+", page.locator("table tbody").inner_text()))


def _query(page):
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_filters_keep_the_tab_and_the_url_holds_the_state(
    browser_context, browser_login, agent, printers
):
    open_one, closed, other = printers
    browser_login(browser_context, agent)
    page = browser_context.new_page()
    page.goto(reverse("incidents:queue") + "?queue=all")
    assert _numbers(page) == {open_one.number, other.number, *(o.number for o in closed)}

    # From 全部, a search stays in 全部 (it fell back to 未关闭 and lost the closed ones).
    page.fill("#queue-filter input[name=q]", "打印机")
    page.click("#queue-filter button[type=submit]")
    page.wait_for_load_state()
    assert _query(page)["queue"] == "all" and _query(page)["q"] == "打印机"
    assert _numbers(page) == {open_one.number, *(o.number for o in closed)}

    # Another tab keeps the search; its own rows only.
    page.click("text=未关闭")
    page.wait_for_load_state()
    assert _query(page) == {"queue": "open", "q": "打印机"}
    assert _numbers(page) == {open_one.number}

    # 已关闭 under 未关闭: the explicit status overrides the tab, in the URL as well.
    page.select_option("#queue-filter select[name=status]", "closed")
    page.click("#queue-filter button[type=submit]")
    page.wait_for_load_state()
    assert _query(page)["queue"] == "all" and _query(page)["status"] == "closed"
    assert _numbers(page) == {o.number for o in closed}
    assert page.locator("#queue-filter select[name=status]").input_value() == "closed"
    shared = page.url

    # Back returns to the previous state, and the shared link opens the same page.
    page.go_back()
    page.wait_for_load_state()
    assert _query(page) == {"queue": "open", "q": "打印机"}
    assert _numbers(page) == {open_one.number}
    other_page = browser_context.new_page()
    other_page.goto(shared)
    assert _numbers(other_page) == {o.number for o in closed}
    assert other_page.locator("#queue-filter input[name=q]").input_value() == "打印机"


def test_the_category_filter_names_each_category_by_its_path(
    browser_context, browser_login, end_user, agent
):
    desktop = Category.objects.get(name="台式机")
    laptop = Category.objects.get(name="笔记本")
    desktop_hang = Category.objects.get(name="死机", parent=desktop)
    laptop_hang = Category.objects.get(name="死机", parent=laptop)
    on_desktop = services.work_order_create(
        actor=end_user, requester=end_user, title="电脑死机", category=desktop_hang
    )
    on_laptop = services.work_order_create(
        actor=end_user, requester=end_user, title="笔记本死机", category=laptop_hang
    )
    browser_login(browser_context, agent)
    page = browser_context.new_page()
    page.goto(reverse("incidents:queue"))
    labels = page.locator("#queue-filter select[name=category] option").all_inner_texts()
    labels = [label for label in labels if label.strip() and label.strip() != "---------"]
    assert len(labels) == len(set(labels)), "no two options read the same"
    hang_labels = [label for label in labels if label.endswith("死机")]
    assert len(hang_labels) == 2 and all(label.count(" › ") == 2 for label in hang_labels)
    desktop_label = f"{desktop.parent.name} › 台式机 › 死机"
    assert desktop_label in labels
    page.select_option("#queue-filter select[name=category]", label=desktop_label)
    page.click("#queue-filter button[type=submit]")
    page.wait_for_load_state()
    assert _numbers(page) == {on_desktop.number}
    # A system type includes its fault types.
    page.select_option(
        "#queue-filter select[name=category]", label=f"{laptop.parent.name} › 笔记本"
    )
    page.click("#queue-filter button[type=submit]")
    page.wait_for_load_state()
    assert _numbers(page) == {on_laptop.number}


def test_the_desk_pages_fit_a_phone(phone_context, browser_login, agent, supervisor, printers):
    """390 px: the queue (tabs, filters, complaints tab), the intake with the new-caller
    form and a work order keep within the screen; a wide table scrolls inside its box."""
    open_one, _closed, _other = printers
    pages = [
        (agent, reverse("incidents:queue") + "?queue=all&q=打印机"),
        (agent, reverse("incidents:intake") + "?q=020-83001234"),
        (agent, reverse("incidents:detail", args=[open_one.number])),
        (supervisor, reverse("incidents:queue")),
        (supervisor, reverse("incidents:complaints")),
    ]
    for user, url in pages:
        browser_login(phone_context, user)
        page = phone_context.new_page()
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} is {width} px wide for {user}"
        page.close()
