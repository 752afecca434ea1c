import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services
from inspections.models import InspectionRecord

from .conftest import all_pass

pytestmark = pytest.mark.django_db


def test_plan_pages_render_for_engineer(client, plan, engineer):
    client.force_login(engineer)
    assert client.get(reverse("inspections:plan_list")).status_code == 200
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and plan.number in page.content.decode()
    assert client.get(reverse("inspections:plan_create")).status_code == 200


def test_end_user_cannot_see_inspections(client, plan, end_user):
    client.force_login(end_user)
    assert client.get(reverse("inspections:plan_list")).status_code == 403
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_approver_does_not_see_a_never_submitted_draft(client, plan, approver):
    client.force_login(approver)
    assert client.get(plan.get_absolute_url()).status_code == 404


def _round_queries(client, route):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(route.get_absolute_url()).status_code == 200
    return len(ctx)


def test_round_page_query_count_is_flat(client, approved_plan, engineer, make_ci):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    _round_queries(client, route)  # warm: the menu is drawn once (itsm.navigation)
    few = _round_queries(client, route)
    for _ in range(20):
        approved_plan.devices.create(ci=make_ci(), round=route)
    assert _round_queries(client, route) == few


def test_scanned_tag_opens_the_record_form(client, approved_plan, engineer, devices):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    answer = client.get(route.get_absolute_url(), {"tag": devices[0].asset_tag.lower()})
    assert answer.url == reverse("inspections:record_form", args=[route.pk, devices[0].pk])


def test_record_form_saves_and_a_second_is_refused_with_a_link(
    client, approved_plan, engineer, devices
):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    ci = devices[0]
    url = reverse("inspections:record_form", args=[route.pk, ci.pk])
    page = client.get(url)
    form = page.context["form"]
    data = {f"result_{item.pk}": "pass" for item in form.items}
    data[f"result_{form.items[0].pk}"] = "fail"
    data[f"note_{form.items[0].pk}"] = "键盘脏污"
    answer = client.post(url, data)
    assert answer.status_code == 302
    record = InspectionRecord.objects.get()
    assert record.lines.filter(result="fail").count() == 1
    again = client.get(url)
    assert record.get_absolute_url() in again.content.decode()


def test_device_not_in_plan_asks_before_adding(client, approved_plan, engineer, make_ci):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    stranger = make_ci()
    page = client.get(reverse("inspections:record_form", args=[route.pk, stranger.pk]))
    assert 'name="add_to_plan"' in page.content.decode()


def test_route_sheet_is_a_pdf(client, approved_plan, engineer):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    answer = client.get(reverse("inspections:route_sheet", args=[route.pk]))
    assert answer["Content-Type"] == "application/pdf" and answer.content.startswith(b"%PDF")


def test_paper_entry_saves_ticked_devices(client, approved_plan, engineer, devices):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    url = reverse("inspections:paper_entry", args=[route.pk])
    client.post(url, {f"done_{devices[0].pk}": "1", f"done_{devices[1].pk}": "1"})
    assert InspectionRecord.objects.filter(on_paper=True).count() == 2


def test_offline_sync_is_idempotent_and_shows_conflicts(client, approved_plan, engineer, devices):
    client.force_login(engineer)
    route = approved_plan.rounds.get()
    ci = devices[0]
    items = [line.item_id for line in all_pass(ci)]
    body = {
        "client_id": "c1",
        "device": ci.pk,
        "results": [{"item": i, "result": "pass"} for i in items],
    }
    url = reverse("inspections:offline_sync", args=[route.pk])
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert first.json()["status"] == again.json()["status"] == "saved"
    other = client.post(url, {**body, "client_id": "c2"}, content_type="application/json")
    assert other.status_code == 409 and other.json()["status"] == "conflict"
    assert InspectionRecord.objects.count() == 1
    data = client.get(reverse("inspections:offline_data", args=[route.pk])).json()
    assert len(data["devices"]) == 3 and data["devices"][0]["done"] in (True, False)


def test_discrepancy_list_and_report_pages(
    client, approved_plan, engineer, supervisor, devices, other_location
):
    route = approved_plan.rounds.get()
    services.record_save(
        round=route,
        ci=devices[0],
        actor=engineer,
        lines=all_pass(devices[0]),
        observed=services.Observed(location=other_location),
    )
    client.force_login(supervisor)
    page = client.get(reverse("inspections:discrepancy_list"))
    assert "302" in page.content.decode()
    report = services.report_create(plan=approved_plan, actor=engineer)
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    assert client.get(reverse("inspections:report_pdf", args=[report.pk])).content.startswith(
        b"%PDF"
    )


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("inspections:plan_list")).status_code == 200
        assert client.get(reverse("inspections:discrepancy_list")).status_code == 200
    return len(ctx)


def test_list_pages_query_count_is_flat(client, supervisor, engineer, devices, other_location):
    from datetime import date

    client.force_login(supervisor)

    def add_month(month):
        plan = services.plan_create(
            actor=engineer, period=date(2026, month, 1), title=f"{month}月", engineers=[engineer]
        )
        return plan

    add_month(1)
    _list_queries(client)  # warm: the menu is drawn once (itsm.navigation)
    few = _list_queries(client)
    for month in range(2, 8):
        add_month(month)
    assert _list_queries(client) == few


def test_unknown_tag_is_said_and_counted_for_the_report(client, approved_plan, engineer):
    from inspections.selectors import report_figures

    client.force_login(engineer)
    route = approved_plan.rounds.get()
    page = client.get(route.get_absolute_url(), {"tag": "NO-SUCH-1"}, follow=True)
    assert "NO-SUCH-1" in page.content.decode()
    client.get(route.get_absolute_url(), {"tag": "NO-SUCH-1"})
    assert report_figures(plan=approved_plan)["unknown_tags"] == ["NO-SUCH-1"]


def test_reasons_for_devices_not_reached_reach_the_report(client, approved_plan, engineer, devices):
    from inspections.selectors import report_figures

    route = approved_plan.rounds.get()
    services.record_save(round=route, ci=devices[0], actor=engineer, lines=all_pass(devices[0]))
    report = services.report_create(plan=approved_plan, actor=engineer)
    client.force_login(engineer)
    page = client.get(report.get_absolute_url())
    missing = list(page.context["not_reached"])
    assert {e.ci_id for e in missing} == {devices[1].pk, devices[2].pk}
    client.post(
        report.get_absolute_url(), {"explain": "1", f"why_{missing[0].pk}": "用户出差，办公室锁门"}
    )
    assert any("用户出差" in line for line in report_figures(plan=approved_plan)["not_reached"])
