"""An antivirus outbreak's major work order leads the supervisor into the emergency process."""

import pytest
from django.urls import reverse
from django.utils import timezone

from antivirus.models import Outbreak
from incidents.services import work_order_create

pytestmark = pytest.mark.django_db


def test_the_outbreak_page_offers_the_supervisor_to_declare_a_virus_outbreak(
    client, supervisor, end_user
):
    order = work_order_create(actor=supervisor, requester=supervisor, title="勒索病毒爆发")
    now = timezone.now()
    outbreak = Outbreak.objects.create(
        threat="WannaCry", first_seen=now, last_seen=now, host_count=9, work_order=order
    )
    client.force_login(supervisor)
    page = client.get(reverse("antivirus:outbreak_detail", args=[outbreak.pk])).content.decode()
    declare = f"{reverse('emergencies:declare')}?work_order={order.number}&amp;type=virus_outbreak"
    assert declare in page

    form = client.get(
        reverse("emergencies:declare"), {"work_order": order.number, "type": "virus_outbreak"}
    ).content.decode()
    assert 'value="virus_outbreak" selected' in form
