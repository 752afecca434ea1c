"""The scheduled checks over a frozen week: once a day, once a week, once per outbreak."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from antivirus import checks, services, tasks
from antivirus.choices import ImportKind, ImportStatus, ProtectionState
from antivirus.importing import import_request_apply, import_upload
from antivirus.models import (
    AntivirusPolicy,
    CoverageSnapshot,
    DailyCheck,
    DepartmentHead,
    Endpoint,
    NetworkSegment,
    Outbreak,
    WeeklyEvaluation,
)
from itsm.workflow import IllegalTransition
from servicedesk.choices import Role
from servicedesk.models import Department, Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def do(actor, kind, uploaded):
        with django_capture_on_commit_callbacks(execute=True):
            record = import_upload(actor=actor, kind=kind, uploaded=uploaded)
        record.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            import_request_apply(actor=actor, record=record)
        record.refresh_from_db()
        assert record.status == ImportStatus.DONE, (record.message, record.errors)
        return record

    return do


def test_a_week_of_checks(engineer, supervisor, make_person, estate, sample, run):
    second_engineer = make_person(Role.ENGINEER)
    finance = estate["PC-0001"].department
    office = Department.objects.get(code="office")
    finance_head, office_head = make_person(Role.END_USER), make_person(Role.END_USER)
    DepartmentHead.objects.create(department=finance, head=finance_head)
    DepartmentHead.objects.create(department=office, head=office_head)
    policy = AntivirusPolicy.current()
    policy.top_departments = 1
    policy.save()
    NetworkSegment.objects.create(name="四楼", cidr="10.1.4.0/24")

    monday = datetime(2026, 11, 30, 8, 0, tzinfo=TZ)
    with time_machine.travel(monday, tick=False):
        run(engineer, ImportKind.STATUS, sample("trend_apex_one_endpoints.csv"))
        run(engineer, ImportKind.EVENTS, sample("trend_apex_one_virus_events.csv"))
        run(engineer, ImportKind.EVENTS, sample("360_tianqing_virus_events_gbk.csv"))
    # The worm on six hosts within a day alerted the supervisor once, at import.
    assert Outbreak.objects.count() == 1
    alerts = Notification.objects.filter(recipient=supervisor, subject__contains="WORM_DOWNAD")
    assert alerts.count() == 1

    for day in range(7):
        for hour in (9, 15):  # the beat runs hourly; twice a day is enough to show it
            with time_machine.travel(monday + timedelta(days=day, hours=hour - 8), tick=False):
                tasks.daily_check()
    assert DailyCheck.objects.count() == 7
    for person in (engineer, second_engineer):
        daily = Notification.objects.filter(recipient=person, url__contains="problems=1").count()
        assert daily == 7
    # Signatures and engines are judged against the import; not reporting after 7 days.
    assert Endpoint.objects.filter(ci__asset_tag="PC-0003", state=ProtectionState.STALE).exists()
    assert CoverageSnapshot.objects.filter(segment__cidr="10.1.4.0/24").count() == 1  # one a week

    # Outbreak scans during the week and a re-run over the import do not alert again.
    checks.outbreaks_detect(since=monday - timedelta(days=7))
    assert alerts.count() == 1

    # The evaluation of the week of 23 Nov is sent to the worst-hit department, once.
    evaluation = WeeklyEvaluation.objects.get(week_start=datetime(2026, 11, 23).date())
    with pytest.raises(ValidationError):
        services.evaluation_send(
            actor=engineer, evaluation=evaluation, lock_version=evaluation.lock_version
        )
    evaluation = services.evaluation_save(
        actor=engineer,
        evaluation=evaluation,
        causes="U 盘交叉使用",
        recommendations="禁用自动播放",
        lock_version=evaluation.lock_version,
    )
    sent = services.evaluation_send(
        actor=engineer, evaluation=evaluation, lock_version=evaluation.lock_version
    )
    assert [row["department"] for row in sent] == [finance.name]
    with pytest.raises(IllegalTransition):
        services.evaluation_send(actor=second_engineer, evaluation=evaluation, lock_version=None)
    assert Notification.objects.filter(recipient=finance_head).count() == 1
    assert Notification.objects.filter(recipient=office_head).count() == 0
    evaluation.refresh_from_db()
    assert list(evaluation.sent_to.all()) == [finance]


def test_not_reporting_after_the_configured_days(engineer, estate, sample, run):
    with time_machine.travel(datetime(2026, 12, 1, 12, tzinfo=TZ), tick=False):
        run(engineer, ImportKind.STATUS, sample("trend_apex_one_endpoints.csv"))
    with time_machine.travel(datetime(2026, 12, 9, 12, tzinfo=TZ), tick=False):
        checks.endpoint_states_refresh()
    assert Endpoint.objects.filter(state=ProtectionState.NOT_REPORTING).count() == 20


def test_outbreak_threshold_is_configurable_and_a_work_order_opens_once(
    supervisor, engineer, estate, sample, run
):
    policy = AntivirusPolicy.current()
    policy.outbreak_hosts = 7
    policy.save()
    with time_machine.travel(datetime(2026, 11, 30, 8, tzinfo=TZ), tick=False):
        run(engineer, ImportKind.EVENTS, sample("trend_apex_one_virus_events.csv"))
    assert Outbreak.objects.count() == 0
    policy.outbreak_hosts = 6
    policy.save()
    found = checks.outbreaks_detect(since=datetime(2026, 11, 20, tzinfo=TZ))
    assert [o.threat for o in found] == ["WORM_DOWNAD.AD"]
    order = services.outbreak_open_work_order(actor=supervisor, outbreak=found[0])
    assert services.outbreak_open_work_order(actor=supervisor, outbreak=found[0]) == order
    with pytest.raises(PermissionDenied):
        services.outbreak_open_work_order(actor=engineer, outbreak=found[0])


def test_coverage_counts_cmdb_and_scanned_hosts(engineer, estate, sample, run):
    from django.core.files.uploadedfile import SimpleUploadedFile

    NetworkSegment.objects.create(name="三楼", cidr="10.1.3.0/24")
    run(engineer, ImportKind.STATUS, sample("trend_apex_one_endpoints.csv"))
    scan_file = sample("nmap_scan_10.1.3.0.xml")
    scan = services.scan_import(actor=engineer, uploaded=scan_file)
    assert scan.host_count == 5  # the host that was down is not counted
    again = services.scan_import(actor=engineer, uploaded=sample("nmap_scan_10.1.3.0.xml"))
    assert again == scan
    with time_machine.travel(scan.scanned_at + timedelta(days=1), tick=False):
        figures = checks.coverage_compute()["segments"]
    segment = NetworkSegment.objects.get()
    entry = figures[segment.pk]
    cmdb_ips = {ci.ip_address for ci in estate.values() if ci.ip_address.startswith("10.1.3.")}
    scanned_only = {"10.1.3.200", "10.1.3.201"} - cmdb_ips
    assert entry["live"] == len(cmdb_ips | {"10.1.3.11", "10.1.3.12", "10.1.3.13"} | scanned_only)
    unprotected_ips = {row["ip"] for row in entry["unprotected"]}
    assert scanned_only <= unprotected_ips
    with pytest.raises(ValidationError):
        services.scan_import(
            actor=engineer,
            uploaded=SimpleUploadedFile("x.xml", b'<!DOCTYPE x [<!ENTITY a "b">]><nmaprun/>'),
        )


def test_unprotected_actions_open_one_work_order_and_notify(engineer, end_user, estate):
    checks.endpoint_sync()
    endpoint = Endpoint.objects.get(ci=estate["PC-0001"])
    order = services.endpoint_open_install_order(actor=engineer, endpoint=endpoint)
    assert order.device == estate["PC-0001"]
    assert services.endpoint_open_install_order(actor=engineer, endpoint=endpoint) == order
    assert services.endpoint_notify_user(actor=engineer, endpoint=endpoint) == 1
    assert Notification.objects.filter(recipient=end_user, url__contains=str(endpoint.pk)).exists()
