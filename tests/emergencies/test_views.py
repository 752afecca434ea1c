import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emergencies import resource_services
from emergencies.choices import ReportPeriod, Status
from emergencies.models import Emergency
from itsm.actors import system_user

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_page_query_count_stays_flat(client, supervisor, active):
    active()
    client.force_login(supervisor)
    url = reverse("emergencies:list")
    _queries(client, url)  # warm: the menu is drawn once (itsm.navigation)
    few = _queries(client, url)
    for _ in range(4):
        active()
    assert _queries(client, url) == few


def test_declaring_from_the_work_order_page(client, supervisor, engineer, file_order):
    order = file_order()
    client.force_login(supervisor)
    url = reverse("emergencies:declare") + f"?work_order={order.number}"
    response = client.post(
        url,
        {
            "work_order_number": order.number,
            "type": "",
            "severity": "critical",
            "scope": "",
            "commander": engineer.pk,
        },
    )
    assert response.status_code == 200
    assert "请选择重大事故类型。" in response.content.decode()  # the default (Chinese) UI
    assert not Emergency.objects.exists()
    response = client.post(
        url,
        {
            "work_order_number": order.number,
            "type": "wide_outage",
            "severity": "critical",
            "scope": "<script>x</script>全楼",
            "commander": engineer.pk,
        },
    )
    emergency = Emergency.objects.get()
    assert response.url == emergency.get_absolute_url()
    page = client.get(emergency.get_absolute_url()).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;全楼" in page


def test_actions_post_through_the_services_and_say_why_not(client, engineer, active):
    emergency = active()
    client.force_login(engineer)
    url = reverse("emergencies:act", args=[emergency.number, "update"])
    response = client.post(url, {"text": ""}, follow=True)
    assert "请填写通报内容。" in response.content.decode()
    client.post(url, {"text": "十点恢复"})
    assert emergency.updates.get().body == "十点恢复"
    stale = emergency.lock_version
    client.post(
        reverse("emergencies:act", args=[emergency.number, "evaluate-submit"]),
        {"lock_version": stale + 5},
    )
    emergency.refresh_from_db()
    assert emergency.status == Status.ACTIVE


def test_attach_from_the_work_order_in_one_step(client, agent, active, file_order):
    emergency = active()
    order = file_order()
    client.force_login(agent)
    url = reverse("emergencies:attach", args=[order.number])
    assert emergency.number in client.get(url).content.decode()
    client.post(url, {"emergency": emergency.number})
    order.refresh_from_db()
    assert order.parent_id == emergency.work_order_id


def test_report_lists_the_month_with_time_and_cost_and_renders_a_pdf(
    client, supervisor, engineer, active, tmp_path
):
    emergency = active()
    request = resource_services.resource_request_create(
        emergency=emergency,
        actor=engineer,
        kind="purchase",
        description="交换机",
        product="交换机",
        supplier="华为",
        cost="1234.50",
    )
    resource_services.resource_request_approve(request=request, actor=supervisor)
    report = resource_services.report_create(
        actor=supervisor, period=ReportPeriod.MONTH, starts_on=timezone.localdate()
    )
    assert report.number.startswith("D0405-")
    client.force_login(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    assert emergency.number in page and "1234.50" in page
    pdf = client.get(reverse("emergencies:report_pdf", args=[report.number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        path = tmp_path / "r.pdf"
        path.write_bytes(pdf.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert emergency.number in text and "1234.50" in text


def test_impact_lists_vips_first_on_the_page(
    client, supervisor, declare, switch, make_person, vip_level
):
    from cmdb.services import ci_create, relationship_create

    plain = make_person(name="普通用户")
    vip = make_person(name="重要领导", service_level=vip_level)
    terminal = ci_create(
        actor=system_user(),
        ci_class=switch.ci_class,
        asset_tag="PC-9",
        name="终端",
        users=[plain, vip],
    )
    relationship_create(actor=system_user(), source=terminal, target=switch, type="depends_on")
    emergency = declare(work_order=None, service=switch)
    client.force_login(supervisor)
    page = client.get(emergency.get_absolute_url()).content.decode()
    assert page.index("重要领导") < page.index("普通用户")


def test_emergency_page_query_count_stays_flat_as_records_grow(
    client, supervisor, engineer, active
):
    from emergencies import resource_services, services

    emergency = active()

    def grow():
        services.process_entry_add(emergency=emergency, actor=engineer, text="处理")
        services.status_update_send(emergency=emergency, actor=engineer, body="进展")
        resource_services.resource_request_create(
            emergency=emergency,
            actor=engineer,
            kind="coordination",
            description="协调",
            from_whom="信息中心",
        )

    grow()
    client.force_login(supervisor)
    _queries(client, emergency.get_absolute_url())  # warm: the menu is drawn once (itsm.navigation)
    few = _queries(client, emergency.get_absolute_url())
    for _ in range(4):
        grow()
    assert _queries(client, emergency.get_absolute_url()) == few


def test_declaring_from_a_service_outage_on_the_page(client, supervisor, engineer, switch):
    client.force_login(supervisor)
    data = {"type": "wide_outage", "severity": "high", "scope": "全楼", "commander": engineer.pk}
    response = client.post(reverse("emergencies:declare"), {**data, "service_tag": "NOPE"})
    assert (
        "No configuration item" in response.content.decode() or "没有" in response.content.decode()
    )
    assert not Emergency.objects.exists()
    client.post(reverse("emergencies:declare"), {**data, "service_tag": switch.asset_tag})
    emergency = Emergency.objects.get()
    assert emergency.service == switch and emergency.work_order.device == switch


def test_the_assignee_marks_a_follow_up_done(client, engineer, supervisor, agent, active):
    from emergencies import services

    emergency = active()
    services.emergency_submit_for_evaluation(emergency=emergency, actor=engineer)
    services.emergency_evaluate(
        emergency=emergency,
        actor=supervisor,
        outcome="met",
        opinion="ok",
        follow_ups=[("更新拓扑图", agent)],
    )
    task = emergency.follow_ups.get()
    client.force_login(agent)
    client.post(
        reverse("emergencies:act", args=[emergency.number, "follow-up-done"]), {"task": task.pk}
    )
    task.refresh_from_db()
    assert task.done_at is not None


def test_the_work_order_page_links_the_emergency_it_started(
    client, supervisor, declare, file_order
):
    """The page reads whether the order started an emergency with the order itself
    (incidents.selectors.PRESENT): one that did links it, one that did not offers to."""
    emergency = declare()
    plain = file_order()
    client.force_login(supervisor)
    page = client.get(reverse("incidents:detail", args=[emergency.work_order.number]))
    assert emergency.get_absolute_url() in page.content.decode()
    page = client.get(reverse("incidents:detail", args=[plain.number])).content.decode()
    assert emergency.get_absolute_url() not in page
    assert f"?work_order={plain.number}" in page  # "Declare an emergency"
