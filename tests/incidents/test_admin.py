"""Admin pages open, stay read-only where the services own the state, and are audited."""

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from incidents import services
from incidents.models import Callback, Complaint, SlaPolicy, WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def resolved(file_order, agent, engineer):
    order = file_order()
    services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    services.work_order_start(work_order=order, actor=engineer)
    services.work_order_comment(work_order=order, actor=engineer, body="内部", internal=True)
    services.work_order_resolve(work_order=order, actor=engineer, resolution="清理卡纸")
    services.callback_record(work_order=order, actor=agent, reached=True, satisfaction=5)
    return order


@pytest.mark.parametrize(
    "model", ["workorder", "slapolicy", "slanotice", "callback", "complaint", "holdperiod",
              "workorderlink"],
)  # fmt: skip
def test_every_changelist_opens(admin_client, resolved, model):
    response = admin_client.get(reverse(f"admin:incidents_{model}_changelist"))
    assert response.status_code == 200


def test_work_order_page_shows_its_timeline_read_only(admin_client, resolved):
    response = admin_client.get(reverse("admin:incidents_workorder_change", args=[resolved.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert resolved.number in body
    assert 'name="status"' not in body  # transitions go through the services
    assert "清理卡纸" in body


def test_work_order_search_by_number_and_requester_name(admin_client, resolved):
    url = reverse("admin:incidents_workorder_changelist")

    assert resolved.number in admin_client.get(url, {"q": resolved.number}).content.decode()
    assert resolved.number in admin_client.get(url, {"q": "王芳"}).content.decode()


def test_work_orders_are_not_added_in_admin(admin_client):
    response = admin_client.get(reverse("admin:incidents_workorder_add"))
    assert response.status_code == 403


def test_sla_policy_targets_are_editable_in_the_list(admin_client):
    policy = SlaPolicy.objects.select_related("service_level").first()
    assert policy is not None, "the SLA policies are seeded by a migration"
    url = reverse("admin:incidents_slapolicy_changelist")
    rows = list(SlaPolicy.objects.order_by("service_level__rank", "priority"))
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Save",
    }
    for index, row in enumerate(rows):
        data[f"form-{index}-id"] = str(row.pk)
        data[f"form-{index}-response_minutes"] = str(row.response_minutes)
        data[f"form-{index}-resolution_minutes"] = str(
            row.resolution_minutes + (60 if row.pk == policy.pk else 0)
        )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    refreshed = SlaPolicy.objects.get(pk=policy.pk)
    assert refreshed.resolution_minutes == policy.resolution_minutes + 60


def test_work_orders_callbacks_complaints_and_policies_are_audited(resolved, end_user):
    complaint = services.complaint_raise(
        actor=end_user, description="态度不好", work_order=resolved
    )
    for obj in (resolved, Callback.objects.get(work_order=resolved), complaint):
        content_type = ContentType.objects.get_for_model(obj)
        assert LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk)).exists()
    assert {WorkOrder, Callback, Complaint, SlaPolicy} <= set(auditlog.get_models())
