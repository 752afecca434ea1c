"""Role homes in Chromium (issue 16 item 12): the approver starts from what waits for them,
on a desk screen and on a 390 px phone; supervisor and manager homes fit the phone too."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from servicedesk.choices import ApprovalBody, Role

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("ITSM_SCREENSHOTS", "")  # a folder to keep screenshots in, if set


def shoot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def overflow(page) -> int:
    """How many pixels the page is wider than the screen (0: nothing to scroll sideways)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.fixture
def waiting_change(engineer, supervisor):
    """A change the CAB has been asked to approve."""
    from changes import services
    from changes.models import ApproverSet

    # An earlier browser test may have flushed the CAB its migration seeded.
    board, created = ApproverSet.objects.get_or_create(
        is_default=True, defaults={"name": "变更咨询会议 CAB"}
    )
    if created:
        board.slots.create(name="服务主管", role=Role.SUPERVISOR, order=0)
        board.slots.create(name="运维部", approval_body=ApprovalBody.OPS_DEPARTMENT, order=1)

    start = timezone.now() + timedelta(days=7)
    change = services.change_create(
        actor=engineer,
        summary="人事处电脑更换内存",
        implementation_plan="断电更换内存条",
        rollback_plan="装回原内存",
        planned_start=start,
        planned_end=start + timedelta(hours=2),
        owner=engineer,
        affected_items=(),
    )
    services.change_submit(change=change, actor=engineer)
    services.change_assess(change=change, actor=supervisor)
    return services.change_request_approval(change=change, actor=supervisor)


@pytest.fixture
def ops_approver(make_person):
    return make_person(
        Role.APPROVER,
        username="ops",
        name="赵敏",
        approval_body=ApprovalBody.OPS_DEPARTMENT,
    )


def test_approver_starts_from_the_decision_waiting_and_opens_it(
    browser_context, browser_login, ops_approver, waiting_change
):
    browser_login(browser_context, ops_approver)
    page = browser_context.new_page()
    page.goto("/")
    card = page.locator("#waiting-for-me")
    assert "待我审批" in card.inner_text()
    assert waiting_change.number in card.inner_text()
    assert "人事处电脑更换内存" in card.inner_text()
    assert page.locator("nav").get_by_text("待我审批").is_visible()
    shoot(page, "approver-home-zh")

    # Any other page asks for the nav count after loading.
    page.goto("/changes/")
    nav_entry = page.locator("nav a[href='/approvals/']")
    nav_entry.wait_for()
    assert "1" in nav_entry.inner_text()

    page.goto("/")
    card.locator(f"a[href='{waiting_change.get_absolute_url()}']").click()
    page.wait_for_url(f"**{waiting_change.get_absolute_url()}")


def test_approver_home_in_english(
    browser_context, browser_login, live_server, ops_approver, waiting_change
):
    browser_context.add_cookies(
        [{"name": "django_language", "value": "en", "url": live_server.url}]
    )
    browser_login(browser_context, ops_approver)
    page = browser_context.new_page()
    page.goto("/")
    text = page.locator("#waiting-for-me").inner_text()
    assert "Waiting for me" in text and "Change approval (CAB)" in text
    assert waiting_change.number in text
    shoot(page, "approver-home-en")


def test_nav_has_no_waiting_entry_when_nothing_waits(browser_context, browser_login, ops_approver):
    browser_login(browser_context, ops_approver)
    page = browser_context.new_page()
    page.goto("/changes/")
    page.wait_for_load_state("networkidle")
    assert page.locator("nav a[href='/approvals/']").count() == 0


@pytest.mark.parametrize("who", ["approver", "supervisor", "manager"])
def test_role_homes_fit_a_phone(
    phone_context, browser_login, request, who, ops_approver, waiting_change
):
    user = ops_approver if who == "approver" else request.getfixturevalue(who)
    browser_login(phone_context, user)
    page = phone_context.new_page()
    page.goto("/")
    page.wait_for_load_state("networkidle")
    shoot(page, f"{who}-home-phone")
    assert overflow(page) <= 0
