"""In Chromium: the third failed verification in a month drafts the blacklist application;
after 运维部 and 信息中心 approve, a new order to that vendor is refused."""

import pytest

from cmdb.models import CIClass
from cmdb.services import ci_create
from incidents import services as wo_services
from itsm.actors import system_user
from repairs.models import BlacklistApplication, BlacklistEntry, VendorOrder
from servicedesk.models import ServiceLevel

from .helpers import fail, new_order, to_confirmed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reference_data(db):
    # A transactional test may run after another has flushed the migrations' rows.
    ServiceLevel.objects.get_or_create(
        code="standard",
        defaults={"name": "标准", "rank": 1, "response_minutes": 120, "resolution_minutes": 240,
                  "is_default": True},
    )  # fmt: skip
    desktop, _ = CIClass.objects.get_or_create(code="desktop", defaults={"name": "台式机"})
    return desktop


def _decide(page, application_url):
    page.goto(application_url)
    page.locator('input[name="approved"][value="1"]').check()
    page.locator('form[action$="/decide/"] button[type="submit"]').click()
    page.wait_for_load_state()


def test_third_failure_drafts_the_application_and_approval_blocks_new_orders(
    browser_context, browser_login, reference_data, end_user, agent, engineer, supervisor,
    ops_approver, info_approver, make_vendor,
):  # fmt: skip
    vendor = make_vendor("金桥数码维修中心")
    spare_vendor = make_vendor("城东电脑维修部")
    device = ci_create(
        actor=system_user(), ci_class=reference_data, asset_tag="PC-0100", name="台式机"
    )
    work_order = wo_services.work_order_create(
        actor=end_user, requester=end_user, title="频繁蓝屏", device=device
    )
    work_order = wo_services.work_order_assign(
        work_order=work_order, actor=agent, assignee=engineer
    )
    work_order = wo_services.work_order_start(work_order=work_order, actor=engineer)
    people = {"engineer": engineer, "supervisor": supervisor, "agent": agent}
    order = to_confirmed(
        new_order(engineer=engineer, work_order=work_order, vendor=vendor), **people
    )
    for _ in range(2):
        fail(order, engineer=engineer)
        order = to_confirmed(order, **people)
    assert not BlacklistApplication.objects.exists()

    # The engineer fails the third verification on the page.
    browser_login(browser_context, engineer)
    page = browser_context.new_page()
    page.goto(order.get_absolute_url())
    page.locator('input[name="passed"][value="0"]').check()
    page.locator('textarea[name="reason"]').fill("修复后再次蓝屏")
    page.locator('form[action$="/verify/"] button[type="submit"]').click()
    page.wait_for_load_state()
    application = BlacklistApplication.objects.get()
    assert application.status == "draft" and "修复后再次蓝屏" in application.reason
    # Meanwhile the engineer opens a new order for the vendor (still offered).
    form_page = browser_context.new_page()
    form_page.goto(f"/repairs/vendor-orders/new/?work_order={work_order.number}")
    assert form_page.locator(f'select[name="vendor"] option[value="{vendor.pk}"]').count() == 1

    # The supervisor finds the drafted application with its reasons and submits it.
    supervisor_context = browser_context.browser.new_context(
        base_url=browser_context.pages[0].url.split("/repairs")[0], locale="zh-CN"
    )
    browser_login(supervisor_context, supervisor)
    sup = supervisor_context.new_page()
    sup.goto("/repairs/blacklist/")
    sup.locator(f'a:has-text("{application.number}")').click()
    assert "修复后再次蓝屏" in sup.locator("#application-reason").inner_text()
    sup.locator("#submit-application").click()
    sup.wait_for_load_state()
    supervisor_context.close()

    for approver in (ops_approver, info_approver):
        context = browser_context.browser.new_context(
            base_url=sup.url.split("/repairs")[0], locale="zh-CN"
        )
        browser_login(context, approver)
        _decide(context.new_page(), application.get_absolute_url())
        context.close()
    entry = BlacklistEntry.objects.get()
    assert entry.vendor == vendor

    # The form opened before the listing now refuses, naming the entry; nothing is saved.
    count = VendorOrder.objects.count()
    form_page.locator('select[name="vendor"]').select_option(str(vendor.pk))
    form_page.locator('select[name="problem_type"]').select_option("hardware")
    form_page.locator('form button[type="submit"]').last.click()
    form_page.wait_for_load_state()
    assert entry.number in form_page.content()
    assert VendorOrder.objects.count() == count
    # A fresh form no longer offers it.
    form_page.goto(f"/repairs/vendor-orders/new/?work_order={work_order.number}")
    assert form_page.locator(f'select[name="vendor"] option[value="{vendor.pk}"]').count() == 0
    assert (
        form_page.locator(f'select[name="vendor"] option[value="{spare_vendor.pk}"]').count() == 1
    )
