"""The service-record API: the records of the work orders you may see; confirm and review
through the same services (refusals as 403/400/409)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from incidents import services
from incidents.models import ServiceRecord
from incidents.service_records import services as record_services
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db

URL = "/api/service-records/"


def as_user(user):
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def record(file_order, agent, engineer):
    order = services.work_order_assign(
        work_order=file_order(),
        actor=agent,
        assignee=engineer,
        service_type="on_site",
        response_mode="on_site",
    )
    now = timezone.now()
    return record_services.service_record_create(
        work_order=order,
        actor=engineer,
        arrived_at=now - timedelta(minutes=30),
        left_at=now,
        work_done="更换硒鼓",
    )


def test_list_shows_records_of_visible_work_orders_only(record, end_user, agent, make_person):
    rows = as_user(end_user).get(URL).json()["results"]
    assert [r["number"] for r in rows] == [record.number]
    assert rows[0]["work_order"] == record.work_order.number and rows[0]["minutes_on_site"] == 30
    assert as_user(make_person(Role.END_USER)).get(URL).json()["results"] == []
    assert as_user(make_person(Role.ENGINEER)).get(f"{URL}{record.number}/").status_code == 404
    assert as_user(agent).get(URL, {"status": "accepted"}).json()["results"] == []


def test_confirm_then_review_with_refusals_as_http_answers(record, end_user, agent):
    url = f"{URL}{record.number}/"
    # Accepting before the user confirmed: 400 with the service's message.
    refused = as_user(agent).post(
        url + "review/", {"lock_version": record.lock_version, "accept": True}, format="json"
    )
    assert refused.status_code == 400 and "not confirmed" in str(refused.json())
    assert (
        as_user(agent).post(url + "confirm/", {"lock_version": 1}, format="json").status_code == 403
    )
    done = as_user(end_user).post(url + "confirm/", {"lock_version": 1}, format="json")
    assert done.status_code == 200 and done.json()["confirmation_method"] == "portal"
    stale = as_user(agent).post(url + "review/", {"lock_version": 1, "accept": True}, format="json")
    assert stale.status_code == 409
    fresh = ServiceRecord.objects.get().lock_version
    done = as_user(agent).post(
        url + "review/", {"lock_version": fresh, "accept": True}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "accepted"


def test_work_order_api_shows_and_filters_type_and_mode(record, agent):
    client = as_user(agent)
    row = client.get(f"/api/incidents/{record.work_order.number}/").json()
    assert (row["service_type"], row["response_mode"], row["vehicle_needed"]) == (
        "on_site",
        "on_site",
        None,
    )
    numbers = [
        r["number"]
        for r in client.get("/api/incidents/", {"service_type": "on_site"}).json()["results"]
    ]
    assert numbers == [record.work_order.number]
    assert client.get("/api/incidents/", {"response_mode": "none"}).json()["results"] == []
