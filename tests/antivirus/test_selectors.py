from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from antivirus import selectors
from antivirus.checks import endpoint_states_refresh, endpoint_sync
from antivirus.choices import ImportKind, ImportStatus
from antivirus.importing import import_request_apply, import_upload
from antivirus.models import ConsoleImport, Endpoint, NetworkSegment

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _run(actor, kind, uploaded, callbacks):
    with callbacks(execute=True):
        record = import_upload(actor=actor, kind=kind, uploaded=uploaded)
    record.refresh_from_db()
    with callbacks(execute=True):
        import_request_apply(actor=actor, record=record)
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE
    return record


def test_endpoint_list_filters_by_segment_and_product(
    engineer, estate, sample, django_capture_on_commit_callbacks
):
    _run(
        engineer,
        ImportKind.STATUS,
        sample("trend_apex_one_endpoints.csv"),
        django_capture_on_commit_callbacks,
    )
    endpoint_sync()
    segment = NetworkSegment.objects.create(name="四楼", cidr="10.1.4.0/24")
    in_segment = selectors.endpoint_list(user=engineer, segment=segment)
    assert {e.ip for e in in_segment} and all(e.ip.startswith("10.1.4.") for e in in_segment)
    assert "LAPTOP-GUEST01" not in {e.host_name for e in in_segment}
    odd = NetworkSegment.objects.create(name="三楼前半", cidr="10.1.3.0/25")
    found = {e.ip for e in selectors.endpoint_list(user=engineer, segment=odd)}
    assert found and all(ip.startswith("10.1.3.") and int(ip.split(".")[3]) < 128 for ip in found)
    trend = selectors.endpoint_list(user=engineer, product="Trend Micro Apex One")
    assert trend.count() == 20


def test_state_on_a_past_day_comes_from_the_snapshots(
    engineer, estate, upload, django_capture_on_commit_callbacks
):
    header = "Endpoint,IP Address,Logon User,Agent Version,Virus Scan Engine,Virus Pattern,Pattern Update Time,Server,Last Connected\n"
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=TZ), tick=False):
        _run(
            engineer,
            ImportKind.STATUS,
            upload(header + "PC0001,,,1,1.0,19.1,2026-11-01,S,2026-11-02 08:00:00\n"),
            django_capture_on_commit_callbacks,
        )
    with time_machine.travel(datetime(2026, 11, 9, 9, tzinfo=TZ), tick=False):
        _run(
            engineer,
            ImportKind.STATUS,
            upload(header + "PC0001,,,1,1.0,19.8,2026-11-08,S,2026-11-09 08:00:00\n"),
            django_capture_on_commit_callbacks,
        )
    endpoint = Endpoint.objects.get(ci=estate["PC-0001"])
    assert (
        selectors.endpoint_state_on(endpoint=endpoint, day=date(2026, 11, 5)).signature_version
        == "19.1"
    )
    assert (
        selectors.endpoint_state_on(endpoint=endpoint, day=date(2026, 11, 10)).signature_version
        == "19.8"
    )
    assert selectors.endpoint_state_on(endpoint=endpoint, day=date(2026, 11, 1)) is None
    assert endpoint.signature_version == "19.8"


def test_monthly_statistics_figures(engineer, estate, sample, django_capture_on_commit_callbacks):
    _run(
        engineer,
        ImportKind.STATUS,
        sample("trend_apex_one_endpoints.csv"),
        django_capture_on_commit_callbacks,
    )
    _run(
        engineer,
        ImportKind.EVENTS,
        sample("360_tianqing_virus_events_gbk.csv"),
        django_capture_on_commit_callbacks,
    )
    endpoint_sync()
    endpoint_states_refresh()
    stats = selectors.monthly_statistics(year=2026, month=11)
    assert stats["events"] == 12
    assert stats["unresolved"] == 2 and stats["resolved"] == 10
    assert stats["endpoints"] == len(estate)
    assert stats["protected"] == 19
    assert {row["department"] for row in stats["by_department"]} == {"办公室", ""}
    assert selectors.monthly_statistics(year=2026, month=12)["events"] == 0


def test_import_progress_partial_polls_until_done(client, engineer, estate):
    record = ConsoleImport.objects.create(
        kind=ImportKind.EVENTS, file_name="x.csv", sha256="0" * 64, created_by=engineer,
        status=ImportStatus.RUNNING, progress=40,
    )  # fmt: skip
    client.force_login(engineer)
    busy = client.get(reverse("antivirus:import_progress", args=[record.pk]))
    assert (
        busy.status_code == 200
        and "40" in busy.content.decode()
        and "hx-get" in busy.content.decode()
    )
    ConsoleImport.objects.filter(pk=record.pk).update(status=ImportStatus.DONE)
    done = client.get(reverse("antivirus:import_progress", args=[record.pk]))
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
