"""For every role, the list (restrict) and the object check (permits, detail page, API) agree."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from inspections import services
from inspections.models import InspectionPlan, InspectionRecord, InspectionReport
from inspections.selectors import decisions_pending
from itsm.permissions import permits

from .conftest import all_pass

pytestmark = pytest.mark.django_db

ROLES = ["end_user", "agent", "engineer", "supervisor", "approver", "manager", "admin_user"]


@pytest.fixture
def estate(plan, approved_plan, engineer, devices, make_person):
    """A submitted-and-approved plan with a record and a report, and a never-submitted draft."""
    from datetime import date

    draft = services.plan_create(actor=engineer, period=date(2027, 1, 1), title="草稿")
    route = approved_plan.rounds.get()
    record = services.record_save(
        round=route, ci=devices[0], actor=engineer, lines=all_pass(devices[0])
    )
    report = services.report_create(plan=approved_plan, actor=engineer)
    return {"approved": approved_plan, "draft": draft, "record": record, "report": report}


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_object_checks_agree(role, request, estate, client):
    user = request.getfixturevalue(role)
    for model in (InspectionPlan, InspectionRecord, InspectionReport):
        visible = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
        for obj in model.objects.all():
            assert permits(user, obj, "view") == (obj.pk in visible), (role, model, obj)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    for plan in (estate["approved"], estate["draft"]):
        seen = permits(user, plan, "view")
        page = client.get(plan.get_absolute_url())
        assert (page.status_code == 200) == seen, (role, plan)
        answer = api.get(f"/api/inspection-plans/{plan.pk}/")
        assert (answer.status_code == 200) == seen, (role, plan)
    record_page = client.get(reverse("inspections:record_detail", args=[estate["record"].pk]))
    assert (record_page.status_code == 200) == permits(user, estate["record"], "view")


def test_approvals_inbox_lists_what_waits_for_each_signer(
    plan, engineer, supervisor, ops_approver, info_approver
):
    services.plan_submit(plan=plan, actor=engineer, lock_version=plan.lock_version)
    assert [d.number for d in decisions_pending(supervisor)] == [plan.number]
    assert decisions_pending(ops_approver) == []
    plan.refresh_from_db()
    services.plan_decide(plan=plan, actor=supervisor, approve=True, lock_version=plan.lock_version)
    assert decisions_pending(supervisor) == []
    assert [d.number for d in decisions_pending(ops_approver)] == [plan.number]
    assert decisions_pending(info_approver) == []
