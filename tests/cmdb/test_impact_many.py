"""Impact of several items failing together (cis_impact): one walk from all starts."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmdb.choices import IMPACT_FLOWS_TO_SOURCE, IMPACT_FLOWS_TO_TARGET
from cmdb.choices import RelationshipType as T
from cmdb.models import CIClass, CIRelationship, ConfigurationItem, ConfigurationItemUser
from cmdb.services import ci_impact, cis_impact, impacted_ids_from, relationship_create
from cmdb.services.impact import answer as impact_answer
from cmdb.services.impact import walk as impact_walk
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db


def _random_estate(make_person, count=90, links=260, seed=11):
    desktop = CIClass.objects.get(code="desktop")
    rng = random.Random(seed)  # noqa: S311
    people = [make_person(name=f"人{n:02d}") for n in range(6)]
    items = ConfigurationItem.objects.bulk_create(
        [
            ConfigurationItem(
                asset_tag=f"M-{n:04d}",
                name=f"m{n}",
                ci_class=desktop,
                responsible=rng.choice([None, *people]),
            )
            for n in range(count)
        ]
    )
    rows = set()
    while len(rows) < links:
        source, target = rng.sample(items, 2)
        rows.add((source.pk, target.pk, rng.choice(list(T))))
    CIRelationship.objects.bulk_create(
        [CIRelationship(source_id=s, target_id=t, type=k) for s, t, k in rows]
    )
    ConfigurationItemUser.objects.bulk_create(
        [ConfigurationItemUser(item=rng.choice(items), user=person) for person in people[:3]],
        ignore_conflicts=True,
    )
    return items, rng


def _reference(starts: list[int]) -> tuple[dict, set]:
    """Breadth first from all starts over every relationship, in plain Python."""
    steps: dict[int, list] = {}
    for source, target, kind in CIRelationship.objects.values_list(
        "source_id", "target_id", "type"
    ):
        if kind in IMPACT_FLOWS_TO_SOURCE:
            steps.setdefault(target, []).append((target, source, kind))
        if kind in IMPACT_FLOWS_TO_TARGET:
            steps.setdefault(source, []).append((source, target, kind))
    depth = dict.fromkeys(starts, 0)
    frontier, level = list(starts), 0
    while frontier:
        level += 1
        new = []
        for item in frontier:
            for _failed, reached, _kind in steps.get(item, []):
                if reached not in depth:
                    depth[reached] = level
                    new.append(reached)
        frontier = new
    edges = {
        step
        for item, out in steps.items()
        for step in out
        if item in depth and step[1] not in starts and depth[step[1]] == depth[item] + 1
    }
    return {pk: d for pk, d in depth.items() if pk not in starts}, edges


def _answer(impact) -> dict:
    return {
        "items": [(i.pk, i.impact_depth) for i in impact.items],
        "users": [u.pk for u in impact.users],
        "levels": [impact.user_level(u) for u in impact.users],
        "departments": list(impact.departments),
        "service_levels": list(impact.service_levels),
        "user_counts": list(impact.user_counts),
        "depth": dict(impact.depth),
        "edges": sorted(impact.edges),
    }


@pytest.mark.parametrize("bulk", [False, True], ids=["level by level", "edge list"])
def test_one_start_gives_exactly_what_ci_impact_gives(make_person, monkeypatch, bulk):
    items, _rng = _random_estate(make_person)
    if bulk:
        monkeypatch.setattr(impact_walk, "_BULK_FRONTIER", 1)
        monkeypatch.setattr(impact_walk, "_BULK_SHARE", 10**9)
        # Each module imported _CHUNK by name: patch it where the walk and the answer read it.
        monkeypatch.setattr(impact_walk, "_CHUNK", 3)
        monkeypatch.setattr(impact_answer, "_CHUNK", 3)  # the scan of items and links too
    for ci in items[:12]:
        single, many = ci_impact(ci=ci), cis_impact(cis=[ci])
        assert _answer(many) == _answer(single)
        assert many.ci == ci and many.cis == [ci]


@pytest.mark.parametrize("bulk", [False, True], ids=["level by level", "edge list"])
def test_several_starts_walk_as_one_breadth_first_search(make_person, monkeypatch, bulk):
    items, rng = _random_estate(make_person)
    if bulk:
        monkeypatch.setattr(impact_walk, "_BULK_FRONTIER", 1)
        monkeypatch.setattr(impact_walk, "_BULK_SHARE", 10**9)
    for _ in range(8):
        starts = rng.sample(items, rng.randint(2, 6))
        ids = [ci.pk for ci in starts]
        depth, edges = impacted_ids_from(ci_ids=ids)
        assert (depth, set(edges)) == _reference(ids)
        assert len(edges) == len(set(edges))


def test_several_starts_give_the_union_of_their_impacts(make_person):
    items, rng = _random_estate(make_person, links=120)
    for _ in range(6):
        starts = rng.sample(items, 3)
        together = cis_impact(cis=starts)
        singles = [ci_impact(ci=ci) for ci in starts]
        start_ids = {ci.pk for ci in starts}
        expected = {}
        for single in singles:
            for pk, d in single.depth.items():
                if pk not in start_ids:
                    expected[pk] = min(d, expected.get(pk, d))
        # The union walk can only find a shorter path (through another start), never lose one.
        assert together.depth.keys() == expected.keys()
        assert all(together.depth[pk] <= d for pk, d in expected.items())
        assert {u.pk for u in together.users} == {u.pk for s in singles for u in s.users}
        assert {d.pk for d in together.departments} == {
            d.pk for s in singles for d in s.departments
        }
        assert set(together.service_levels) == {lv for s in singles for lv in s.service_levels}
        assert sum(n for _level, n in together.user_counts) == len(together.users)
        ranks = [lv.rank if lv else -1 for lv in map(together.user_level, together.users)]
        assert ranks == sorted(ranks, reverse=True), "VIPs first"
        depths = [i.impact_depth for i in together.items]
        assert depths == sorted(depths), "nearest first"


def test_an_item_reached_from_two_starts_is_listed_once_at_its_smallest_depth(make_ci):
    a, b, near, far, shared = (make_ci() for _ in range(5))
    relationship_create(actor=SYSTEM(), source=near, target=a, type=T.DEPENDS_ON)
    relationship_create(actor=SYSTEM(), source=far, target=near, type=T.DEPENDS_ON)
    relationship_create(
        actor=SYSTEM(), source=shared, target=far, type=T.DEPENDS_ON
    )  # 3 hops from a
    relationship_create(actor=SYSTEM(), source=shared, target=b, type=T.DEPENDS_ON)  # 1 hop from b
    impact = cis_impact(cis=[a, b])
    assert [(i.pk, i.impact_depth) for i in impact.items] == [
        (near.pk, 1),
        (shared.pk, 1),
        (far.pk, 2),
    ]
    assert impact.cis == [a, b] and impact.ci == a


def test_the_starts_are_not_listed_but_their_users_count(make_ci, make_person, vip_level):
    boss = make_person(name="局长", service_level=vip_level)
    clerk = make_person(name="科员")
    switch = make_ci(ci_class="network", responsible=clerk, attributes={"kind": "交换机"})
    server = make_ci(ci_class="server", responsible=boss, department=boss.person.department)
    app = make_ci(ci_class="application")
    relationship_create(actor=SYSTEM(), source=server, target=switch, type=T.CONNECTED_TO)
    relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    impact = cis_impact(cis=[switch, server, switch])
    assert [i.pk for i in impact.items] == [app.pk], "server is a start, not a dependant"
    assert impact.cis == [switch, server]
    assert [u.pk for u in impact.users] == [boss.pk, clerk.pk]
    assert impact.user_level(impact.users[0]) == vip_level
    assert boss.person.department in impact.departments
    assert vip_level in impact.service_levels
    assert impact.edges == [(server.pk, app.pk, T.RUNS_ON)]


def test_no_starts_is_an_empty_answer_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        impact = cis_impact(cis=[])
        assert len(impact.items) == 0 and len(impact.users) == 0
        assert impact.departments == [] and impact.user_counts == [] and impact.ci is None


def test_the_queries_do_not_grow_with_the_number_of_starts(make_ci, make_person):
    def start_with_dependants():
        server = make_ci(ci_class="server", responsible=make_person())
        for _ in range(2):
            app = make_ci(ci_class="application", responsible=make_person())
            relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
            relationship_create(actor=SYSTEM(), source=make_ci(), target=app, type=T.DEPENDS_ON)
        return server

    one = [start_with_dependants()]
    six = [start_with_dependants() for _ in range(6)]

    def queries(starts):
        with CaptureQueriesContext(connection) as ctx:
            impact = cis_impact(cis=starts)
            list(impact.items), list(impact.users)
        return len(ctx.captured_queries), impact

    queries(one)  # warm what is cached across calls (the default service level)
    few, small = queries(one)
    many, large = queries(six)
    assert len(small.items) == 4 and len(large.items) == 24
    assert len(large.users) == 6 * 3
    assert many == few


def test_a_later_slice_builds_only_its_own_rows(make_ci, make_person, monkeypatch):
    server = make_ci(ci_class="server")
    for n in range(8):
        app = make_ci(ci_class="application", asset_tag=f"APP-{n}", responsible=make_person())
        relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    monkeypatch.setattr(impact_answer, "_BUILD_CHUNK", 2)  # users as compact rows too
    impact = cis_impact(cis=[server])
    built = []
    for sequence in (impact.items, impact.users):
        real = sequence._build
        monkeypatch.setattr(
            sequence, "_build", lambda rows, real=real: built.append(rows) or real(rows)
        )
    page = impact.items[5:7]
    users = impact.users[6:9]
    assert [i.asset_tag for i in page] == ["APP-5", "APP-6"]
    assert [len(rows) for rows in built] == [2, 2], "only the page's rows"
    assert [u.pk for u in users] == [u.pk for u in list(impact.users)[6:9]]
    assert [i.pk for i in impact.items[:3]] == [i.pk for i in list(impact.items)[:3]]
