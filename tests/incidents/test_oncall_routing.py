"""Outside working hours, phone calls and escalations go to the people on call; inside
them, the queue and the usual targets stay as they were."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from incidents import scans, services
from incidents.choices import Status
from incidents.models import WorkOrder
from servicedesk.choices import OnCallRole
from servicedesk.models import Notification, OnCallShift

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db

EVENING = datetime(2026, 11, 24, 20, 0, tzinfo=SH)  # a Tuesday, after 17:30
MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=SH)


@pytest.fixture
def rota(agent, engineer, supervisor):
    """Tuesday 08:00 to Wednesday 09:00: the agent on the phone, the engineer on site."""
    start, end = datetime(2026, 11, 24, 8, tzinfo=SH), datetime(2026, 11, 25, 9, tzinfo=SH)
    OnCallShift.objects.create(user=agent, role=OnCallRole.PHONE, starts_at=start, ends_at=end)
    OnCallShift.objects.create(user=engineer, role=OnCallRole.ON_SITE, starts_at=start, ends_at=end)
    return {"phone": agent, "on_site": engineer}


def _call(client, caller, **extra):
    data = {
        "caller": caller.pk,
        "title": "打印机无法打印",
        "urgency": "medium",
        "impact": "low",
        "outcome": "dispatch",
        **extra,
    }
    return client.post(reverse("incidents:intake"), data)


def test_a_call_out_of_hours_is_dispatched_to_the_engineer_on_call(
    client, rota, supervisor, end_user
):
    client.force_login(supervisor)  # the supervisor takes the call; the agent has the phone
    with time_machine.travel(EVENING, tick=False):
        page = client.get(reverse("incidents:intake"), {"caller": end_user.pk}).content.decode()
        assert 'name="keep_in_queue"' in page and "张伟" in page
        response = _call(client, end_user)
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.status == Status.ASSIGNED and order.assignee == rota["on_site"]
    told = set(
        Notification.objects.filter(subject__contains=order.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"engineer", "agent"} <= told  # the assignee, and the phone on call


def test_a_call_in_working_hours_waits_in_the_queue(client, rota, agent, end_user):
    client.force_login(agent)
    with time_machine.travel(MORNING, tick=False):
        page = client.get(reverse("incidents:intake"), {"caller": end_user.pk}).content.decode()
        assert 'name="keep_in_queue"' not in page
        _call(client, end_user)
    order = WorkOrder.objects.get()
    assert order.status == Status.NEW and order.assignee is None


def test_a_call_the_desk_marks_not_urgent_waits_for_the_morning(client, rota, agent, end_user):
    client.force_login(agent)
    with time_machine.travel(EVENING, tick=False):
        _call(client, end_user, keep_in_queue="on")
    assert WorkOrder.objects.get().status == Status.NEW


def test_out_of_hours_with_nobody_on_call_the_call_stays_in_the_queue(client, agent, end_user):
    client.force_login(agent)
    with time_machine.travel(EVENING, tick=False):
        response = _call(client, end_user)
        page = client.get(response["Location"]).content.decode()
    assert WorkOrder.objects.get().status == Status.NEW
    assert "无人值班" in page


def test_out_of_hours_a_dispatch_breach_goes_to_the_people_on_call(
    rota, supervisor, file_order, django_capture_on_commit_callbacks
):
    with time_machine.travel(EVENING, tick=False):
        order = file_order()
    later = datetime(2026, 11, 24, 20, 15, tzinfo=SH)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        scans.sla_scan()
    told = set(
        Notification.objects.filter(subject__contains=order.number)
        .exclude(recipient=order.requester)
        .values_list("recipient__username", flat=True)
    )
    assert told == {"agent", "engineer"}


def test_in_working_hours_a_dispatch_breach_goes_to_the_supervisor(
    rota, supervisor, file_order, django_capture_on_commit_callbacks
):
    with time_machine.travel(MORNING, tick=False):
        order = file_order()
    later = datetime(2026, 11, 24, 10, 15, tzinfo=SH)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        scans.sla_scan()
    told = set(
        Notification.objects.filter(subject__contains=order.number)
        .exclude(recipient=order.requester)
        .values_list("recipient__username", flat=True)
    )
    assert told == {"supervisor"}


def test_an_engineers_escalation_at_night_reaches_the_phone_on_call_not_the_whole_desk(
    rota, agent, make_person, engineer, file_order
):
    from servicedesk.choices import Role

    make_person(Role.SERVICE_DESK, username="agent2", name="其他坐席")
    with time_machine.travel(EVENING, tick=False):
        order = services.work_order_assign(work_order=file_order(), actor=agent, assignee=engineer)
        services.work_order_escalate(work_order=order, actor=engineer, note="需要厂家支持")
    told = set(
        Notification.objects.filter(subject__contains="升级").values_list(
            "recipient__username", flat=True
        )
    )
    assert "agent2" not in told and {"agent"} <= told
