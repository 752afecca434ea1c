import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cmdb.choices import CensusResult, CensusReview, CensusStatus, CIStatus
from cmdb.models import CensusCampaign, CIClass, ConfigurationItem
from cmdb.selectors import ci_timeline
from cmdb.services.census import (
    census_close,
    census_confirm,
    census_counts,
    census_create,
    census_record_change,
    census_record_unknown,
    census_reminders_scan,
    census_scan,
    census_start,
)
from itsm.actors import system_user as SYSTEM  # noqa: N812
from servicedesk.models import Location, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def floor(location):
    """Rooms 301 and 302 of the third floor, and a room elsewhere."""
    room_302 = Location.objects.create(building=location.building, floor="3", room="302")
    elsewhere = Location.objects.create(building=location.building, floor="5", room="501")
    return location, room_302, elsewhere


@pytest.fixture
def estate(make_ci, floor, make_person, department):
    r301, r302, elsewhere = floor
    owner = make_person(name="王芳")
    return {
        "a": make_ci(asset_tag="PC-A", location=r301, department=department, responsible=owner),
        "b": make_ci(asset_tag="PC-B", location=r301, department=department),
        "c": make_ci(asset_tag="PC-C", location=r302),
        "d": make_ci(asset_tag="PC-D", location=r301),
        "e": make_ci(asset_tag="PC-E", location=elsewhere),
        "retired": make_ci(asset_tag="PC-R", location=r301, status=CIStatus.RETIRED),
    }


def _campaign(supervisor, floor):
    return census_create(
        actor=supervisor,
        name="三楼普查",
        due_date=date(2026, 6, 30),
        locations=floor[:2],
    )


def test_census_happy_path_with_one_missing_and_one_moved(supervisor, engineer, estate, floor):
    r301, r302, _elsewhere = floor
    campaign = census_start(campaign=_campaign(supervisor, floor), actor=supervisor)
    assert campaign.status == CensusStatus.RUNNING
    assert census_counts(campaign)["expected"] == 4, "retired and out-of-scope items not expected"

    assert (
        census_scan(campaign=campaign, actor=engineer, tag="pc-a", location=r301).result == "found"
    )
    moved = census_scan(campaign=campaign, actor=engineer, tag="PC-B", location=r302)
    assert moved.result == CensusResult.MOVED and moved.observed_location == r302
    census_scan(campaign=campaign, actor=engineer, tag="PC-C", location=r302)
    stray = census_scan(campaign=campaign, actor=engineer, tag="PC-E", location=r301)
    assert stray.result == CensusResult.UNEXPECTED and not stray.expected
    assert census_scan(campaign=campaign, actor=engineer, tag="NEW-1", location=r302) is None
    census_record_unknown(
        campaign=campaign,
        actor=engineer,
        tag="NEW-1",
        name="无标签打印机",
        ci_class=CIClass.objects.get(code="printer"),
        location=r302,
    )

    campaign = census_close(campaign=campaign, actor=supervisor)
    counts = census_counts(campaign)
    assert {
        k: counts[k]
        for k in ("expected", "found", "moved", "changed", "missing", "unexpected", "pending")
    } == {
        "expected": 4,
        "found": 2,
        "moved": 1,
        "changed": 0,
        "missing": 1,
        "unexpected": 2,
        "pending": 0,
    }
    assert counts["to_review"] == 4

    outcome = census_confirm(
        campaign=campaign, actor=supervisor, line_ids=campaign.lines.values_list("pk", flat=True)
    )
    assert outcome == {"done": 4, "errors": []}
    for ci in estate.values():
        ci.refresh_from_db()
    assert estate["d"].status == CIStatus.LOST
    assert estate["b"].location == r302
    assert estate["e"].location == r301
    new = ConfigurationItem.objects.get(asset_tag="NEW-1")
    assert new.status == CIStatus.IN_STOCK and new.location == r302
    assert ci_timeline(ci=estate["d"])[0].note == "census 三楼普查"
    assert census_counts(campaign)["to_review"] == 0
    # Confirming again does nothing more.
    assert (
        census_confirm(
            campaign=campaign,
            actor=supervisor,
            line_ids=[*campaign.lines.values_list("pk", flat=True)],
        )["done"]
        == 0
    )


def test_changed_item_records_observed_values_and_confirm_applies_them(
    supervisor, engineer, estate, floor, make_person
):
    r301 = floor[0]
    campaign = census_start(campaign=_campaign(supervisor, floor), actor=supervisor)
    line = census_scan(campaign=campaign, actor=engineer, tag="PC-A", location=r301)
    new_owner = make_person(name="李雷")
    census_record_change(line=line, actor=engineer, responsible=new_owner, note="换人使用")
    campaign = census_close(campaign=campaign, actor=supervisor)
    line.refresh_from_db()
    assert line.result == CensusResult.CHANGED
    census_confirm(campaign=campaign, actor=supervisor, line_ids=[line.pk])
    estate["a"].refresh_from_db()
    assert estate["a"].responsible == new_owner


def test_dismissed_discrepancies_leave_the_cmdb_alone(supervisor, engineer, estate, floor):
    campaign = census_start(campaign=_campaign(supervisor, floor), actor=supervisor)
    census_close(campaign=campaign, actor=supervisor)
    ids = list(campaign.lines.values_list("pk", flat=True))
    assert (
        census_confirm(campaign=campaign, actor=supervisor, line_ids=ids, dismiss=True)["done"] == 4
    )
    assert not ConfigurationItem.objects.filter(status=CIStatus.LOST).exists()
    assert set(campaign.lines.values_list("review", flat=True)) == {CensusReview.DISMISSED}


def test_engineers_cannot_run_or_confirm_and_scans_need_a_running_census(
    supervisor, engineer, estate, floor
):
    from django.core.exceptions import PermissionDenied

    campaign = _campaign(supervisor, floor)
    with pytest.raises(PermissionDenied):
        census_start(campaign=campaign, actor=engineer)
    with pytest.raises(ValidationError):
        census_scan(campaign=campaign, actor=engineer, tag="PC-A")
    census_start(campaign=campaign, actor=supervisor)
    with pytest.raises(ValidationError):
        census_confirm(campaign=campaign, actor=supervisor, line_ids=[])
    with pytest.raises(ValidationError):
        census_start(campaign=campaign, actor=supervisor)


def test_census_pages_scan_review_and_report(client, supervisor, engineer, estate, floor):
    r301, r302, _ = floor
    client.force_login(supervisor)
    response = client.post(
        reverse("cmdb:census_list"),
        {"name": "三楼普查", "due_date": "2026-06-30", "locations": [r301.pk, r302.pk]},
    )
    campaign = CensusCampaign.objects.get()
    assert response.status_code == 302
    client.post(reverse("cmdb:census_transition", args=[campaign.pk, "start"]))

    client.force_login(engineer)
    scan_url = reverse("cmdb:census_scan", args=[campaign.pk])
    page = client.get(scan_url).content.decode()
    assert 'id="tag"' in page and "autofocus" in page and "cmdb/scan.js" in page
    response = client.post(scan_url, {"action": "scan", "at": r302.pk, "tag": "PC-B"})
    assert response.status_code == 302 and f"at={r302.pk}" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Moved" in page and "PC-B" in page
    response = client.post(scan_url, {"action": "scan", "at": r302.pk, "tag": "<script>x</script>"})
    page = client.get(response["Location"]).content.decode()
    assert "Unknown tag &lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page
    client.post(scan_url, {"action": "scan", "at": r301.pk, "tag": "PC-A"})
    client.post(scan_url, {"action": "scan", "at": r302.pk, "tag": "PC-C"})
    close_url = reverse("cmdb:census_transition", args=[campaign.pk, "close"])
    assert client.post(close_url).status_code == 403, "engineers scan; supervisors close"

    client.force_login(supervisor)
    client.post(close_url)
    campaign.refresh_from_db()
    assert campaign.status == CensusStatus.CLOSED
    review = client.get(reverse("cmdb:census_review", args=[campaign.pk])).content.decode()
    assert "PC-D" in review and "PC-B" in review
    ids = [line.pk for line in campaign.lines.filter(result__in=["missing", "moved"])]
    client.post(
        reverse("cmdb:census_review", args=[campaign.pk]), {"action": "confirm", "line": ids}
    )
    estate["d"].refresh_from_db()
    assert estate["d"].status == CIStatus.LOST

    report = client.get(reverse("cmdb:census_report", args=[campaign.pk])).content.decode()
    assert "Missing: 1" in report and "Moved: 1" in report and "Expected: 4" in report
    pdf = client.get(reverse("cmdb:census_report_pdf", args=[campaign.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("cmdb:census_assets_xlsx", args=[campaign.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    results = {row[0]: row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert results["PC-D"] == "Missing" and results["PC-B"] == "Moved"
    assert results["PC-A"] == "Found"


def test_census_pdf_embeds_the_cjk_font(supervisor, estate, floor):
    from pathlib import Path

    from django.conf import settings

    from cmdb.census_report import census_pdf

    if not Path(settings.ITSM["PDF_FONT_PATH"]).is_file():
        pytest.skip("CJK font not installed")
    campaign = census_close(
        campaign=census_start(campaign=_campaign(supervisor, floor), actor=supervisor),
        actor=supervisor,
    )
    pdf = census_pdf(campaign, census_counts(campaign), campaign.lines.all())
    assert b"FontFile2" in pdf, "TrueType font embedded"


def test_census_detail_query_count_is_flat(
    client, supervisor, make_ci, floor, django_assert_max_num_queries
):
    campaign = _campaign(supervisor, floor)
    for _ in range(3):
        make_ci(location=floor[0])
    census_start(campaign=campaign, actor=supervisor)
    client.force_login(supervisor)
    url = reverse("cmdb:census_detail", args=[campaign.pk])
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    more = CensusCampaign.objects.create(name="x", due_date=date.today())
    for _ in range(30):
        ci = make_ci(location=floor[0])
        campaign.lines.create(item=ci, expected_location=floor[0])
    assert more
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_reminders_half_yearly_and_before_contract_end_each_once(settings, supervisor):
    settings.ITSM = {
        **settings.ITSM,
        "CONTRACT_END_DATE": (timezone.localdate() + timedelta(days=20)).isoformat(),
    }
    assert census_reminders_scan(actor=SYSTEM()) == {"half_yearly": True, "contract_end": True}
    assert census_reminders_scan(actor=SYSTEM()) == {"half_yearly": False, "contract_end": False}
    assert Notification.objects.filter(recipient=supervisor).count() == 2


def test_no_half_yearly_reminder_after_a_recent_census(settings, supervisor, floor):
    settings.ITSM = {**settings.ITSM, "CONTRACT_END_DATE": None}
    census_start(campaign=_campaign(supervisor, floor), actor=supervisor)
    assert census_reminders_scan(actor=SYSTEM()) == {"half_yearly": False, "contract_end": False}
    assert not Notification.objects.exists()
