import pytest

from emergencies.choices import Status
from emergencies.models import Emergency, ResourceRequest

pytestmark = pytest.mark.django_db


def test_declare_approve_and_activate_through_the_api(
    client, supervisor, info_centre, engineer, file_order
):
    order = file_order()
    client.force_login(supervisor)
    bad = client.post(
        "/api/emergencies/",
        {"work_order": order.number, "type": "", "scope": "", "commander": "engineer"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "type" in bad.json()
    assert not Emergency.objects.exists()
    made = client.post(
        "/api/emergencies/",
        {
            "work_order": order.number,
            "type": "wide_outage",
            "severity": "critical",
            "scope": "全楼",
            "commander": "engineer",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert client.post(f"/api/emergencies/{number}/approve/").status_code == 403
    client.force_login(info_centre)
    assert client.post(f"/api/emergencies/{number}/approve/").status_code == 200
    client.force_login(engineer)
    assert (
        client.post(
            f"/api/emergencies/{number}/activate/",
            {"lock_version": 1},
            content_type="application/json",
        ).status_code
        == 409
    )
    response = client.post(f"/api/emergencies/{number}/activate/")
    assert response.json()["status"] == Status.ACTIVE


def test_resource_requests_api_refuses_the_requesters_own_approval(
    client, active, engineer, supervisor
):
    emergency = active()
    client.force_login(engineer)
    made = client.post(
        "/api/emergency-resource-requests/",
        {
            "emergency": emergency.number,
            "kind": "purchase",
            "description": "交换机",
            "product": "S5735",
            "supplier": "华为",
            "cost": "100.00",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert client.post(f"/api/emergency-resource-requests/{number}/approve/").status_code == 403
    client.force_login(supervisor)
    assert client.post(f"/api/emergency-resource-requests/{number}/approve/").status_code == 200
    assert ResourceRequest.objects.get().status == "approved"
