"""The responsible-person rule (issue 18, item 14; plan §3.3.4.1): every asset has one
responsible person; shared devices get theirs by code order."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cmdb.choices import CIStatus, ResponsibleBreach
from cmdb.models import ConfigurationItem
from cmdb.responsibility import code_order_key, expected_responsible, responsible_breaches
from cmdb.services.responsibility import responsible_assign, shared_responsible_apply

pytestmark = pytest.mark.django_db
NONE, LEFT, ORDER = ResponsibleBreach.NONE, ResponsibleBreach.LEFT, ResponsibleBreach.SHARED_ORDER


@pytest.fixture
def coded(make_person):
    """Users with employee numbers 10, 9 and none, and a user who has left (number 1)."""

    def make():
        ten = make_person(employee_number="E10")
        nine = make_person(employee_number="E9")
        blank = make_person()
        gone = make_person(employee_number="E1")
        gone.is_active = False
        gone.save()
        return ten, nine, blank, gone

    return make


def _kinds(user, **kwargs):
    return {b.ci.asset_tag: b.kind for b in responsible_breaches(user=user, **kwargs)}


def test_code_order_compares_numbers_as_numbers_and_puts_uncoded_last(coded):
    ten, nine, blank, gone = coded()
    assert sorted([blank, ten, nine], key=code_order_key) == [nine, ten, blank]
    assert expected_responsible([gone, ten, blank]) == ten  # the one who left is skipped
    assert expected_responsible([gone]) is None


def test_breaches_none_left_and_shared_out_of_order_and_what_is_not_checked(
    engineer, make_ci, coded
):
    ten, nine, blank, gone = coded()
    make_ci(asset_tag="OK-1", responsible=ten)
    make_ci(asset_tag="SHARED-OK", responsible=nine, users=[ten, nine, blank])
    make_ci(asset_tag="NOBODY")
    make_ci(asset_tag="GONE", responsible=gone)
    make_ci(asset_tag="SHARED-BAD", responsible=ten, users=[ten, nine])
    make_ci(asset_tag="SHARED-ALL-LEFT", responsible=gone, users=[gone])
    parent = make_ci(asset_tag="PARENT", responsible=ten)
    ConfigurationItem.objects.filter(
        pk=make_ci(asset_tag="MON", ci_class="monitor", parent=parent).pk
    ).update(responsible=None)  # accessories follow their parent: not checked alone
    make_ci(asset_tag="OLD", status=CIStatus.RETIRED)
    make_ci(asset_tag="APP", ci_class="application")
    assert _kinds(engineer) == {
        "NOBODY": NONE,
        "GONE": LEFT,
        "SHARED-BAD": ORDER,
        "SHARED-ALL-LEFT": LEFT,
    }
    [bad] = responsible_breaches(user=engineer, kind=ORDER)
    assert bad.expected == nine
    [all_left] = [b for b in responsible_breaches(user=engineer) if b.ci.asset_tag.endswith("LEFT")]
    assert all_left.expected is None and all_left.shared


def test_assign_refuses_who_left_and_anyone_but_the_code_order_on_shared_devices(
    engineer, agent, make_ci, coded
):
    ten, nine, blank, gone = coded()
    alone = make_ci()
    monitor = make_ci(ci_class="monitor", parent=alone)
    shared = make_ci(users=[ten, nine])
    with translation.override("en"):
        with pytest.raises(ValidationError, match="has left"):
            responsible_assign(actor=engineer, ci=alone, user=gone)
        with pytest.raises(ValidationError, match="code order"):
            responsible_assign(actor=engineer, ci=shared, user=ten)
        with pytest.raises(PermissionDenied):
            responsible_assign(actor=agent, ci=alone, user=ten)
    responsible_assign(actor=engineer, ci=alone, user=blank)
    responsible_assign(actor=engineer, ci=shared, user=nine)
    monitor.refresh_from_db()
    assert monitor.responsible == blank  # the accessory follows
    assert _kinds(engineer) == {}


def test_apply_rule_dry_run_writes_nothing_and_a_second_run_finds_nothing(
    engineer, agent, make_ci, coded
):
    ten, nine, blank, gone = coded()
    a = make_ci(responsible=ten, users=[ten, nine])
    b = make_ci(users=[blank, ten])
    c = make_ci(responsible=gone, users=[gone])  # no one left to take it: manual
    with pytest.raises(PermissionDenied):
        shared_responsible_apply(actor=agent)
    dry = shared_responsible_apply(actor=engineer)
    assert {(f.ci.pk, f.after) for f in dry} == {(a.pk, nine), (b.pk, ten)}
    a.refresh_from_db()
    assert a.responsible == ten
    shared_responsible_apply(actor=engineer, dry_run=False)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.responsible, b.responsible) == (nine, ten)
    assert shared_responsible_apply(actor=engineer, dry_run=False) == []
    assert _kinds(engineer) == {c.asset_tag: LEFT}


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "No responsible person"), ("zh-hans", "没有责任人")],
)
def test_breach_page_in_both_languages_with_flat_queries(
    client, engineer, make_ci, coded, language, words, django_assert_max_num_queries
):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(engineer)
    ten, nine, blank, gone = coded()

    def add(n):
        for _ in range(n):
            make_ci()
            make_ci(responsible=gone)
            make_ci(responsible=ten, users=[ten, nine, blank])

    add(2)
    with django_assert_max_num_queries(30) as few:
        page = client.get(reverse("cmdb:responsible_breaches"))
    assert page.status_code == 200 and words in page.content.decode()
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("cmdb:responsible_breaches"), {"kind": "shared_order"})
    assert page.content.decode().count('name="user"') == 12


def test_breach_page_assigns_and_applies_and_refuses_end_users(
    client, engineer, end_user, make_ci, coded
):
    ten, nine, blank, gone = coded()
    ci = make_ci()
    shared = make_ci(responsible=ten, users=[ten, nine])
    client.force_login(engineer)
    client.post(reverse("cmdb:responsible_assign", args=[ci.pk]), {"user": "E10"})
    ci.refresh_from_db()
    assert ci.responsible == ten  # found by employee number
    page = client.get(reverse("cmdb:responsible_apply")).content.decode()
    assert shared.asset_tag in page
    shared.refresh_from_db()
    assert shared.responsible == ten  # the dry run changed nothing
    client.post(reverse("cmdb:responsible_apply"))
    shared.refresh_from_db()
    assert shared.responsible == nine
    client.force_login(end_user)
    assert client.get(reverse("cmdb:responsible_breaches")).status_code == 403
    assert client.post(reverse("cmdb:responsible_apply")).status_code == 403


def test_api_lists_breaches_by_kind(engineer, end_user, make_ci, coded):
    ten, nine, blank, gone = coded()
    make_ci(asset_tag="X-1")
    make_ci(asset_tag="X-2", responsible=gone)
    api = APIClient()
    api.force_authenticate(engineer)
    rows = api.get("/api/responsible-breaches/", {"kind": "left"}).json()["results"]
    assert [(r["asset_tag"], r["kind"]) for r in rows] == [("X-2", "left")]
    assert len(api.get("/api/responsible-breaches/").json()["results"]) == 2
    api.force_authenticate(end_user)
    assert api.get("/api/responsible-breaches/").status_code == 403


def test_census_report_checks_the_rule_over_its_scope(
    client, supervisor, make_ci, coded, department
):
    from datetime import date

    from cmdb.services.census import census_create

    ten, nine, blank, gone = coded()
    make_ci(asset_tag="IN-SCOPE", department=department)
    make_ci(asset_tag="ELSEWHERE")
    campaign = census_create(
        actor=supervisor, name="半年普查", due_date=date(2027, 1, 31), departments=[department]
    )
    client.force_login(supervisor)
    page = client.get(
        reverse("cmdb:census_report", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "IN-SCOPE" in page and "ELSEWHERE" not in page
    assert "Responsible person rule (1)" in page
