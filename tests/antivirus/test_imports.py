import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from antivirus.choices import EventResult, ImportKind, ImportStatus, ProtectionState
from antivirus.importing import import_map, import_request_apply, import_upload
from antivirus.models import ConsoleImport, Endpoint, EndpointSnapshot, MappingProfile, VirusEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _run_on_commit(django_capture_on_commit_callbacks):
    """The import tasks are queued on commit; run them as they are queued."""
    global _callbacks
    _callbacks = django_capture_on_commit_callbacks


_callbacks = None


def _upload(**kwargs):
    with _callbacks(execute=True):
        record = import_upload(**kwargs)
    record.refresh_from_db()
    return record


def _apply(actor, record):
    with _callbacks(execute=True):
        claimed = import_request_apply(actor=actor, record=record)
    record.refresh_from_db()
    return claimed


def _import(actor, kind, uploaded):
    record = _upload(actor=actor, kind=kind, uploaded=uploaded)
    if record.status != ImportStatus.CHECKED:
        return record
    _apply(actor, record)
    return record


def test_trend_endpoint_sample_imports_with_unknown_host_listed(engineer, estate, sample):
    record = _import(engineer, ImportKind.STATUS, sample("trend_apex_one_endpoints.csv"))
    assert record.status == ImportStatus.DONE, record.message
    assert record.encoding == "utf-8-sig"
    assert (record.rows_total, record.added, record.rows_invalid) == (20, 20, 0)
    assert record.unknown_hosts == ["LAPTOP-GUEST01 (10.1.3.250)"]
    assert Endpoint.objects.filter(ci__isnull=False, installed=True).count() == 19
    unknown = Endpoint.objects.get(ci__isnull=True)
    assert (unknown.reported_host, unknown.reported_ip) == ("LAPTOP-GUEST01", "10.1.3.250")
    # The servers have no host name in the CMDB: matched by their IP.
    assert Endpoint.objects.get(ci=estate["SV-001"]).installed
    stale = set(
        Endpoint.objects.filter(state=ProtectionState.STALE).values_list("ci__asset_tag", flat=True)
    )
    assert stale == {"PC-0003", "PC-0005", "PC-0007"}  # two old signatures, one old engine


def test_importing_the_same_file_again_changes_nothing(engineer, estate, sample):
    _import(engineer, ImportKind.STATUS, sample("trend_apex_one_endpoints.csv"))
    _import(engineer, ImportKind.EVENTS, sample("trend_apex_one_virus_events.csv"))
    counts = (
        Endpoint.objects.count(),
        EndpointSnapshot.objects.count(),
        VirusEvent.objects.count(),
    )
    again = _import(engineer, ImportKind.STATUS, sample("trend_apex_one_endpoints.csv"))
    again_events = _import(engineer, ImportKind.EVENTS, sample("trend_apex_one_virus_events.csv"))
    assert again.status == again_events.status == ImportStatus.DUPLICATE
    assert again.added == again_events.added == 0
    assert (
        Endpoint.objects.count(),
        EndpointSnapshot.objects.count(),
        VirusEvent.objects.count(),
    ) == counts


def test_gbk_samples_of_360_import(engineer, estate, sample):
    status = _import(engineer, ImportKind.STATUS, sample("360_tianqing_endpoints_gbk.csv"))
    events = _import(engineer, ImportKind.EVENTS, sample("360_tianqing_virus_events_gbk.csv"))
    assert status.encoding == events.encoding == "gb18030"
    assert status.profile.name == "360 天擎 — 终端"
    assert (status.status, status.added, status.unknown_count) == (ImportStatus.DONE, 15, 1)
    assert status.unknown_hosts == ["财务临时机 (10.1.4.251)"]
    assert (events.status, events.added, events.unknown_count) == (ImportStatus.DONE, 12, 1)
    kept = VirusEvent.objects.get(host_name="财务临时机")
    assert kept.ci is None and kept.result == EventResult.CLEANED
    assert VirusEvent.objects.filter(result=EventResult.FAILED).count() == 2  # 清除失败
    assert Endpoint.objects.get(ci__asset_tag="PC-0104").state == ProtectionState.STALE


def test_trend_event_sample_counts(engineer, estate, sample):
    record = _import(engineer, ImportKind.EVENTS, sample("trend_apex_one_virus_events.csv"))
    assert (record.status, record.rows_total, record.added) == (ImportStatus.DONE, 30, 30)
    assert VirusEvent.objects.filter(threat="WORM_DOWNAD.AD").count() == 6
    assert VirusEvent.objects.filter(ci__isnull=True).count() == 0


def test_overlapping_event_exports_add_each_detection_once(engineer, estate, upload):
    header = "Generated,Endpoint,IP Address,User,Security Threat,Infected File,Action,Result\n"
    first = "2026-11-30 10:00:00,PC0001,10.1.4.11,u,TROJ_A,C:\\a.exe,Clean,Cleaned\n"
    second = "2026-11-30 11:00:00,PC0002,10.1.5.12,u,TROJ_A,C:\\b.exe,Clean,Cleaned\n"
    _import(engineer, ImportKind.EVENTS, upload(header + first))
    record = _import(engineer, ImportKind.EVENTS, upload(header + first + second))
    assert (record.added, record.skipped) == (1, 1)
    assert VirusEvent.objects.count() == 2


def test_malformed_rows_are_reported_by_line_and_nothing_is_written(engineer, estate, upload):
    text = (
        "Generated,Endpoint,IP Address,User,Security Threat,Infected File,Action,Result\n"
        "2026-11-30 10:00:00,PC0001,10.1.4.11,u,TROJ_A,C:\\a.exe,Clean,Cleaned\n"
        "yesterday,PC0002,10.1.5.12,u,TROJ_A,C:\\b.exe,Clean,Cleaned\n"
        "2026-11-30 10:00:00,PC0003,10.1.999.1,u,TROJ_A,C:\\c.exe,Clean,Cleaned\n"
        "2026-11-30 10:00:00,,10.1.6.13,u,TROJ_A,C:\\c.exe,Clean,Cleaned\n"
    )
    record = _upload(actor=engineer, kind=ImportKind.EVENTS, uploaded=upload(text))
    assert record.status == ImportStatus.INVALID
    assert record.rows_invalid == 3
    lines = {(e["line"], e["column"]) for e in record.errors}
    assert lines == {(3, "Generated"), (4, "IP Address"), (5, "Endpoint")}
    assert "yesterday" in record.errors[0]["message"]
    assert not _apply(engineer, record)
    assert VirusEvent.objects.count() == 0


def test_unknown_layout_needs_a_mapping_which_is_saved_as_a_profile(engineer, estate, upload):
    text = "时间,主机,威胁,结果\n2026-11-30 10:00:00,PC0001,Trojan.X,已清除\n"
    record = import_upload(actor=engineer, kind=ImportKind.EVENTS, uploaded=upload(text))
    assert record.status == ImportStatus.NEEDS_MAPPING
    assert record.headers == ["时间", "主机", "威胁", "结果"]
    with pytest.raises(ValueError):
        import_map(
            actor=engineer, record=record, name="x", product="瑞星", columns={"host": "主机"}
        )
    with _callbacks(execute=True):
        profile = import_map(
            actor=engineer,
            record=record,
            name="瑞星网络版",
            product="瑞星",
            columns={"detected_at": "时间", "host": "主机", "threat": "威胁", "result": "结果"},
        )
    record.refresh_from_db()
    assert record.status == ImportStatus.CHECKED and record.profile == profile
    _apply(engineer, record)
    assert VirusEvent.objects.get().product == "瑞星"
    # The next file of that layout is recognised.
    again = _upload(
        actor=engineer,
        kind=ImportKind.EVENTS,
        uploaded=upload(text + "2026-11-30 11:00:00,PC0002,Trojan.X,已清除\n"),
    )
    assert again.profile == profile


def test_file_that_is_not_text_is_refused_with_a_reason(engineer, upload):
    record = import_upload(
        actor=engineer, kind=ImportKind.EVENTS, uploaded=upload("", name="x.csv")
    )
    assert record.status == ImportStatus.INVALID and record.message
    binary = import_upload(
        actor=engineer,
        kind=ImportKind.EVENTS,
        uploaded=SimpleUploadedFile("a.csv", b"\x00\x01\xff\xfe" * 10),
    )
    assert binary.status == ImportStatus.INVALID


def test_end_users_cannot_import(end_user, upload):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_upload(actor=end_user, kind=ImportKind.EVENTS, uploaded=upload("a,b\n1,2\n"))
    assert ConsoleImport.objects.count() == 0


def test_default_profiles_exist():
    assert MappingProfile.objects.filter(product="Trend Micro Apex One").count() == 2
    assert MappingProfile.objects.filter(product="360天擎").count() == 2
