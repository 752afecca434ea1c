"""The API: the same rules as the pages, refusals as 403/400/409 with the services' words."""

import pytest
from rest_framework.test import APIClient

from repairs.models import BlacklistApplication, BlacklistEntry, VendorOrder

from .helpers import new_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _blacklist(vendor, day):
    application = BlacklistApplication.objects.create(
        vendor=vendor, kind="add", month=day.replace(day=1), nonconformance_count=3, reason="三次不合格",
        status="approved",
    )  # fmt: skip
    return BlacklistEntry.objects.create(
        vendor=vendor, listed_on=day, reason="三次不合格", application=application
    )


def test_an_order_to_a_blacklisted_vendor_is_refused_naming_the_entry(
    frozen, api, engineer, work_order, vendor
):
    entry = _blacklist(vendor, work_order.created_at.date())
    api.force_authenticate(engineer)
    response = api.post("/api/vendor-orders/", {
        "work_order": work_order.number, "vendor": vendor.pk, "product": "PC",
        "problem_description": "坏了", "problem_type": "hardware",
    }, format="json")  # fmt: skip
    assert response.status_code == 403
    assert entry.number in response.json()["detail"]
    assert not VendorOrder.objects.exists()
    vendors = api.get("/api/vendors/").json()["results"]
    assert vendors[0]["blacklist_entry"] == entry.number


def test_vendor_order_steps_through_the_api(frozen, api, engineer, supervisor, work_order, vendor):
    api.force_authenticate(engineer)
    created = api.post("/api/vendor-orders/", {
        "work_order": work_order.number, "vendor": vendor.pk, "product": "PC",
        "problem_description": "坏了", "problem_type": "hardware",
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    number, version = created.json()["number"], created.json()["lock_version"]
    submitted = api.post(
        f"/api/vendor-orders/{number}/submit/", {"lock_version": version}, format="json"
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    stale = api.post(
        f"/api/vendor-orders/{number}/submit/", {"lock_version": version}, format="json"
    )
    assert stale.status_code == 409
    refused = api.post(f"/api/vendor-orders/{number}/review/", {
        "lock_version": submitted.json()["lock_version"], "decision": "approve"}, format="json")  # fmt: skip
    assert refused.status_code == 403
    api.force_authenticate(supervisor)
    approved = api.post(f"/api/vendor-orders/{number}/review/", {
        "lock_version": submitted.json()["lock_version"], "decision": "approve"}, format="json")  # fmt: skip
    assert approved.json()["status"] == "approved"


def test_return_of_a_device_never_sent_is_refused_by_the_api(
    frozen, api, engineer, work_order, vendor
):
    api.force_authenticate(engineer)
    past = api.post("/api/repair-orders/", {
        "work_order": work_order.number, "fault": "坏了", "kind": "third_party", "vendor": vendor.pk,
        "data_handling": "kept", "planned_send_on": "2026-01-05",
    }, format="json")  # fmt: skip
    assert past.status_code == 400 and "已过去" in str(past.json())
    created = api.post("/api/repair-orders/", {
        "work_order": work_order.number, "fault": "坏了", "kind": "third_party", "vendor": vendor.pk,
        "data_handling": "kept",
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    response = api.post(
        f"/api/repair-orders/{body['number']}/return/",
        {"lock_version": body["lock_version"]},
        format="json",
    )
    assert response.status_code == 403 and "从未送修" in response.json()["detail"]


def test_list_and_object_agree_for_an_end_user(
    frozen, api, engineer, end_user, make_person, work_order, vendor
):
    from servicedesk.choices import Role

    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    api.force_authenticate(end_user)
    assert [o["number"] for o in api.get("/api/vendor-orders/").json()["results"]] == [order.number]
    assert api.get(f"/api/vendor-orders/{order.number}/").status_code == 200
    other = make_person(Role.END_USER, username="other")
    api.force_authenticate(other)
    assert api.get("/api/vendor-orders/").json()["results"] == []
    assert api.get(f"/api/vendor-orders/{order.number}/").status_code == 404
    assert api.get("/api/vendor-nonconformances/").status_code == 403


def test_nonconformances_are_listed(frozen, api, engineer, supervisor, agent, work_order, vendor):
    from .helpers import fail, to_confirmed

    order = to_confirmed(new_order(engineer=engineer, work_order=work_order, vendor=vendor),
                         engineer=engineer, supervisor=supervisor, agent=agent)  # fmt: skip
    record = fail(order, engineer=engineer)
    api.force_authenticate(supervisor)
    rows = api.get("/api/vendor-nonconformances/").json()["results"]
    assert rows[0]["number"] == record.number and rows[0]["work_order_number"] == work_order.number
