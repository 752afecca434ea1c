"""§4.3.2: what to mind with each service recipient, shown to those who serve them."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

NOTES = "月底结账期间避免重启 <script>x</script>"


@pytest.fixture
def noted(end_user):
    end_user.person.service_notes = NOTES
    end_user.person.save()
    return end_user


def test_the_desk_reads_the_callers_notes_while_taking_the_call(client, agent, noted):
    client.force_login(agent)
    page = client.get(reverse("incidents:intake"), {"caller": noted.pk}).content.decode()
    assert "月底结账期间避免重启 &lt;script&gt;" in page
    assert "服务注意事项" in page


def test_the_work_order_shows_the_notes_to_staff_but_not_to_the_requester(
    client, agent, noted, file_order
):
    order = file_order()
    url = reverse("incidents:detail", args=[order.number])
    client.force_login(agent)
    assert "月底结账期间避免重启" in client.get(url).content.decode()
    client.force_login(noted)
    assert "月底结账期间避免重启" not in client.get(url).content.decode()


def test_the_api_gives_the_notes_to_staff_only(agent, noted, approver):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(agent)
    rows = api.get("/api/people/", {"q": noted.person.name}).json()
    rows = rows.get("results", rows)
    assert rows[0]["service_notes"] == NOTES
    api.force_authenticate(noted)
    assert api.get("/api/people/me/").json()["service_notes"] is None
