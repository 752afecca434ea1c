"""Requisitions and censuses move through the one pipeline (itsm.workflow): a lost update is
refused with a reload message on pages and 409 in the API; relationship edits go through
a service."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cmdb.choices import RelationshipType as T
from cmdb.choices import RequisitionStatus
from cmdb.models import CensusCampaign, CIRelationship, PartType, Requisition, Stock
from cmdb.services import relationship_create
from cmdb.services.census import census_create, census_start
from cmdb.services.spares import requisition_approve, requisition_create
from itsm.actors import system_user
from itsm.models import TransitionLog

pytestmark = pytest.mark.django_db

RELOAD = "changed by someone else in the meantime. Reload it and try again."


@pytest.fixture
def requisition(location, agent, end_user, engineer):
    from incidents.services import work_order_create

    order = work_order_create(actor=agent, requester=end_user, title="硬盘故障")
    stock = Stock.objects.create(
        part_type=PartType.objects.create(name="硬盘", model="1T"), location=location, quantity=4
    )
    return requisition_create(
        actor=engineer, stock=stock, quantity=1, work_order_number=order.number
    )


def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_requisition_page_acting_on_a_stale_version_gets_the_reload_message(
    client, supervisor, requisition
):
    _english(client).force_login(supervisor)
    page = client.get(reverse("cmdb:requisition_detail", args=[requisition.pk])).content.decode()
    assert 'name="lock_version" value="1"' in page
    requisition_approve(requisition=requisition, actor=supervisor)  # in another tab

    response = client.post(
        reverse("cmdb:requisition_transition", args=[requisition.pk, "reject"]),
        {"lock_version": "1"},
        follow=True,
    )
    assert RELOAD in response.content.decode()
    requisition.refresh_from_db()
    assert (requisition.status, requisition.lock_version) == (RequisitionStatus.APPROVED, 2)


def test_a_requisition_step_with_the_current_version_moves_and_logs(
    client, supervisor, requisition
):
    client.force_login(supervisor)
    client.post(
        reverse("cmdb:requisition_transition", args=[requisition.pk, "approve"]),
        {"lock_version": "1"},
    )
    requisition.refresh_from_db()
    assert requisition.status == RequisitionStatus.APPROVED
    assert requisition.lock_version == 2
    log = TransitionLog.objects.filter(object_id=requisition.pk).order_by("pk").last()
    assert (log.transition, log.actor) == ("approve", supervisor)


def test_api_requisition_steps_require_the_lock_version(supervisor, engineer, requisition):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(supervisor)
    url = f"/api/spare-requisitions/{requisition.pk}/approve/"
    assert api.post(url, {}, format="json").status_code == 400, "lock_version is required"
    assert api.post(url, {"lock_version": 7}, format="json").status_code == 409
    answer = api.post(url, {"lock_version": 1}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "approved" and answer.json()["lock_version"] == 2
    # Approving again is an illegal step now: 409 with the process's wording.
    again = api.post(url, {"lock_version": 2}, format="json")
    assert again.status_code == 409 and "cannot do this" in again.json()["detail"]
    # An engineer may issue, not approve or reject.
    api.force_authenticate(engineer)
    refused = api.post(
        f"/api/spare-requisitions/{requisition.pk}/reject/", {"lock_version": 2}, format="json"
    )
    assert refused.status_code == 403
    issued = api.post(
        f"/api/spare-requisitions/{requisition.pk}/issue/", {"lock_version": 2}, format="json"
    )
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    returned = api.post(
        f"/api/spare-requisitions/{requisition.pk}/return/",
        {"lock_version": 3, "note": "不需要了"},
        format="json",
    )
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert Requisition.objects.get().stock.quantity == 4


def test_a_census_page_acting_on_a_stale_version_gets_the_reload_message(client, supervisor):
    campaign = census_create(actor=supervisor, name="年末普查", due_date=date(2026, 12, 31))
    _english(client).force_login(supervisor)
    page = client.get(reverse("cmdb:census_detail", args=[campaign.pk])).content.decode()
    assert f'name="lock_version" value="{campaign.lock_version}"' in page
    census_start(campaign=campaign, actor=system_user())  # someone else started it
    response = client.post(
        reverse("cmdb:census_transition", args=[campaign.pk, "close"]),
        {"lock_version": "1"},
        follow=True,
    )
    assert RELOAD in response.content.decode()
    assert CensusCampaign.objects.get().status == "running"


def test_relationship_edits_through_the_api_go_through_the_service(
    make_ci, engineer, approver, end_user
):
    server, app, other = make_ci(ci_class="server"), make_ci(ci_class="application"), make_ci()
    link = relationship_create(actor=engineer, source=app, target=server, type=T.RUNS_ON)
    relationship_create(actor=engineer, source=other, target=server, type=T.RUNS_ON)
    api = APIClient()
    url = f"/api/ci-relationships/{link.pk}/"

    api.force_authenticate(engineer)
    assert api.patch(url, {"note": "主用"}, format="json").status_code == 200
    assert CIRelationship.objects.get(pk=link.pk).note == "主用"
    duplicate = api.patch(url, {"source": other.pk}, format="json")
    assert duplicate.status_code == 400, "the service validates: the link exists already"
    to_itself = api.patch(url, {"target": app.pk}, format="json")
    assert to_itself.status_code == 400
    assert CIRelationship.objects.get(pk=link.pk).source == app, "nothing half-saved"

    api.force_authenticate(approver)  # may read, not edit
    assert api.get(url).status_code == 200
    assert api.patch(url, {"note": "x"}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    api.force_authenticate(end_user)
    assert api.get(url).status_code == 403

    api.force_authenticate(engineer)
    assert api.delete(url).status_code == 204
    assert not CIRelationship.objects.filter(pk=link.pk).exists()


@pytest.mark.parametrize(
    "url_name", ["cmdb:requisition_list", "cmdb:spare_stock", "cmdb:loan_list", "cmdb:census_list"]
)
def test_spare_and_census_lists_keep_a_flat_query_count(
    url_name, client, supervisor, engineer, requisition, make_ci, make_person, location
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cmdb.choices import CIStatus
    from cmdb.services.spares import spare_lend

    def grow(n):
        for i in range(n):
            requisition_create(
                actor=engineer,
                stock=requisition.stock,
                quantity=1,
                work_order_number=requisition.work_order_number,
            )
            Stock.objects.create(
                part_type=PartType.objects.create(name=f"零件{i}-{n}"), location=location
            )
            spare = make_ci(status=CIStatus.SPARE)
            spare_lend(actor=engineer, spare=spare, borrower=make_person())
            census_create(actor=supervisor, name=f"普查{i}-{n}", due_date=date(2026, 12, 31))

    client.force_login(supervisor)
    grow(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name)).status_code == 200
    grow(8)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(many) == len(few)
