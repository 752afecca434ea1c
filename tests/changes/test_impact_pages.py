"""The impact on the change and release pages: one cmdb walk, capped lists, flat queries."""

import pytest
from django.urls import reverse

from changes import selectors
from changes import views as change_views
from cmdb.choices import RelationshipType as T
from cmdb.services import ci_impact, relationship_create
from itsm.actors import system_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def items_with_dependants(make_item, make_person):
    """Printers, each with a user and two dependent items that have users of their own."""

    def make(count):
        made = []
        for _ in range(count):
            printer = make_item(responsible=make_person())
            for _ in range(2):
                dependant = make_item(responsible=make_person())
                relationship_create(
                    actor=system_user(), source=dependant, target=printer, type=T.DEPENDS_ON
                )
            made.append(printer)
        return made

    return make


def test_change_impact_is_the_union_of_its_items_impacts(items_with_dependants, make_change):
    printers = items_with_dependants(3)
    relationship_create(
        actor=system_user(), source=printers[1], target=printers[0], type=T.DEPENDS_ON
    )
    change = make_change(items=printers)
    impact = selectors.change_impact(change=change)
    singles = [ci_impact(ci=item) for item in printers]
    own = {item.pk for item in printers}
    assert {i.pk for i in impact.items} == {i.pk for s in singles for i in s.items} - own
    assert {u.pk for u in impact.users} == {u.pk for s in singles for u in s.users}
    assert len(impact.items) == 6 and len(impact.users) == 9
    assert sorted(i.pk for i in impact.items_changed) == sorted(own)
    assert set(impact.levels) == {u.pk for u in impact.users}
    assert all(impact.levels[u.pk] == impact.user_level(u) for u in impact.users)
    assert sum(n for _level, n in impact.user_counts) == 9


def test_change_page_query_count_stays_flat_as_affected_items_grow(
    client, supervisor, make_change, items_with_dependants, django_assert_max_num_queries
):
    small = make_change(items=items_with_dependants(1))
    large = make_change(items=items_with_dependants(6))
    client.force_login(supervisor)
    client.get(small.get_absolute_url())  # warm what is cached across requests
    with django_assert_max_num_queries(60) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(large.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "12 dependent items" in body and "18 affected users" in body


def test_release_page_query_count_stays_flat_as_affected_items_grow(
    client,
    supervisor,
    make_release,
    make_change,
    items_with_dependants,
    django_assert_max_num_queries,
):
    small = make_release(items=items_with_dependants(1))
    bundled = make_change(items=items_with_dependants(3))
    large = make_release(items=items_with_dependants(3), changes=[bundled])
    client.force_login(supervisor)
    client.get(small.get_absolute_url())
    with django_assert_max_num_queries(80) as few:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(large.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "12 dependent items" in body and "18 affected users" in body


def test_change_page_lists_the_first_rows_vip_first_and_links_each_items_full_impact(
    client,
    supervisor,
    make_change,
    items_with_dependants,
    make_item,
    make_person,
    vip_level,
    monkeypatch,
):
    monkeypatch.setattr(change_views, "IMPACT_ITEMS_SHOWN", 2)
    monkeypatch.setattr(change_views, "IMPACT_USERS_SHOWN", 3)
    printers = items_with_dependants(3)
    boss = make_person(name="局长", service_level=vip_level)
    desk = make_item(asset_tag="PR-ZZZ", responsible=boss)  # listed last by tag
    relationship_create(actor=system_user(), source=printers[2], target=desk, type=T.USED_BY)
    change = make_change(items=printers)
    client.force_login(supervisor)
    body = client.get(change.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "7 dependent items" in body and "10 affected users" in body
    assert "The first 2 of 7 dependent items are shown, nearest first." in body
    assert "The first 3 of 10 users are shown, highest service level first." in body
    assert body.count('class="list-group-item small d-flex') == 3
    assert body.index("局长") < body.index("Departments"), "the VIP is among the first shown"
    assert "VIP: 1" in body
    for printer in printers:
        assert reverse("cmdb:ci_impact", args=[printer.pk]) in body


def test_the_full_impact_link_is_only_for_who_may_open_it(
    client, make_change, printer, make_person
):
    from changes.permissions import READER_ROLES
    from cmdb.selectors import sees_all_items

    change = make_change(items=[printer])
    for role in READER_ROLES:
        reader = make_person(role)
        client.force_login(reader)
        body = client.get(change.get_absolute_url()).content.decode()
        link = reverse("cmdb:ci_impact", args=[printer.pk])
        assert (link in body) == sees_all_items(reader), role
        if link in body:
            assert client.get(link).status_code == 200


def test_a_change_without_items_has_an_empty_impact_without_impact_queries(
    make_change, django_assert_num_queries
):
    change = make_change(items=[])
    with django_assert_num_queries(0):
        impact = selectors.change_impact(change=change, items=[])
    assert len(impact.items) == 0 and len(impact.users) == 0 and dict(impact.levels) == {}
    assert impact.user_counts == [] and impact.departments == []
