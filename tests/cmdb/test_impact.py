"""Impact at scale: the bulk walk, the lazily built answer, and the capped page."""

import random

import pytest
from django.urls import reverse

from cmdb.choices import RelationshipType as T
from cmdb.models import CIClass, CIRelationship, ConfigurationItem
from cmdb.services import ImpactEdge, ci_impact, impacted_ids, relationship_create
from cmdb.services.impact import answer as impact_answer
from cmdb.services.impact import walk as impact_walk
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db


def _random_estate(count=120, links=400, seed=7):
    desktop = CIClass.objects.get(code="desktop")
    items = ConfigurationItem.objects.bulk_create(
        [
            ConfigurationItem(asset_tag=f"R-{n:04d}", name=f"r{n}", ci_class=desktop)
            for n in range(count)
        ]
    )
    rng = random.Random(seed)  # noqa: S311
    types = list(T)
    rows = set()
    while len(rows) < links:
        source, target = rng.sample(items, 2)
        rows.add((source.pk, target.pk, rng.choice(types)))
    CIRelationship.objects.bulk_create(
        [CIRelationship(source_id=s, target_id=t, type=k) for s, t, k in rows]
    )
    return items


def _walk(ci_id, **kwargs):
    depth, edges = impacted_ids(ci_id=ci_id, **kwargs)
    return depth, sorted(edges)


def test_bulk_walk_gives_exactly_what_the_level_by_level_walk_gives(monkeypatch):
    items = _random_estate()
    by_level = {ci.pk: _walk(ci.pk) for ci in items[:15]}
    limited = {ci.pk: _walk(ci.pk, max_depth=2) for ci in items[:15]}
    # Load the whole edge list from the first level on.
    monkeypatch.setattr(impact_walk, "_BULK_FRONTIER", 1)
    monkeypatch.setattr(impact_walk, "_BULK_SHARE", 10**9)
    for ci in items[:15]:
        assert _walk(ci.pk) == by_level[ci.pk]
        assert _walk(ci.pk, max_depth=2) == limited[ci.pk]
    assert any(len(depth) > 50 for depth, _ in by_level.values()), "the estate is connected"


def test_bulk_walk_keeps_the_direction_of_each_type(make_ci, monkeypatch):
    monkeypatch.setattr(impact_walk, "_BULK_FRONTIER", 1)
    monkeypatch.setattr(impact_walk, "_BULK_SHARE", 10**9)
    switch, server, app, desktop, unrelated = (make_ci() for _ in range(5))
    relationship_create(actor=SYSTEM(), source=server, target=switch, type=T.CONNECTED_TO)
    relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    relationship_create(actor=SYSTEM(), source=app, target=desktop, type=T.USED_BY)
    relationship_create(actor=SYSTEM(), source=switch, target=unrelated, type=T.DEPENDS_ON)
    depth, edges = impacted_ids(ci_id=switch.pk)
    assert depth == {server.pk: 1, app.pk: 2, desktop.pk: 3}
    assert ImpactEdge(switch.pk, server.pk, T.CONNECTED_TO) in edges
    assert edges[0].from_id == switch.pk and edges[0].type == T.CONNECTED_TO
    assert impacted_ids(ci_id=desktop.pk)[0] == {}


def test_the_walk_loads_the_edge_list_once_when_the_reach_is_large(
    make_ci, monkeypatch, django_assert_max_num_queries
):
    hub = make_ci()
    level_one = [make_ci() for _ in range(6)]
    for item in level_one:
        relationship_create(actor=SYSTEM(), source=item, target=hub, type=T.DEPENDS_ON)
        for _ in range(2):
            relationship_create(actor=SYSTEM(), source=make_ci(), target=item, type=T.DEPENDS_ON)
    monkeypatch.setattr(impact_walk, "_BULK_FRONTIER", 5)
    monkeypatch.setattr(impact_walk, "_BULK_SHARE", 100)
    # level 1 (a query), the count, the edge list: then levels 2 and 3 cost nothing
    with django_assert_max_num_queries(3):
        depth, _edges = impacted_ids(ci_id=hub.pk)
    assert sorted(depth.values()) == [1] * 6 + [2] * 12


def test_several_parents_at_the_same_distance_each_give_an_edge(make_ci):
    a, b, c, d = make_ci(), make_ci(), make_ci(), make_ci()
    relationship_create(actor=SYSTEM(), source=b, target=a, type=T.DEPENDS_ON)
    relationship_create(actor=SYSTEM(), source=c, target=a, type=T.DEPENDS_ON)
    relationship_create(actor=SYSTEM(), source=d, target=b, type=T.DEPENDS_ON)
    relationship_create(actor=SYSTEM(), source=d, target=c, type=T.DEPENDS_ON)
    relationship_create(
        actor=SYSTEM(), source=c, target=b, type=T.DEPENDS_ON
    )  # same level: no edge
    depth, edges = impacted_ids(ci_id=a.pk)
    assert depth == {b.pk: 1, c.pk: 1, d.pk: 2}
    assert {(e.from_id, e.to_id) for e in edges} == {
        (a.pk, b.pk),
        (a.pk, c.pk),
        (b.pk, d.pk),
        (c.pk, d.pk),
    }


def test_impact_items_are_a_complete_sequence_built_on_reading(
    make_ci, make_person, django_assert_num_queries
):
    owner = make_person(name="甲")
    server = make_ci(ci_class="server")
    apps = [
        make_ci(
            ci_class="application",
            asset_tag=f"APP-{n}",
            responsible=owner,
            department=owner.person.department,
        )
        for n in range(7)
    ]
    for app in apps:
        relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    impact = ci_impact(ci=server)
    with django_assert_num_queries(0):
        assert len(impact.items) == 7 and len(impact.users) == 1
    assert [i.asset_tag for i in impact.items] == [f"APP-{n}" for n in range(7)]
    assert impact.items[0] == apps[0] and impact.items[-1] == apps[-1]
    assert [i.pk for i in impact.items[2:4]] == [apps[2].pk, apps[3].pk]
    assert apps[3] in impact.items
    with pytest.raises(IndexError):
        impact.items[7]
    fresh = ci_impact(ci=server)
    with django_assert_num_queries(1):  # classes; the few users came with the answer
        items = list(fresh.items)
    with django_assert_num_queries(0):
        assert {i.ci_class.code for i in items} == {"application"}
        assert {i.responsible.person.name for i in items} == {"甲"}
        assert [i.impact_depth for i in items] == [1] * 7
        assert items[0].department == owner.person.department
    items[0].refresh_from_db()
    assert items[0].notes == "" and items[0].name == apps[0].name, "other fields load on access"


def test_impact_counts_users_per_level_and_levels_need_no_query(
    make_ci, make_person, vip_level, django_assert_num_queries
):
    server = make_ci(ci_class="server")
    people = [make_person(name=f"人{n}") for n in range(4)] + [
        make_person(name="局长", service_level=vip_level)
    ]
    for person in people:
        app = make_ci(ci_class="application", responsible=person)
        relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    impact = ci_impact(ci=server)
    counts = {level.code: n for level, n in impact.user_counts}
    assert counts["vip"] == 1 and sum(counts.values()) == 5
    assert impact.user_counts[0][0] == vip_level
    users = list(impact.users)
    with django_assert_num_queries(0):
        assert impact.user_level(users[0]) == vip_level
        assert users[0].person.name == "局长"


def test_impact_page_query_count_is_flat_and_lists_are_capped(
    client, engineer, make_ci, make_person, monkeypatch, django_assert_max_num_queries
):
    from cmdb import views

    monkeypatch.setattr(views, "USERS_SHOWN", 3)
    server = make_ci(ci_class="server")

    def grow(n):
        for _ in range(n):
            app = make_ci(ci_class="application", responsible=make_person())
            relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
            relationship_create(actor=SYSTEM(), source=make_ci(), target=app, type=T.DEPENDS_ON)

    grow(10)  # more than the graph draws per column
    client.force_login(engineer)
    url = reverse("cmdb:ci_impact", args=[server.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    grow(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The first 3 of 25 users are shown" in body
    assert body.count('class="list-group-item small d-flex') == 3


def test_many_users_come_as_compact_rows_and_are_built_in_chunks(
    make_ci, make_person, vip_level, monkeypatch
):
    server = make_ci(ci_class="server")
    people = [make_person(name=f"人{n:02d}") for n in range(7)]
    people.append(make_person(name="局长", service_level=vip_level))
    for person in people:
        app = make_ci(ci_class="application", responsible=person)
        relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    eager = ci_impact(ci=server)
    monkeypatch.setattr(impact_answer, "_BUILD_CHUNK", 3)
    lazy = ci_impact(ci=server)
    assert [u.pk for u in lazy.users] == [u.pk for u in eager.users]
    assert lazy.users[0].person.name == "局长"
    assert [i.pk for i in lazy.items] == [i.pk for i in eager.items]
    assert [i.responsible.pk for i in lazy.items] == [i.responsible.pk for i in eager.items]
    assert lazy.user_counts == eager.user_counts


def test_the_garbage_collector_is_back_on_after_an_impact(make_ci):
    import gc

    server = make_ci(ci_class="server")
    relationship_create(actor=SYSTEM(), source=make_ci(), target=server, type=T.RUNS_ON)
    impact = ci_impact(ci=server)
    list(impact.items)
    assert gc.isenabled()
    gc.disable()
    try:
        ci_impact(ci=server)
        assert not gc.isenabled(), "a caller's choice is left alone"
    finally:
        gc.enable()
