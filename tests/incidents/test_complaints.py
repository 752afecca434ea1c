"""Complaints as the customer runs them: a menu entry and a queue tab for the supervisor
and the manager, a refusal that names who handles them, the complaint on its work order,
and the caller (not the agent) as the complainant of a complaint the desk logs."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(file_order):
    return file_order(title="打印机卡纸")


def test_the_desk_logs_a_phone_complaint_as_the_callers(client, order, agent, end_user):
    client.force_login(agent)
    response = client.post(
        reverse("incidents:act", args=[order.number, "complain"]),
        {"lock_version": order.lock_version, "complain-description": "工程师迟到两小时"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.complainant == end_user and complaint.raised_by == agent
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert 'id="complaints"' in page and "工程师迟到两小时" in page
    # The requester sees their complaint on the order too (the timeline line is internal).
    client.force_login(end_user)
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert "工程师迟到两小时" in page


def test_a_requester_complaining_is_the_complainant(order, end_user):
    complaint = services.complaint_raise(actor=end_user, description="太慢", work_order=order)
    assert complaint.complainant == end_user


@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_supervisor_and_manager_have_the_menu_entry_and_the_queue_tab(
    client, request, order, end_user, role
):
    services.complaint_raise(actor=end_user, description="太慢", work_order=order)
    user = request.getfixturevalue(role)
    client.force_login(user)
    page = client.get(reverse("incidents:queue")).content.decode()
    complaints = reverse("incidents:complaints")
    assert f'href="{complaints}"' in page  # the menu
    assert 'data-tab="complaints"' in page  # the queue's tab, with the open count
    assert client.get(complaints).status_code == 200


def test_the_agents_refusal_names_who_handles_complaints(client, agent, supervisor, manager):
    client.force_login(agent)
    page = client.get(reverse("incidents:queue")).content.decode()
    assert 'data-tab="complaints"' not in page
    response = client.get(reverse("incidents:complaints"))
    assert response.status_code == 403
    text = response.content.decode()
    assert supervisor.person.name in text and manager.person.name in text


def test_the_manager_handles_a_complaint(client, order, end_user, manager):
    complaint = services.complaint_raise(actor=end_user, description="太慢", work_order=order)
    client.force_login(manager)
    response = client.post(
        reverse("incidents:complaints"),
        {"complaint": complaint.pk, f"c{complaint.pk}-outcome": "已与工程师谈话"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "handled" and complaint.handled_by == manager
