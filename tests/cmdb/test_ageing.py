"""Ageing devices: the replacement rules (age from the purchase date, repeated faults in a
window), their edges, the candidates page with its CSV and mark, and the API."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from cmdb.ageing import age_cutoff, candidate_items, candidates, months_before, years_after
from cmdb.choices import CIStatus
from cmdb.models import AgeingRule, CIClass, ReplacementProposal
from cmdb.services.lifecycle import replacement_propose, replacement_withdraw

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 15)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 10, 15, 4, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def rule(desktop_class):
    return AgeingRule.objects.create(
        ci_class=desktop_class, max_age_years=6, fault_count=3, fault_months=12
    )


def _faults(ci, *dates, requester, status=None):
    from incidents.models import WorkOrder
    from incidents.services import work_order_create

    for day in dates:
        order = work_order_create(actor=requester, requester=requester, title="死机", device=ci)
        at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
        WorkOrder.objects.filter(pk=order.pk).update(
            created_at=at, **({"status": status} if status else {})
        )


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 10, 15), 6, date(2020, 10, 15)),
        (date(2028, 2, 29), 6, date(2022, 2, 28)),
        (date(2026, 2, 28), 6, date(2020, 2, 29)),  # bought on a leap day: its anniversary
        (date(2028, 2, 28), 4, date(2024, 2, 28)),  # a leap year's 28th is not the 29th
    ],
)
def test_age_cutoff(day, years, expected):
    assert age_cutoff(day, years) == expected


def test_calendar_helpers():
    assert years_after(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert months_before(date(2026, 3, 31), 12) == date(2025, 4, 1)
    assert months_before(date(2026, 3, 15), 1) == date(2026, 2, 16)


def test_a_device_is_a_candidate_from_its_anniversary_on(rule, make_ci):
    exactly = make_ci(asset_tag="A-EXACT", purchased_on=date(2020, 10, 15))
    make_ci(asset_tag="A-YOUNG", purchased_on=date(2020, 10, 16))
    make_ci(asset_tag="A-UNDATED")
    make_ci(asset_tag="A-RETIRED", purchased_on=date(2010, 1, 1), status=CIStatus.RETIRED)
    make_ci(asset_tag="A-MONITOR", ci_class="monitor", purchased_on=date(2010, 1, 1))
    rows = candidates()
    assert [r.item.asset_tag for r in rows] == ["A-EXACT"]
    assert rows[0].item == exactly and rows[0].too_old and not rows[0].many_faults
    assert rows[0].age == 6.0
    assert not candidates(on=TODAY - timedelta(days=1))


def test_repeated_faults_count_within_the_window_and_not_cancelled(rule, make_ci, end_user):
    many = make_ci(asset_tag="F-MANY")
    two = make_ci(asset_tag="F-TWO")
    old = make_ci(asset_tag="F-OLDFAULT")
    cancelled = make_ci(asset_tag="F-CANCELLED")
    _faults(many, date(2025, 10, 16), date(2026, 5, 1), date(2026, 10, 14), requester=end_user)
    _faults(two, date(2026, 3, 1), date(2026, 4, 1), requester=end_user)
    # The first fault is one day outside twelve months.
    _faults(old, date(2025, 10, 15), date(2026, 5, 1), date(2026, 6, 1), requester=end_user)
    _faults(cancelled, date(2026, 5, 1), date(2026, 6, 1), requester=end_user)
    _faults(cancelled, date(2026, 7, 1), requester=end_user, status="cancelled")
    rows = candidates()
    assert [r.item.asset_tag for r in rows] == ["F-MANY"]
    assert rows[0].faults == 3 and rows[0].many_faults and not rows[0].too_old
    assert rows[0].last_fault.date() == date(2026, 10, 14)
    # A device without a purchase date is judged on its faults alone.
    assert rows[0].item.purchased_on is None


def test_reason_and_proposal_filters_agree_with_the_list(rule, make_ci, end_user, engineer):
    both = make_ci(asset_tag="B-BOTH", purchased_on=date(2019, 1, 1))
    make_ci(asset_tag="B-OLD", purchased_on=date(2018, 1, 1))
    _faults(both, date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), requester=end_user)
    replacement_propose(actor=engineer, ci=both, note="超期")
    assert {r.item.asset_tag for r in candidates(reason="age")} == {"B-BOTH", "B-OLD"}
    assert [r.item.asset_tag for r in candidates(reason="faults")] == ["B-BOTH"]
    assert list(candidate_items(proposed=True).values_list("asset_tag", flat=True)) == ["B-BOTH"]
    assert list(candidate_items(proposed=False).values_list("asset_tag", flat=True)) == ["B-OLD"]
    with translation.override("en"):  # the reasons are msgids, translated when read
        assert candidates()[0].reasons == ["Past its age", "Repeated faults"]


def test_a_rule_change_in_admin_changes_the_list(rule, make_ci):
    make_ci(asset_tag="R-5Y", purchased_on=date(2021, 6, 1))
    assert not candidates()
    rule.max_age_years = 5
    rule.save()
    assert [r.item.asset_tag for r in candidates()] == ["R-5Y"]
    rule.max_age_years = None
    rule.save()
    assert not candidates()


def test_only_staff_propose_and_a_second_mark_is_refused(rule, make_ci, engineer, end_user, agent):
    ci = make_ci(purchased_on=date(2010, 1, 1))
    with pytest.raises(PermissionDenied):
        replacement_propose(actor=end_user, ci=ci)
    with pytest.raises(PermissionDenied):
        replacement_propose(actor=agent, ci=ci)  # the desk reads the list, does not propose
    replacement_propose(actor=engineer, ci=ci)
    with pytest.raises(ValidationError):
        replacement_propose(actor=engineer, ci=ci)
    replacement_withdraw(actor=engineer, ci=ci)
    assert not ReplacementProposal.objects.exists()


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Devices due for replacement"), ("zh-hans", "待更换设备")]
)
def test_candidates_page_lists_marks_and_exports(client, rule, make_ci, engineer, language, title):
    ci = make_ci(asset_tag="P-OLD", name="<b>旧电脑</b>", purchased_on=date(2015, 1, 1))
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(reverse("cmdb:ageing_list")).content.decode()
    assert title in page and "P-OLD" in page and "&lt;b&gt;旧电脑&lt;/b&gt;" in page
    response = client.post(
        reverse("cmdb:ageing_mark", args=[ci.pk, "propose"]), {"next": "/cmdb/ageing/"}
    )
    assert response.status_code == 302 and ReplacementProposal.objects.filter(item=ci).exists()
    csv = b"".join(client.get(reverse("cmdb:ageing_list"), {"format": "csv"}).streaming_content)
    line = next(row for row in csv.decode("utf-8-sig").splitlines() if row.startswith("P-OLD"))
    assert ",11.8," in line and "2026-10-15" in line  # age and the proposal's day
    detail = client.get(reverse("cmdb:ci_detail", args=[ci.pk])).content.decode()
    assert ("更换建议已提出" if language == "zh-hans" else "Replacement proposed") in detail


def test_end_users_cannot_see_the_candidates(client, rule, end_user, api):
    client.force_login(end_user)
    assert client.get(reverse("cmdb:ageing_list")).status_code == 403
    api.force_authenticate(end_user)
    assert api.get("/api/replacement-candidates/").status_code == 403


def test_candidates_page_and_api_queries_stay_flat(
    client, api, rule, make_ci, supervisor, end_user, django_assert_max_num_queries
):
    def grow(n, start):
        for i in range(n):
            ci = make_ci(asset_tag=f"Q-{start + i:03d}", purchased_on=date(2012, 1, 1))
            _faults(ci, date(2026, 9, 1), requester=end_user)
            if i % 2:
                replacement_propose(actor=supervisor, ci=ci)

    grow(2, 0)
    client.force_login(supervisor)
    api.force_authenticate(supervisor)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("cmdb:ageing_list"))
    with django_assert_max_num_queries(30) as few_api:
        api.get("/api/replacement-candidates/")
    grow(15, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cmdb:ageing_list")).context["total"] == 17
    with django_assert_max_num_queries(len(few_api.captured_queries)):
        body = api.get("/api/replacement-candidates/").json()
    assert body["count"] == 17 and body["results"][0]["too_old"] is True


def test_an_accessory_class_rule_can_be_added(make_ci):
    monitor = CIClass.objects.get(code="monitor")
    AgeingRule.objects.create(ci_class=monitor, max_age_years=8, fault_months=12)
    make_ci(asset_tag="MN-OLD", ci_class="monitor", purchased_on=date(2017, 1, 1))
    assert [r.item.asset_tag for r in candidates()] == ["MN-OLD"]
