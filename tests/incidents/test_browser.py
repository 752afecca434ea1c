"""The work-order page in Chromium: the htmx knowledge picker, a stale page's reload
message and the steps a user may not take, greyed with their reason."""

import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Service levels, working hours and SLA policies, as the migrations seed them.

    A transactional test (the live server needs one) empties the tables when it ends,
    and a restore by serialized_rollback collides with the role groups the flush's
    post_migrate creates again; the seeds themselves are idempotent, so run them.
    """
    from importlib import import_module

    from django.apps import apps

    for module in ("servicedesk.migrations.0002_seed_reference_data",
                   "incidents.migrations.0002_seed_sla_policies"):  # fmt: skip
        import_module(module).seed(apps, None)


SHOTS = Path(tempfile.gettempdir()) / "incidents-shots"  # screenshots to look at


def _shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


@pytest.fixture
def record(engineer, supervisor):
    from knowledge import services as knowledge

    draft = knowledge.record_create(
        actor=engineer, title="打印机卡纸处理", symptom="打印机卡纸", solution="取出卡纸"
    )
    knowledge.record_review(record=draft, actor=supervisor)
    return knowledge.record_publish(record=draft, actor=supervisor)


def test_engineer_picks_the_knowledge_record_while_resolving(
    browser_context, browser_login, end_user, agent, engineer, record
):
    order = services.work_order_create(actor=end_user, requester=end_user, title="打印机卡纸")
    services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    browser_login(browser_context, engineer)
    page = browser_context.new_page()
    page.goto(reverse("incidents:detail", args=[order.number]))
    page.click('[data-bs-target="#act-resolve"]')
    page.fill('textarea[name="resolve-resolution"]', "已清理卡纸")
    page.locator('input[name="resolve-knowledge_record"]').press_sequentially("打印机卡纸")
    choice = page.locator(f'#act-resolve [data-pick-number="{record.number}"]')
    choice.wait_for()
    _shot(page, "resolve-suggestions-zh")
    choice.click()
    picker = page.locator('input[name="resolve-knowledge_record"]')
    page.wait_for_function(
        "n => document.querySelector('input[name=\"resolve-knowledge_record\"]').value === n",
        arg=record.number,
    )
    assert record.title in page.locator("#id_resolve-knowledge_record-picker").inner_text()
    assert picker.input_value() == record.number
    _shot(page, "resolve-picked-zh")
    page.click('form[action$="/act/resolve/"] button[type="submit"]')
    page.wait_for_url(f"**{reverse('incidents:detail', args=[order.number])}")
    page.wait_for_load_state("networkidle")  # no request of this page outlives the test
    order.refresh_from_db()
    assert order.status == "resolved" and order.knowledge_record_id == record.pk


def test_a_stale_page_gets_the_reload_message_and_refused_steps_say_why(
    browser_context, browser_login, end_user, agent, engineer
):
    order = services.work_order_create(actor=end_user, requester=end_user, title="显示器闪烁")
    services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    browser_login(browser_context, engineer)
    page = browser_context.new_page()
    url = reverse("incidents:detail", args=[order.number])
    page.goto(url)
    services.work_order_reprioritise(work_order=order, actor=agent, impact="high", urgency="high")
    page.click('form[action$="/act/start/"] button[type="submit"]')
    assert "刷新" in page.locator(".alert").first.inner_text()
    assert WorkOrder.objects.get(pk=order.pk).status == "assigned"
    refused = page.locator("[data-refused]")
    refused.locator("summary").click()
    assert "只有服务台可以合并工单。" in refused.inner_text()
    _shot(page, "stale-and-refused-zh")
    page.goto(url)
    page.select_option("#language-select", "en")  # the navbar's language switch
    with page.expect_navigation():
        page.click("form.language-switch button[type=submit]")  # explicit, WCAG 3.2.2
    page.locator("[data-refused] summary").click()
    assert "Only the service desk" in page.locator("[data-refused]").inner_text()
    _shot(page, "refused-en")
    page.wait_for_load_state("networkidle")
