import pytest
from rest_framework.test import APIClient

from inspections import services

from .conftest import all_pass

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_plan_goes_through_the_api_with_lock_version(plan, engineer, supervisor):
    api = _client(engineer)
    listed = api.get("/api/inspection-plans/").json()
    assert [row["number"] for row in listed["results"]] == [plan.number]
    stale = api.post(f"/api/inspection-plans/{plan.pk}/submit/", {"lock_version": 0}, format="json")
    assert stale.status_code == 409
    ok = api.post(
        f"/api/inspection-plans/{plan.pk}/submit/",
        {"lock_version": plan.lock_version},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "awaiting_supervisor"
    refused = api.post(
        f"/api/inspection-plans/{plan.pk}/approve/",
        {"lock_version": ok.json()["lock_version"]},
        format="json",
    )
    assert refused.status_code == 403
    signed = _client(supervisor).post(
        f"/api/inspection-plans/{plan.pk}/approve/",
        {"lock_version": ok.json()["lock_version"], "comment": "同意"},
        format="json",
    )
    assert signed.json()["status"] == "awaiting_ops"
    assert signed.json()["approvals"][0]["comment"] == "同意"


def test_end_user_gets_nothing(plan, end_user):
    assert _client(end_user).get("/api/inspection-plans/").status_code == 403


def test_record_created_once_and_second_is_409_naming_the_first(approved_plan, engineer, devices):
    api = _client(engineer)
    route = approved_plan.rounds.get()
    ci = devices[0]
    body = {
        "round": route.pk,
        "device": ci.pk,
        "results": [{"item": line.item_id, "result": "pass"} for line in all_pass(ci)],
    }
    first = api.post("/api/inspection-records/", body, format="json")
    assert first.status_code == 201, first.content
    second = api.post("/api/inspection-records/", body, format="json")
    assert second.status_code == 409 and second.json()["record"] == first.json()["number"]
    assert api.get("/api/inspection-records/").json()["count"] == 1


def test_report_submit_refused_while_plan_unapproved(plan, engineer):
    report = services.report_create(plan=plan, actor=engineer)
    answer = _client(engineer).post(
        f"/api/inspection-reports/{report.pk}/submit/",
        {"lock_version": report.lock_version},
        format="json",
    )
    assert answer.status_code == 403
