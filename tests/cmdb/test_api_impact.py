"""The impact API answers in bounded pages with complete counts."""

import pytest
from rest_framework.test import APIClient

from cmdb.choices import RelationshipType as T
from cmdb.services import ci_impact, relationship_create
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def server_with_dependants(make_ci, make_person, vip_level):
    """A server; 5 applications on it, each used by a desktop; 10 users, 2 VIPs."""
    server = make_ci(ci_class="server")
    for n in range(5):
        app = make_ci(ci_class="application", responsible=make_person(name=f"应用{n}"))
        relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
        level = vip_level if n < 2 else None
        desk = make_ci(responsible=make_person(name=f"桌面{n}", service_level=level))
        relationship_create(actor=SYSTEM(), source=app, target=desk, type=T.USED_BY)
    return server


def test_impact_api_answers_a_bounded_page_with_complete_counts(
    api, engineer, server_with_dependants
):
    api.force_authenticate(engineer)
    url = f"/api/cis/{server_with_dependants.pk}/impact/"
    data = api.get(url, {"limit": 3}).json()
    assert (data["item_count"], data["user_count"], data["edge_count"]) == (10, 10, 10)
    assert len(data["items"]) == 3 and len(data["users"]) == 3
    assert data["items_truncated"] and data["users_truncated"]
    assert (data["limit"], data["offset"], data["next_offset"]) == (3, 0, 3)
    assert [u["service_level"] for u in data["users"][:2]] == ["vip", "vip"]
    counts = {row["service_level"]: row["count"] for row in data["user_counts"]}
    assert counts["vip"] == 2 and sum(counts.values()) == 10
    shown = {item["id"] for item in data["items"]}
    assert data["edges"] and {e["to_id"] for e in data["edges"]} <= shown


def test_paging_through_the_impact_api_gives_the_whole_answer_once(
    api, engineer, server_with_dependants
):
    api.force_authenticate(engineer)
    url = f"/api/cis/{server_with_dependants.pk}/impact/"
    items, users, edges, offset, pages = [], [], [], 0, 0
    while offset is not None:
        data = api.get(url, {"limit": 4, "offset": offset}).json()
        items += data["items"]
        users += data["users"]
        edges += data["edges"]
        offset, pages = data["next_offset"], pages + 1
    assert pages == 3 and not data["items_truncated"] and not data["users_truncated"]
    impact = ci_impact(ci=server_with_dependants)
    assert [i["id"] for i in items] == [i.pk for i in impact.items]
    assert [u["id"] for u in users] == [u.pk for u in impact.users]
    assert sorted((e["from_id"], e["to_id"], e["type"]) for e in edges) == sorted(impact.edges)


def test_impact_api_defaults_to_500_and_refuses_limits_out_of_range(
    api, engineer, server_with_dependants
):
    api.force_authenticate(engineer)
    url = f"/api/cis/{server_with_dependants.pk}/impact/"
    data = api.get(url).json()
    assert data["limit"] == 500 and data["next_offset"] is None
    assert len(data["items"]) == 10 and not data["items_truncated"]
    for bad in ({"limit": 0}, {"limit": 5001}, {"limit": "x"}, {"offset": -1}):
        response = api.get(url, bad)
        assert response.status_code == 400, bad
    assert api.get(url, {"limit": 5000}).status_code == 200


def test_impact_api_builds_only_the_page_it_answers(
    api, engineer, server_with_dependants, django_assert_max_num_queries
):
    api.force_authenticate(engineer)
    url = f"/api/cis/{server_with_dependants.pk}/impact/"
    api.get(url, {"limit": 1})
    with django_assert_max_num_queries(30) as few:
        api.get(url, {"limit": 1, "offset": 8})
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = api.get(url, {"limit": 10}).json()
    assert len(data["items"]) == 10


def test_impact_api_parameters_are_in_the_openapi_document(api, engineer):
    api.force_authenticate(engineer)
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/cis/{id}/impact/"]["get"]
    assert {"limit", "offset"} <= {p["name"] for p in operation["parameters"]}
    answer = schema["components"]["schemas"]["Impact"]["properties"]
    for name in ("item_count", "user_count", "items_truncated", "users_truncated", "next_offset"):
        assert name in answer
