import pytest
from rest_framework.test import APIClient

from cmdb.choices import RelationshipType as T
from cmdb.models import CIClass, ConfigurationItem
from cmdb.services import relationship_create
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_endpoints_are_in_the_openapi_document(api, engineer):
    api.force_authenticate(engineer)
    paths = api.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/cis/",
        "/api/cis/{id}/impact/",
        "/api/ci-relationships/",
        "/api/ci-classes/",
        "/api/suppliers/",
    ):
        assert path in paths


def test_engineer_creates_an_item_with_validated_attributes(api, engineer, department):
    api.force_authenticate(engineer)
    desktop = CIClass.objects.get(code="desktop")
    payload = {
        "asset_tag": "PC-0900",
        "name": "新台式机",
        "ci_class": desktop.pk,
        "department": department.pk,
        "attributes": {"memory_gb": "16"},
    }
    response = api.post("/api/cis/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["attributes"] == {"memory_gb": 16}
    assert response.json()["warranty_status"] == "unknown"
    bad = api.post(
        "/api/cis/",
        {**payload, "asset_tag": "PC-0901", "attributes": {"memory_gb": "x"}},
        format="json",
    )
    assert bad.status_code == 400
    assert "attributes" in bad.json()
    duplicate = api.post("/api/cis/", {**payload, "asset_tag": "pc-0900"}, format="json")
    assert duplicate.status_code == 400


def test_moving_a_parent_through_the_api_moves_its_accessories(api, engineer, make_ci, make_person):
    owner = make_person()
    desktop = make_ci()
    monitor = make_ci(ci_class="monitor", parent=desktop)
    api.force_authenticate(engineer)
    response = api.patch(f"/api/cis/{desktop.pk}/", {"responsible": owner.pk}, format="json")
    assert response.status_code == 200, response.content
    monitor.refresh_from_db()
    assert monitor.responsible == owner


def test_end_user_lists_only_own_items_and_cannot_write(api, end_user, make_ci, make_person):
    mine = make_ci(responsible=end_user)
    make_ci(responsible=make_person())
    api.force_authenticate(end_user)
    rows = api.get("/api/cis/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert api.patch(f"/api/cis/{mine.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api.get(f"/api/cis/{mine.pk}/impact/").status_code == 403
    assert api.get("/api/ci-relationships/").status_code == 403


def test_impact_endpoint_lists_vip_users_first(api, engineer, make_ci, make_person, vip_level):
    server = make_ci(ci_class="server")
    app = make_ci(ci_class="application")
    relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    clerk, boss = make_person(name="科员"), make_person(name="局长", service_level=vip_level)
    for owner in (clerk, boss):
        relationship_create(
            actor=SYSTEM(), source=app, target=make_ci(responsible=owner), type=T.USED_BY
        )
    api.force_authenticate(engineer)
    data = api.get(f"/api/cis/{server.pk}/impact/").json()
    assert [u["name"] for u in data["users"]] == ["局长", "科员"]
    assert data["users"][0]["service_level"] == "vip"
    assert data["items"][0] == {
        "id": app.pk,
        "asset_tag": app.asset_tag,
        "name": app.name,
        "ci_class_code": "application",
        "depth": 1,
    }


def test_relationship_api_refuses_duplicates_and_self_links(api, engineer, make_ci):
    a, b = make_ci(), make_ci()
    api.force_authenticate(engineer)
    payload = {"source": a.pk, "target": b.pk, "type": "depends_on"}
    assert api.post("/api/ci-relationships/", payload, format="json").status_code == 201
    assert api.post("/api/ci-relationships/", payload, format="json").status_code == 400
    self_link = {"source": a.pk, "target": a.pk, "type": "depends_on"}
    assert api.post("/api/ci-relationships/", self_link, format="json").status_code == 400


def test_deleting_an_item_with_accessories_is_refused_and_history_kept(api, admin_user, make_ci):
    desktop = make_ci()
    make_ci(ci_class="monitor", parent=desktop)
    api.force_authenticate(admin_user)
    assert api.delete(f"/api/cis/{desktop.pk}/").status_code == 409
    assert ConfigurationItem.objects.filter(pk=desktop.pk).exists()


def test_engineer_cannot_change_classes_but_admin_can(api, engineer, admin_user):
    schema = [{"key": "rack", "label": "机柜", "type": "text", "required": False}]
    payload = {"code": "kvm", "name": "KVM", "attribute_schema": schema}
    api.force_authenticate(engineer)
    assert api.post("/api/ci-classes/", payload, format="json").status_code == 403
    api.force_authenticate(admin_user)
    assert api.post("/api/ci-classes/", payload, format="json").status_code == 201
    bad = {"code": "bad", "name": "Bad", "attribute_schema": [{"key": "Bad Key"}]}
    assert api.post("/api/ci-classes/", bad, format="json").status_code == 400


def test_api_list_queries_stay_flat(
    api, engineer, make_ci, make_person, django_assert_max_num_queries
):
    api.force_authenticate(engineer)
    for _ in range(2):
        make_ci(responsible=make_person(), users=[make_person()])
    with django_assert_max_num_queries(20) as few:
        api.get("/api/cis/")
    for _ in range(20):
        make_ci(responsible=make_person(), users=[make_person()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/cis/").json()["results"]) == 22
