"""Phone intake as the desk works a call: knowledge suggestions while typing, "resolved on
the call" (a measured first-contact resolution) and an unknown caller added on the spot."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from incidents.choices import Status
from incidents.models import WorkOrder
from servicedesk.models import Person

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def _call_started(page: str) -> str:
    return re.search(r'name="call_started" value="([^"]+)"', page).group(1)


def test_the_intake_form_suggests_knowledge_while_typing(client, agent, end_user):
    client.force_login(agent)
    page = client.get(reverse("incidents:intake"), {"caller": end_user.pk}).content.decode()
    assert f'hx-get="{reverse("knowledge:suggest")}?from=intake"' in page
    assert 'name="outcome"' in page


def test_resolved_on_the_call_is_measured_from_when_the_caller_was_picked(client, agent, end_user):
    client.force_login(agent)
    url = reverse("incidents:intake")
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=SH), tick=False):
        page = client.get(url, {"caller": end_user.pk}).content.decode()
    with time_machine.travel(datetime(2026, 11, 24, 9, 4, tzinfo=SH), tick=False):
        response = client.post(
            url,
            {
                "caller": end_user.pk,
                "title": "Outlook 无法发送",
                "urgency": "medium",
                "impact": "low",
                "outcome": "resolved",
                "resolution": "指导用户清理发件箱",
                "call_started": _call_started(page),
            },
        )
    assert response.status_code == 302
    order = WorkOrder.objects.get(title="Outlook 无法发送")
    assert order.status == Status.RESOLVED and order.first_contact_resolution
    assert order.guidance_seconds == 240 and order.assignee is None


def test_a_forged_call_start_is_not_believed(client, agent, end_user):
    client.force_login(agent)
    client.post(
        reverse("incidents:intake"),
        {
            "caller": end_user.pk,
            "title": "Outlook 无法发送",
            "urgency": "medium",
            "impact": "low",
            "outcome": "resolved",
            "resolution": "指导用户清理发件箱",
            "call_started": "2020-01-01T00:00:00+00:00",
        },
    )
    assert WorkOrder.objects.get().guidance_seconds < 60


def test_resolved_on_the_call_needs_what_was_done_and_keeps_the_text(client, agent, end_user):
    client.force_login(agent)
    response = client.post(
        reverse("incidents:intake"),
        {
            "caller": end_user.pk,
            "title": "Outlook 无法发送",
            "urgency": "medium",
            "impact": "low",
            "outcome": "resolved",
        },
    )
    assert response.status_code == 200
    assert "Outlook 无法发送" in response.content.decode()
    assert not WorkOrder.objects.exists()


def test_an_unknown_caller_is_added_on_the_spot(client, agent):
    client.force_login(agent)
    url = reverse("incidents:intake")
    page = client.get(url, {"q": "020-83001234"}).content.decode()
    assert 'id="new-caller" open' in page and 'value="020-83001234"' in page
    response = client.post(
        url, {"caller-name": "陈小红", "caller-phone": "020-83001234", "caller-department": ""}
    )
    person = Person.objects.get(name="陈小红")
    assert response.status_code == 302 and f"caller={person.user_id}" in response["Location"]
    assert person.phone == "020-83001234" and not person.user.has_usable_password()
    # The same number again is the same person: refused, naming them.
    again = client.post(url, {"caller-name": "陈红", "caller-phone": "020-83001234"})
    assert again.status_code == 200 and "陈小红" in again.content.decode()
    assert Person.objects.filter(phone="020-83001234").count() == 1


def test_only_the_desk_adds_callers(client, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("incidents:intake"), {"caller-name": "陈小红", "caller-phone": "020-83001234"}
    )
    assert response.status_code == 403
    assert not Person.objects.filter(name="陈小红").exists()


def test_old_posts_without_an_outcome_still_record_for_dispatch(client, agent, end_user):
    client.force_login(agent)
    client.post(
        reverse("incidents:intake"),
        {"caller": end_user.pk, "title": "键盘失灵", "urgency": "medium", "impact": "low"},
    )
    order = WorkOrder.objects.get()
    assert order.status == Status.NEW and order.created_at > datetime.now(SH) - timedelta(hours=1)
