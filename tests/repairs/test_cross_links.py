"""The later processes are reachable from the records they start from."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_work_order_page_offers_the_desk_a_send_out_and_a_vendor_order(
    client, engineer, work_order
):
    client.force_login(engineer)
    page = client.get(reverse("incidents:detail", args=[work_order.number])).content.decode()
    assert f"{reverse('repairs:repair_create')}?work_order={work_order.number}" in page
    assert f"{reverse('repairs:vendor_order_create')}?work_order={work_order.number}" in page


def test_the_end_user_is_not_offered_a_send_out(client, end_user, work_order):
    client.force_login(end_user)
    page = client.get(reverse("incidents:detail", args=[work_order.number])).content.decode()
    assert reverse("repairs:repair_create") not in page


def test_a_computers_page_loads_its_antivirus_protection(client, engineer, device):
    client.force_login(engineer)
    page = client.get(reverse("cmdb:ci_detail", args=[device.pk])).content.decode()
    assert reverse("antivirus:ci_protection", args=[device.pk]) in page
    partial = client.get(reverse("antivirus:ci_protection", args=[device.pk]))
    assert partial.status_code == 200
