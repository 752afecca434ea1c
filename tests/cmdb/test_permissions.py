"""One rule per model: for every role, the list (restrict), the object check (permits), the
API and the pages agree; and every write refuses the roles that may not do it."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from cmdb.choices import CIStatus
from cmdb.choices import RelationshipType as T
from cmdb.models import (
    Baseline,
    CensusCampaign,
    CIClass,
    CIRelationship,
    ConfigurationItem,
    ConfigurationItemUser,
    PartType,
    Requisition,
    SpareUnitLoan,
    Stock,
)
from cmdb.services import (
    ci_create,
    ci_delete,
    ci_update,
    relationship_create,
    relationship_delete,
    relationship_update,
)
from cmdb.services.baselines import baseline_take
from cmdb.services.census import census_create, census_scan, census_start
from cmdb.services.imports import import_upload
from cmdb.services.spares import (
    requisition_approve,
    requisition_create,
    requisition_issue,
    spare_lend,
    spare_return,
    stock_add,
)
from cmdb.services.warranty import warranty_alert_scan
from itsm.actors import system_user
from itsm.permissions import permits

pytestmark = pytest.mark.django_db

ROLES = ["end_user", "agent", "engineer", "supervisor", "approver", "manager", "admin_user"]


@pytest.fixture
def estate(make_ci, make_person, end_user, agent, engineer, supervisor, location, department):
    """A little of everything, some of it the end user's, some not."""
    from incidents.services import work_order_create

    system = system_user()
    own = make_ci(asset_tag="OWN-1", responsible=end_user)
    accessory = make_ci(ci_class="monitor", asset_tag="OWN-1-M", parent=own)
    shared = make_ci(ci_class="printer", asset_tag="SHARED-1")
    # The through row directly: `users=` logs an m2m audit entry the core timeline cannot
    # read yet (see test_item_page_survives_a_shared_user_change below).
    ConfigurationItemUser.objects.create(item=shared, user=end_user)
    other = make_ci(asset_tag="OTHER-1", responsible=make_person())
    spare = make_ci(asset_tag="SPARE-1", status=CIStatus.SPARE)
    relationship_create(actor=system, source=shared, target=own, type=T.USED_BY)
    relationship_create(actor=system, source=shared, target=other, type=T.USED_BY)
    stock = Stock.objects.create(
        part_type=PartType.objects.create(name="硒鼓", model="CF226A"),
        location=location,
        quantity=5,
    )
    order = work_order_create(actor=agent, requester=end_user, title="打印机卡纸")
    for who in (agent, engineer):
        requisition_create(actor=who, stock=stock, quantity=1, work_order_number=order.number)
    loan = spare_lend(actor=engineer, spare=spare, borrower=end_user)
    census_create(actor=supervisor, name="2026 下半年普查", due_date=date(2026, 12, 31))
    baseline_take(actor=supervisor, name="财务处基线", department=department)
    return {"own": own, "accessory": accessory, "shared": shared, "other": other, "loan": loan}


# model, API list (None: pages only), detail URL of one row
LISTS = [
    (ConfigurationItem, "/api/cis/", lambda pk: reverse("cmdb:ci_detail", args=[pk])),
    (CIRelationship, "/api/ci-relationships/", lambda pk: f"/api/ci-relationships/{pk}/"),
    (Stock, "/api/spare-stock/", lambda pk: f"/api/spare-stock/{pk}/"),
    (Requisition, "/api/spare-requisitions/", lambda pk: reverse("cmdb:requisition_detail", args=[pk])),
    (SpareUnitLoan, None, None),
    (CensusCampaign, "/api/census-campaigns/", lambda pk: reverse("cmdb:census_detail", args=[pk])),
    (Baseline, "/api/baselines/", lambda pk: reverse("cmdb:baseline_detail", args=[pk])),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("model", "api_list", "detail"), LISTS, ids=lambda v: getattr(v, "__name__", None)
)
def test_list_object_check_api_and_pages_agree(role, model, api_list, detail, estate, request, client):  # fmt: skip
    user = request.getfixturevalue(role)
    listed = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
    every = list(model.objects.all())
    assert every, "the estate has rows of every listed model"
    assert listed == {obj.pk for obj in every if permits(user, obj, "view")}

    if api_list:
        api = APIClient()
        api.force_authenticate(user)
        response = api.get(api_list, {"page_size": 500})
        if response.status_code == 403:
            assert listed == set(), "a role the API refuses sees no rows anywhere"
        else:
            assert response.status_code == 200
            assert {row["id"] for row in response.json()["results"]} == listed
    client.force_login(user)
    for obj in every:
        if detail is None:
            continue
        url = detail(obj.pk)
        answer = (api.get(url) if url.startswith("/api/") else client.get(url)).status_code
        if obj.pk in listed:
            assert answer == 200, (url, answer)
        else:
            assert answer in (403, 404), (url, answer)


def test_end_users_see_their_items_and_the_staff_everything(estate, end_user, approver, agent):
    mine = {"OWN-1", "OWN-1-M", "SHARED-1", "SPARE-1"}  # the spare lent to them too
    assert (
        set(ConfigurationItem.objects.restrict(end_user).values_list("asset_tag", flat=True))
        == mine
    )
    for user in (approver, agent):
        assert ConfigurationItem.objects.restrict(user).count() == ConfigurationItem.objects.count()
    # a relationship shows to whoever sees both of its items
    assert not CIRelationship.objects.restrict(end_user).exists()  # end users: no topology
    with pytest.raises(TypeError):
        ConfigurationItem.objects.restrict(None)


# --- every write refuses the roles that may not do it ----------------------------------------

EVERYONE = set(ROLES)
STAFF_ITEMS = {"engineer", "supervisor", "admin_user"}


def _writes(estate, actor):
    """(name, call, roles allowed) for each writing service of the CMDB."""
    from django.contrib.auth import get_user_model

    own, other = estate["own"], estate["other"]
    relationship = CIRelationship.objects.first()
    requested = Requisition.objects.filter(status="requested").first()
    campaign = CensusCampaign.objects.first()
    desktop = CIClass.objects.get(code="desktop")
    borrower = get_user_model().objects.get(username="enduser")
    return [
        ("ci_create", lambda: ci_create(actor=actor, asset_tag="NEW-1", name="新", ci_class=desktop), STAFF_ITEMS),
        ("ci_update", lambda: ci_update(actor=actor, ci=other, name="改名"), STAFF_ITEMS | {"agent"}),
        ("ci_delete", lambda: ci_delete(actor=actor, ci=estate["accessory"]), {"admin_user"}),
        ("relationship_create", lambda: relationship_create(actor=actor, source=own, target=other, type=T.DEPENDS_ON), STAFF_ITEMS),
        ("relationship_update", lambda: relationship_update(actor=actor, relationship=relationship, note="改"), STAFF_ITEMS),
        ("relationship_delete", lambda: relationship_delete(actor=actor, relationship=relationship), STAFF_ITEMS),
        ("requisition_create", lambda: requisition_create(actor=actor, stock=requested.stock, quantity=1, work_order_number=requested.work_order_number), {"agent", *STAFF_ITEMS}),
        ("requisition_approve", lambda: requisition_approve(actor=actor, requisition=requested), {"supervisor", "admin_user"}),
        ("requisition_issue", lambda: requisition_issue(actor=actor, requisition=requisition_approve(actor=system_user(), requisition=requested)), STAFF_ITEMS),
        ("stock_add", lambda: stock_add(actor=actor, stock=requested.stock, quantity=1), {"supervisor", "admin_user"}),
        ("spare_lend", lambda: spare_lend(actor=actor, spare=ConfigurationItem.objects.create(asset_tag="SPARE-2", name="备机", ci_class=desktop, status=CIStatus.SPARE), borrower=borrower), STAFF_ITEMS),
        ("spare_return", lambda: spare_return(actor=actor, loan=estate["loan"]), STAFF_ITEMS),
        ("census_create", lambda: census_create(actor=actor, name="普查", due_date=date(2027, 6, 30)), {"supervisor", "admin_user"}),
        ("census_start", lambda: census_start(actor=actor, campaign=campaign), {"supervisor", "admin_user"}),
        ("census_scan", lambda: census_scan(actor=actor, campaign=census_start(actor=system_user(), campaign=campaign), tag="OWN-1"), STAFF_ITEMS),
        ("baseline_take", lambda: baseline_take(actor=actor, name="基线", ci_class=desktop), {"supervisor", "admin_user"}),
        ("import_upload", lambda: import_upload(actor=actor, name="a.csv", content="资产编号,资产名称\nX-1,台式机\n".encode()), STAFF_ITEMS),
        ("warranty_alert_scan", lambda: warranty_alert_scan(actor=actor), {"admin_user"}),
    ]  # fmt: skip


class _Undo(Exception):
    pass


def _refused(call) -> bool:
    """Run `call` and undo whatever it wrote; True if it was refused (PermissionDenied)."""
    try:
        with transaction.atomic():
            call()
            raise _Undo
    except PermissionDenied:
        return True
    except _Undo:
        return False


@pytest.mark.parametrize("role", ROLES)
def test_each_write_refuses_the_roles_that_may_not_do_it(role, estate, request):
    actor = request.getfixturevalue(role)
    before = {model: model.objects.count() for model, *_ in LISTS}
    wrong = [
        (name, "refused" if refused else "allowed")
        for name, call, allowed in _writes(estate, actor)
        if (refused := _refused(call)) == (role in allowed)
    ]
    assert wrong == []
    assert before == {model: model.objects.count() for model, *_ in LISTS}, "nothing half-saved"


def test_the_system_actor_may_run_scans_and_none_is_no_actor(estate):
    assert warranty_alert_scan(actor=system_user()) == 0
    with pytest.raises(TypeError):
        baseline_take(actor=None, name="x", ci_class=CIClass.objects.get(code="desktop"))


def test_pages_grey_the_buttons_a_role_may_not_press_with_the_reason(estate, client, engineer):
    requisition = Requisition.objects.filter(status="requested").first()
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("cmdb:requisition_detail", args=[requisition.pk])).content.decode()
    assert "disabled" in page
    assert "Only a service supervisor approves spare requisitions." in page
    campaign = CensusCampaign.objects.get()
    page = client.get(reverse("cmdb:census_detail", args=[campaign.pk])).content.decode()
    assert "Only a service supervisor starts a census." in page
    response = client.post(
        reverse("cmdb:census_transition", args=[campaign.pk, "start"]),
        {"lock_version": campaign.lock_version},
    )
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_item_page_survives_a_shared_user_change(make_ci, end_user, client, agent):
    shared = make_ci(ci_class="printer", users=[end_user])
    client.force_login(agent)
    assert client.get(reverse("cmdb:ci_detail", args=[shared.pk])).status_code == 200


def test_refusals_read_in_chinese_too(estate, client, engineer):
    requisition = Requisition.objects.filter(status="requested").first()
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    page = client.get(reverse("cmdb:requisition_detail", args=[requisition.pk])).content.decode()
    assert "只有服务主管可以批准备件领用单。" in page
