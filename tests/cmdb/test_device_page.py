"""Issue 16 item 10: a device's page lists its work orders, changes and inspections, offers
"report a fault for this device", and the desk and engineers correct its location, user,
IP and seal on a page, naming the work order the change was made for (§6.3.6)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cmdb.choices import SealStatus
from cmdb.services.field_edits import ci_field_edit
from incidents import services as incidents
from incidents.models import WorkOrderEvent
from servicedesk.models import Building, Location


@pytest.fixture
def device(make_ci, end_user):
    return make_ci(asset_tag="GZ-PC-0301", name="财务处台式机", responsible=end_user)


@pytest.fixture
def order(device, end_user, agent, engineer):
    made = incidents.work_order_create(
        actor=end_user, requester=end_user, title="电脑无法开机", device=device
    )
    return incidents.work_order_assign(work_order=made, actor=agent, assignee=engineer)


@pytest.fixture
def new_room(db):
    return Location.objects.create(
        building=Building.objects.get_or_create(name="机关办公楼")[0], floor="5", room="508"
    )


def test_device_page_lists_its_work_orders_and_offers_a_fault_report(
    client, engineer, device, order
):
    client.force_login(engineer)
    page = client.get(device.get_absolute_url()).content.decode()
    assert 'id="device-work_orders"' in page
    assert order.number in page and "电脑无法开机" in page
    assert f"/incidents/report/?asset_tag={device.asset_tag}" in page


def test_desk_reports_a_fault_for_the_device_through_intake_with_its_user(client, agent, device):
    client.force_login(agent)
    page = client.get(device.get_absolute_url()).content.decode()
    assert f"/incidents/intake/?q={device.asset_tag}&amp;caller={device.responsible_id}" in page


def test_report_form_starts_with_the_device_of_the_link(client, end_user, device):
    client.force_login(end_user)
    form = client.get(reverse("incidents:report"), {"asset_tag": device.asset_tag}).context["form"]
    assert form.initial["device"] == device.pk


def test_end_user_sees_only_their_own_work_orders_on_the_device(
    client, end_user, make_person, device, order
):
    other = make_person(name="同事")
    incidents.work_order_create(actor=other, requester=other, title="别人的工单", device=device)
    client.force_login(end_user)
    page = client.get(device.get_absolute_url()).content.decode()
    assert order.number in page and "别人的工单" not in page
    assert 'id="device-changes"' not in page  # end users see no changes at all
    assert "Update location" not in page and "更新位置" not in page


def test_device_page_lists_the_changes_that_touch_it(client, engineer, device):
    from changes import services as changes

    start = timezone.now() + timedelta(days=3)
    change = changes.change_create(
        actor=engineer,
        summary="财务处电脑升级内存",
        implementation_plan="更换内存",
        rollback_plan="装回原内存",
        planned_start=start,
        planned_end=start + timedelta(hours=1),
        owner=engineer,
        affected_items=(device,),
    )
    client.force_login(engineer)
    page = client.get(device.get_absolute_url()).content.decode()
    assert 'id="device-changes"' in page and change.number in page


def test_device_page_queries_stay_flat_as_its_records_grow(
    client, agent, end_user, device, django_assert_max_num_queries
):
    client.force_login(agent)  # the desk sees every work order
    for n in range(11):  # more than a panel lists: it counts them too
        incidents.work_order_create(
            actor=end_user, requester=end_user, title=f"先{n}", device=device
        )
    with django_assert_max_num_queries(60) as few:
        client.get(device.get_absolute_url())
    for n in range(15):
        incidents.work_order_create(
            actor=end_user, requester=end_user, title=f"工单{n}", device=device
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(device.get_absolute_url()).content.decode()
    assert "工单14" in page and "工单3" not in page  # the newest ten
    assert ">26</span>" in page  # and how many there are


# --- field edits ------------------------------------------------------------------------


def test_engineer_moves_the_device_and_the_change_names_the_work_order(
    client, engineer, make_person, device, order, new_room
):
    new_user = make_person(username="liuyang", name="刘洋")
    client.force_login(engineer)
    url = reverse("cmdb:ci_edit", args=[device.pk])
    form = client.get(url).context["form"]
    response = client.post(
        url,
        {
            "work_order": order.number.lower(),
            "location": new_room.pk,
            "responsible": "刘洋",
            "ip_address": "10.20.5.8",
            "seal_status": SealStatus.INTACT,
            "seal_checked": "on",
            "seen": form.initial["seen"],
        },
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.location == new_room and device.responsible == new_user
    assert device.ip_address == "10.20.5.8" and device.seal_checked_at is not None

    # The item's timeline: each field old → new, with the work order as the reason.
    page = client.get(device.get_absolute_url()).content.decode()
    assert order.number in page and "10.20.5.8" in page
    # The work order: an internal note listing the same changes.
    note = WorkOrderEvent.objects.filter(work_order=order, is_internal=True).last()
    assert device.asset_tag in note.body and "10.20.5.8" in note.body and "刘洋" in note.body


def test_field_edit_refuses_an_unknown_or_unseen_work_order(
    engineer, make_person, device, end_user
):
    with pytest.raises(ValidationError) as caught:
        ci_field_edit(
            actor=engineer, ci=device, work_order="D0201-1999010101", ip_address="1.2.3.4"
        )
    assert "D0201-1999010101" in str(caught.value)
    other = incidents.work_order_create(actor=end_user, requester=end_user, title="未派单")
    with pytest.raises(ValidationError):  # engineers see their own and their teams' only
        ci_field_edit(actor=engineer, ci=device, work_order=other.number, ip_address="1.2.3.4")
    device.refresh_from_db()
    assert device.ip_address is None


def test_field_edit_needs_a_work_order_and_a_change(agent, device, order):
    with pytest.raises(ValidationError):
        ci_field_edit(actor=agent, ci=device, work_order=" ", ip_address="1.2.3.4")
    with pytest.raises(ValidationError):
        ci_field_edit(
            actor=agent, ci=device, work_order=order.number, seal_status=device.seal_status
        )


def test_a_stale_edit_page_does_not_overwrite_a_newer_change(agent, device, order):
    seen = device.updated_at
    ci_field_edit(actor=agent, ci=device, work_order=order.number, ip_address="10.0.0.1")
    with pytest.raises(ValidationError):
        ci_field_edit(
            actor=agent,
            ci=device,
            work_order=order.number,
            ip_address="10.0.0.2",
            seen_updated_at=seen,
        )
    device.refresh_from_db()
    assert device.ip_address == "10.0.0.1"


def test_end_users_and_approvers_cannot_edit_items(client, end_user, approver, device, order):
    with pytest.raises(PermissionDenied):
        ci_field_edit(actor=end_user, ci=device, work_order=order.number, ip_address="1.2.3.4")
    client.force_login(approver)
    assert client.get(reverse("cmdb:ci_edit", args=[device.pk])).status_code == 403


def test_bad_input_comes_back_with_a_message_and_nothing_saved(client, agent, device, order):
    client.force_login(agent)
    url = reverse("cmdb:ci_edit", args=[device.pk])
    response = client.post(
        url,
        {"work_order": "<b>x</b>", "ip_address": "999.1.1.1", "seal_status": "intact"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<b>x</b>" not in body
    assert response.context["form"].errors["ip_address"]
    device.refresh_from_db()
    assert device.seal_status == SealStatus.NONE
