"""Pages: each step posts through the services; refusals come back as messages; lists stay
at a flat query count; every role sees on the list exactly what it may open."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm.permissions import permits
from repairs import services
from repairs.models import BlacklistApplication, RepairOrder, VendorOrder
from servicedesk.choices import Role

from .helpers import fail, new_order, to_confirmed

pytestmark = pytest.mark.django_db


def _repair(engineer, work_order, vendor, **fields):
    fields.setdefault("fault", "无法开机")
    fields.setdefault("kind", "third_party")
    fields.setdefault("data_handling", "kept")
    return services.repair_create(
        actor=engineer, work_order=work_order, vendor=vendor, carrier=engineer, **fields
    )


def test_engineer_sends_a_device_out_from_the_work_order_page(
    frozen, client, engineer, work_order, vendor, spare
):
    client.force_login(engineer)
    url = reverse("repairs:repair_create") + f"?work_order={work_order.number}"
    page = client.get(url)
    assert page.status_code == 200 and vendor.name in page.text
    response = client.post(url, {
        "fault": "主板故障", "kind": "third_party", "vendor": vendor.pk, "carrier": engineer.pk,
        "planned_send_on": "2026-09-28", "data_handling": "sealed", "consent_by": "王芳",
        "spare_tag": spare.asset_tag,
    })  # fmt: skip
    repair = RepairOrder.objects.get()
    assert response.status_code == 302 and response.url == repair.get_absolute_url()
    response = client.post(
        reverse("repairs:repair_action", args=[repair.pk, "send"]),
        {"lock_version": repair.lock_version},
    )
    repair.refresh_from_db()
    assert repair.status == "sent"
    detail = client.get(repair.get_absolute_url())
    assert "2026-10-23" in detail.text and "2026-10-10" in detail.text
    gate = client.get(reverse("repairs:repair_gate_pass", args=[repair.pk]))
    assert gate["Content-Type"] == "application/pdf" and gate.content.startswith(b"%PDF")
    assert b"/FontFile2" in gate.content  # the CJK TrueType font is embedded


def test_return_of_a_device_never_sent_is_refused_on_the_page(
    frozen, client, engineer, work_order, vendor
):
    repair = _repair(engineer, work_order, vendor)
    client.force_login(engineer)
    response = client.post(
        reverse("repairs:repair_action", args=[repair.pk, "return"]),
        {"lock_version": repair.lock_version}, follow=True,
    )  # fmt: skip
    assert "从未送修" in response.text
    repair.refresh_from_db()
    assert repair.status == "prepared"


def test_blacklisted_vendor_is_not_offered(
    frozen, client, engineer, work_order, vendor, make_vendor
):
    from repairs.models import BlacklistEntry

    other = make_vendor("戴尔维修中心")
    application = BlacklistApplication.objects.create(
        vendor=vendor, kind="add", month=work_order.created_at.date(), nonconformance_count=3,
        reason="x", status="approved",
    )  # fmt: skip
    BlacklistEntry.objects.create(
        vendor=vendor, listed_on=work_order.created_at.date(), reason="x", application=application
    )
    client.force_login(engineer)
    page = client.get(reverse("repairs:vendor_order_create") + f"?work_order={work_order.number}")
    assert other.name in page.text and vendor.name not in page.text
    blacklist = client.get(reverse("repairs:blacklist"))
    assert vendor.name in blacklist.text


def test_list_pages_keep_a_flat_query_count(
    frozen, client, supervisor, engineer, agent, work_order, make_vendor, make_device
):
    client.force_login(supervisor)
    urls = [reverse(name) for name in (
        "repairs:repair_list", "repairs:vendor_order_list", "repairs:nonconformance_list",
        "repairs:vendor_list", "repairs:blacklist")]  # fmt: skip

    def add_rows(n):
        for _ in range(n):
            vendor = make_vendor()
            _repair(engineer, work_order, vendor, device=make_device())
            order = to_confirmed(new_order(engineer=engineer, work_order=work_order, vendor=vendor),
                                 engineer=engineer, supervisor=supervisor, agent=agent)  # fmt: skip
            fail(order, engineer=engineer)

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    add_rows(2)
    counts()  # warm: the menu is drawn once (itsm.navigation)
    small = counts()
    add_rows(5)
    assert counts() == small


def test_each_role_sees_on_lists_exactly_what_it_may_open(
    frozen,
    client,
    make_person,
    engineer,
    supervisor,
    agent,
    end_user,
    work_order,
    vendor,
    ops_approver,
):
    repair = _repair(engineer, work_order, vendor)
    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    order = to_confirmed(order, engineer=engineer, supervisor=supervisor, agent=agent)
    fail(order, engineer=engineer)
    stranger = make_person(Role.END_USER, username="stranger")
    manager = make_person(Role.MANAGER, username="boss")
    vendor_login = make_person(Role.END_USER, username="vendorstaff")
    vendor.accounts.add(vendor_login)
    for user in (
        engineer,
        supervisor,
        agent,
        end_user,
        stranger,
        manager,
        ops_approver,
        vendor_login,
    ):
        for model, obj, name in (
            (RepairOrder, repair, "repairs:repair_detail"),
            (VendorOrder, order, "repairs:vendor_order_detail"),
        ):
            listed = model.objects.restrict(user, "view").filter(pk=obj.pk).exists()
            assert listed == permits(user, obj, "view")
            client.force_login(user)
            status = client.get(reverse(name, args=[obj.pk])).status_code
            assert status == (200 if listed else 404), (user.username, name)
    assert not RepairOrder.objects.restrict(stranger, "view").exists()
    assert RepairOrder.objects.restrict(end_user, "view").exists()
    assert VendorOrder.objects.restrict(vendor_login, "view").exists()
    assert not RepairOrder.objects.restrict(vendor_login, "view").exists()


def test_approvers_inbox_lists_the_application_for_their_body_only_until_they_decide(
    frozen, engineer, supervisor, agent, work_order, vendor, ops_approver, info_approver
):
    from itsm.approvals import pending_for

    order = to_confirmed(new_order(engineer=engineer, work_order=work_order, vendor=vendor),
                         engineer=engineer, supervisor=supervisor, agent=agent)  # fmt: skip
    for _ in range(3):
        fail(order, engineer=engineer)
        order = to_confirmed(order, engineer=engineer, supervisor=supervisor, agent=agent)
    application = BlacklistApplication.objects.get()
    assert not [d for d in pending_for(ops_approver) if d.process == "repairs"]
    application = services.application_submit(
        actor=supervisor, application=application, lock_version=application.lock_version
    )
    assert [d.number for d in pending_for(ops_approver) if d.process == "repairs"] == [
        application.number
    ]
    services.application_decide(
        actor=ops_approver,
        application=application,
        lock_version=application.lock_version,
        approved=True,
    )
    assert not [d for d in pending_for(ops_approver) if d.process == "repairs"]
    assert [d.number for d in pending_for(info_approver) if d.process == "repairs"] == [
        application.number
    ]


def test_supervisor_inbox_lists_vendor_orders_waiting_for_approval(
    frozen, engineer, supervisor, work_order, vendor
):
    from itsm.approvals import pending_for

    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    services.vendor_order_submit(actor=engineer, order=order, lock_version=order.lock_version)
    assert [d.number for d in pending_for(supervisor) if d.process == "repairs"] == [order.number]
    assert not [d for d in pending_for(engineer) if d.process == "repairs"]
