"""Facility checks: a building's lightning protection checked against a facility-kind
checklist with a measured limit, on its seasonal schedule; pages, API, scan."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services, tasks
from inspections.choices import FacilityKind, ItemResult, ReminderKind
from inspections.models import DueReminder, Facility, FacilityCheck, FacilitySchedule, ResultLine
from servicedesk.models import Notification

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the translators did to the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


def at(day: str):
    year, month, dom = (int(p) for p in day.split("-"))
    return time_machine.travel(datetime(year, month, dom, 9, tzinfo=TZ), tick=False)


@pytest.fixture
def schedule(db):
    # Seeded by the migration; the test asserts it is there with the plan's numbers.
    return FacilitySchedule.objects.get(season_start_month=4, season_end_month=8)


@pytest.fixture
def grid(schedule, engineer, location):
    with at("2026-07-05"):
        return Facility.objects.create(
            name="机关办公楼 防雷接地网",
            kind=FacilityKind.LIGHTNING,
            building=location.building,
            schedule=schedule,
            responsible=engineer,
        )


def _lines(ohms: str, result=ItemResult.PASS, note=""):
    template = services.facility_checklist(kind=FacilityKind.LIGHTNING)
    return [
        services.FacilityLine(item_id=item.pk, value=ohms, note=note)
        if item.is_measured
        else services.FacilityLine(item_id=item.pk, result=result, note=note)
        for item in template.items.all()
    ]


def test_the_migration_seeds_the_lightning_schedule(schedule):
    assert schedule.due_months == [4, 5, 6, 7, 8, 12]


def test_a_new_facility_is_due_in_the_first_due_month(grid):
    assert grid.next_due_on == date(2026, 7, 31)


def test_the_lightning_checklist_carries_the_four_ohm_limit(db):
    template = services.facility_checklist(kind=FacilityKind.LIGHTNING)
    assert template.ci_class is None
    measured = [i for i in template.items.all() if i.is_measured]
    assert len(measured) == 1
    assert measured[0].limit_text == "≤ 4 Ω"
    # Asked again, the same template: no second checklist engine, no duplicates.
    assert services.facility_checklist(kind=FacilityKind.LIGHTNING) == template


@at("2026-08-20")
def test_ground_resistance_over_four_ohm_fails_the_check_whatever_was_ticked(grid, engineer):
    check = services.facility_check_record(facility=grid, actor=engineer, lines=_lines("4.6"))
    assert not check.passed
    line = check.lines.get(measured_value__isnull=False)
    assert line.result == ItemResult.FAIL
    assert "4.6" in line.note and "4" in line.limit
    grid.refresh_from_db()
    assert grid.last_checked_on == date(2026, 8, 20)
    assert grid.next_due_on == date(2026, 12, 31)  # August was the season's last month


@at("2026-08-20")
def test_four_ohm_exactly_passes(grid, engineer):
    check = services.facility_check_record(facility=grid, actor=engineer, lines=_lines("4.0"))
    assert check.passed
    assert check.lines.get(measured_value__isnull=False).result == ItemResult.PASS


@at("2026-08-20")
def test_a_value_that_is_not_a_number_is_refused_and_nothing_is_saved(grid, engineer):
    with pytest.raises(ValidationError, match="as a number"):
        services.facility_check_record(facility=grid, actor=engineer, lines=_lines("four"))
    assert not FacilityCheck.objects.exists()
    assert not ResultLine.objects.filter(facility_check__isnull=False).exists()


@at("2026-08-20")
def test_a_failed_ticked_item_needs_a_note(grid, engineer):
    with pytest.raises(ValidationError, match="Say what failed"):
        services.facility_check_record(
            facility=grid, actor=engineer, lines=_lines("3", result=ItemResult.FAIL)
        )


@at("2026-08-20")
def test_an_end_user_cannot_record_a_check(grid, end_user):
    with pytest.raises(PermissionDenied):
        services.facility_check_record(facility=grid, actor=end_user, lines=_lines("3"))


def test_due_scan_reminds_once_this_month_and_once_when_overdue(grid, engineer, supervisor):
    with at("2026-07-02"):
        assert tasks.due_scan()["facility_due"] == 1
        assert tasks.due_scan()["facility_due"] == 0
    with at("2026-08-02"):
        result = tasks.due_scan()
        assert result["facility_overdue"] == 1
        assert tasks.due_scan()["facility_overdue"] == 0
    kinds = set(DueReminder.objects.values_list("kind", flat=True))
    assert kinds == {ReminderKind.FACILITY_DUE, ReminderKind.FACILITY_OVERDUE}
    assert Notification.objects.filter(recipient=supervisor).count() == 1  # overdue only
    assert Notification.objects.filter(recipient=engineer).count() == 2


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Facility checks"), ("zh-hans", "设施检查")]
)
def test_facility_list_page_in_both_languages(client, grid, engineer, language, heading):
    client.force_login(engineer)
    page = client.get(reverse("inspections:facility_list"), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    body = page.content.decode()
    assert heading in body and grid.name in body


def test_facility_list_is_refused_to_end_users(client, grid, end_user):
    client.force_login(end_user)
    assert client.get(reverse("inspections:facility_list")).status_code == 403


def _list_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("inspections:facility_list")).status_code == 200
    return len(ctx)


def test_facility_list_query_count_is_flat(client, grid, schedule, engineer, location):
    client.force_login(engineer)
    _list_queries(client)  # warm: the menu is drawn once (itsm.navigation)
    few = _list_queries(client)
    for n in range(12):
        Facility.objects.create(
            name=f"设施 {n}",
            kind=FacilityKind.UPS,
            building=location.building,
            schedule=schedule,
            responsible=engineer,
        )
    assert _list_queries(client) == few


@at("2026-08-20")
def test_the_detail_page_records_a_check_with_a_measured_value(client, grid, engineer):
    client.force_login(engineer)
    template = services.facility_checklist(kind=FacilityKind.LIGHTNING)
    data = {"checked_on": "2026-08-19", "note": ""}
    for item in template.items.all():
        if item.is_measured:
            data[f"value_{item.pk}"] = "5.2"
        else:
            data[f"result_{item.pk}"] = "pass"
    answer = client.post(reverse("inspections:facility_detail", args=[grid.pk]), data)
    check = FacilityCheck.objects.get()
    assert answer.url == check.get_absolute_url()
    assert not check.passed
    page = client.get(check.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "≤ 4 Ω" in page.content.decode()


def test_api_lists_facilities_for_staff_only(grid, engineer, end_user):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(engineer)
    rows = api.get("/api/facilities/").json()
    rows = rows.get("results", rows)
    assert [r["name"] for r in rows] == [grid.name]
    assert rows[0]["due_months"] == [4, 5, 6, 7, 8, 12]
    api.force_authenticate(end_user)
    assert api.get("/api/facilities/").status_code == 403


def test_an_approver_reads_the_facility_but_cannot_post_a_check(client, grid, approver):
    client.force_login(approver)
    url = reverse("inspections:facility_detail", args=[grid.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Only engineers and supervisors record facility checks." in page.content.decode()
    assert client.post(url, {"checked_on": "2026-07-01"}).status_code == 403
    assert not FacilityCheck.objects.exists()
