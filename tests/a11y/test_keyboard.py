"""The three everyday jobs with the keyboard alone, focus visible at every tab stop.

Filing a fault (end user), dispatching from the queue (service desk) and approving a
change (approver). Each step is a key press; after each Tab the focused element must show
the site's focus outline (WCAG 2.1.1 keyboard, 2.4.7 focus visible).
"""

from datetime import datetime

import pytest
from django.utils import timezone

from servicedesk.choices import ApprovalBody, Role

pytestmark = pytest.mark.django_db(transaction=True)

_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    what: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.name ? "[name=" + el.name + "]" : "")
      + " " + (el.textContent || "").trim().slice(0, 30),
    visible: el.matches(":focus-visible") && style.outlineStyle !== "none"
      && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def _press(page, key):
    page.keyboard.press(key)
    focus = page.evaluate(_FOCUS)
    assert focus is not None, f"after {key} focus fell back to the page body"
    assert focus["visible"], f"after {key} the focus on {focus['what']} is not visible"
    return focus


def tab_to(page, selector, *, limit=120, back=False):
    """Tab (or Shift+Tab) until `selector` has focus, checking each stop's focus outline."""
    for _ in range(limit):
        _press(page, "Shift+Tab" if back else "Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached in {limit} tab stops")


def focused(page, selector) -> bool:
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def choose_by_arrows(page, option_value, *, limit=40):
    """On a focused closed <select>, arrow down until `option_value` is chosen."""
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.value") == str(option_value):
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {option_value} not reached with the arrow keys")


def test_end_user_files_a_fault_with_the_keyboard_alone(browser_context, browser_login, end_user):
    from incidents.models import WorkOrder

    page = browser_login(browser_context, end_user).new_page()
    page.goto("/incidents/report/")

    # The skip link is the first stop and takes focus past the navbar.
    _press(page, "Tab")
    assert focused(page, "a.skip-link")
    page.keyboard.press("Enter")
    assert focused(page, "main#main")

    # The category levels: arrow keys change a level without moving focus away from it.
    tab_to(page, "#id_category-0")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#id_category-1")
    assert focused(page, "#id_category-0"), "choosing a level moved the focus"
    assert page.locator("fieldset:has(#id_category-0) > legend").inner_text().strip()

    # Submitting without a title: the error summary takes focus, the title says "错误".
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("错误：")
    assert focused(page, "[data-error-summary]")
    described = page.get_attribute("#id_title", "aria-describedby")
    assert "id_title_error" in described.split()
    assert page.locator("#id_title_error").inner_text().strip()

    # The summary's link goes to the field; type the title and send with the button.
    tab_to(page, "[data-error-summary] a[href='#id_title']")
    page.keyboard.press("Enter")
    assert focused(page, "#id_title")
    page.keyboard.type("打印机卡纸，无法打印")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    order = WorkOrder.objects.get(title="打印机卡纸，无法打印")
    assert order.requester == end_user


def test_desk_dispatches_from_the_queue_with_the_keyboard_alone(
    browser_context, browser_login, agent, engineer, end_user
):
    from incidents import services
    from incidents.models import WorkOrder

    order = services.work_order_create(actor=end_user, requester=end_user, title="显示器不亮")
    page = browser_login(browser_context, agent).new_page()
    page.goto("/incidents/?queue=all")

    # The bulk form's selects have ids of their own beside the filter form's.
    assert page.locator("#id_bulk_assignee").count() == 1
    tab_to(page, f"input[name=numbers][value='{order.number}']", limit=200)
    page.keyboard.press("Space")
    assert page.is_checked(f"input[name=numbers][value='{order.number}']")
    tab_to(page, "#id_bulk_assignee")
    choose_by_arrows(page, engineer.pk)
    tab_to(page, "form[action$='bulk-assign/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    order = WorkOrder.objects.get(pk=order.pk)
    assert order.assignee == engineer


def test_approver_approves_a_change_with_the_keyboard_alone(
    browser_context, browser_login, make_person, engineer, supervisor
):
    from changes import services
    from changes.models import ChangeRequest
    from cmdb.models import CIClass
    from cmdb.services import ci_create
    from itsm.actors import system_user

    approver = make_person(Role.APPROVER, username="ops", approval_body=ApprovalBody.OPS_DEPARTMENT)
    printer = ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="printer"),
        asset_tag="PR-301",
        name="三楼打印机",
    )
    zone = timezone.get_current_timezone()
    change = services.change_create(
        actor=engineer,
        affected_items=[printer],
        planned_start=timezone.make_aware(datetime(2031, 3, 10, 18), zone),
        planned_end=timezone.make_aware(datetime(2031, 3, 10, 20), zone),
        owner=engineer,
        summary="更换定影组件",
        implementation_plan="断电更换",
        rollback_plan="装回原件",
    )
    services.change_submit(change=change, actor=engineer)
    services.change_assess(change=change, actor=supervisor)
    change = services.change_request_approval(change=change, actor=supervisor)

    page = browser_login(browser_context, approver).new_page()
    page.goto(f"/changes/{change.number}/")
    tab_to(page, "textarea[name='approve-comment']", limit=200)
    page.keyboard.type("同意实施")
    tab_to(page, f"form[action$='/{change.number}/approve/'] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    change = ChangeRequest.objects.get(pk=change.pk)
    assert change.approvals.get(approver=approver).comment == "同意实施"


def test_at_200_percent_text_the_staff_navbar_keeps_everything_on_screen(
    browser_context, browser_login, supervisor
):
    """WCAG 1.4.4: text doubled (Bootstrap sizes in rem) at 1280 px wraps the bar; the bell,
    the user menu and the language switch stay inside the window."""
    page = browser_login(browser_context, supervisor).new_page()
    page.goto("/")
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    width = page.evaluate("window.innerWidth")
    for selector in ("a[href$='/notifications/']", "#mainnav .dropdown-toggle >> nth=-1",
                     "#language-select", ".language-switch button"):  # fmt: skip
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, selector
    assert page.evaluate("document.documentElement.scrollWidth") <= width
