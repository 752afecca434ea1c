"""A fault submitted twice (double click, resent page, API retry) is filed once."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from incidents.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_the_same_form_submitted_twice_files_one_work_order(client, end_user):
    client.force_login(end_user)
    page = client.get(reverse("incidents:report")).content.decode()
    key = re.search(r'name="filing_key" value="([0-9a-f]{32})"', page).group(1)
    data = {"title": "打印机卡纸", "urgency": "medium", "filing_key": key}
    first = client.post(reverse("incidents:report"), data)
    second = client.post(reverse("incidents:report"), data, follow=True)
    assert WorkOrder.objects.count() == 1
    number = WorkOrder.objects.get().number
    assert first["Location"].endswith(f"/{number}/")
    assert number in second.content.decode()


def test_two_forms_file_two_work_orders(client, end_user):
    client.force_login(end_user)
    for key in ("a" * 32, "b" * 32):
        client.post(
            reverse("incidents:report"), {"title": "卡纸", "urgency": "medium", "filing_key": key}
        )
    assert WorkOrder.objects.count() == 2


def test_an_api_retry_with_the_same_idempotency_key_files_nothing_new(end_user, make_person):
    api = APIClient()
    api.force_authenticate(end_user)
    body = {"title": "显示器不亮"}
    first = api.post("/api/incidents/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    retry = api.post("/api/incidents/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and retry.status_code == 200
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["number"] == first.json()["number"]
    assert WorkOrder.objects.count() == 1

    # Keys are per user: someone else's identical key is their own filing.
    other = make_person(username="other")
    api.force_authenticate(other)
    assert (
        api.post("/api/incidents/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code
        == 201
    )
    assert WorkOrder.objects.count() == 2
