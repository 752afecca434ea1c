"""Service outages and availability: hand-computed months, a holiday, edits with audit,
who may record them, and the processes that record them (emergencies, major incidents)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from cmdb.availability import service_availability
from cmdb.choices import OutageSource
from cmdb.models import ServiceOutage
from cmdb.services import outages as services
from itsm.audit import audit_timeline
from reports.periods import Period
from servicedesk.calendar import calendar_changed, holidays_sync

pytestmark = pytest.mark.django_db

# 2026-11-02 10:00 in Beijing: October is over.
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
OCTOBER = Period.month(2026, 10)
SEPTEMBER = Period.month(2026, 9)


def local(*args):
    """A Beijing wall-clock time (UTC+8) as an aware UTC datetime."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def calendar_2026(db):
    holidays_sync(years=[2026])
    calendar_changed()


@pytest.fixture
def frozen(calendar_2026):
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app(make_ci):
    """A business application: its class's window is 5×8 (business hours)."""
    return make_ci(ci_class="application", asset_tag="APP-OA", name="办公自动化系统")


@pytest.fixture
def switch(make_ci):
    """The core switch: network items run 7×24."""
    return make_ci(ci_class="network", asset_tag="NET-CORE", name="核心交换机",
                   attributes={"kind": "交换机"})  # fmt: skip


def _row(rows, service):
    return next(r for r in rows if r.service.pk == service.pk)


def test_three_business_hours_down_in_october_is_97_8_percent_and_misses_98(
    frozen, supervisor, app
):
    # October 2026 has 18 working days (1–7 National Day off, Saturday 10th a make-up
    # working day) of 7.5 h: 135 h scheduled. Down Monday 12th 09:00–13:30 local: 09:00–
    # 12:00 is business time, the lunch break is not: 3 h.
    services.outage_create(
        actor=supervisor, service=app, started_at=local(2026, 10, 12, 9, 0),
        ended_at=local(2026, 10, 12, 13, 30), cause="数据库锁表",
    )  # fmt: skip
    row = _row(service_availability(start_at=OCTOBER.start_at, end_at=OCTOBER.end_at), app)
    assert row.window == "business"
    assert row.scheduled == timedelta(hours=135)
    assert row.down == timedelta(hours=3)
    assert row.availability == pytest.approx(1 - 3 / 135)  # 97.78 %
    assert row.met is False


def test_an_outage_over_national_day_costs_a_5x8_service_only_working_hours(
    frozen, supervisor, app, switch
):
    # Both down from Wednesday 30 Sep 17:00 to Thursday 8 Oct 09:30 local.
    for service in (app, switch):
        services.outage_create(
            actor=supervisor, service=service, started_at=local(2026, 9, 30, 17, 0),
            ended_at=local(2026, 10, 8, 9, 30),
        )  # fmt: skip
    october = service_availability(start_at=OCTOBER.start_at, end_at=OCTOBER.end_at)
    # 5×8: only 8 Oct 08:30–09:30 is service time in October.
    assert _row(october, app).down == timedelta(hours=1)
    assert _row(october, app).availability == pytest.approx(1 - 1 / 135)
    # 7×24: 1 Oct 00:00 → 8 Oct 09:30 = 177.5 h of 744 h.
    assert _row(october, switch).scheduled == timedelta(hours=744)
    assert _row(october, switch).down == timedelta(hours=177.5)
    assert _row(october, switch).availability == pytest.approx(1 - 177.5 / 744)
    # September (22 working days, 165 h): 30 Sep 17:00–17:30 only.
    september = service_availability(start_at=SEPTEMBER.start_at, end_at=SEPTEMBER.end_at)
    assert _row(september, app).down == timedelta(minutes=30)
    assert _row(september, app).availability == pytest.approx(1 - 0.5 / 165)


def test_overlapping_outages_of_one_service_count_once(frozen, supervisor, switch):
    services.outage_create(actor=supervisor, service=switch, started_at=local(2026, 10, 12, 9),
                           ended_at=local(2026, 10, 12, 11))  # fmt: skip
    services.outage_create(actor=supervisor, service=switch, started_at=local(2026, 10, 12, 10),
                           ended_at=local(2026, 10, 12, 12))  # fmt: skip
    row = _row(service_availability(start_at=OCTOBER.start_at, end_at=OCTOBER.end_at), switch)
    assert row.down == timedelta(hours=3) and len(row.outages) == 2


def test_the_supervisor_corrects_an_outage_and_the_audit_keeps_who_and_the_old_time(
    frozen, client, supervisor, app
):
    outage = services.outage_create(actor=supervisor, service=app,
                                    started_at=local(2026, 10, 12, 9))  # fmt: skip
    assert outage.is_open
    client.force_login(supervisor)
    page = client.get(reverse("cmdb:outage_detail", args=[outage.pk]))
    assert page.status_code == 200 and "办公自动化系统" in page.text
    response = client.post(
        reverse("cmdb:outage_detail", args=[outage.pk]),
        {
            "service": app.pk,
            "started_at": "2026-10-12T08:45",
            "ended_at": "2026-10-12T11:00",
            "cause": "<script>alert(1)</script> 升级失败",
            "lock_version": outage.lock_version,
        },
    )
    assert response.status_code == 302
    outage.refresh_from_db()
    assert outage.started_at == local(2026, 10, 12, 8, 45)
    assert outage.ended_at == local(2026, 10, 12, 11, 0)
    timeline = audit_timeline(subject=outage)
    update = next(e for e in timeline if e.kind == "update")
    assert update.actor == supervisor
    assert any(name for name, _old, _new in update.changes)
    page = client.get(reverse("cmdb:outage_detail", args=[outage.pk])).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    # A stale form (the old lock_version) is refused, nothing overwritten.
    stale = client.post(
        reverse("cmdb:outage_detail", args=[outage.pk]),
        {"service": app.pk, "started_at": "2026-10-12T07:00", "lock_version": 1},
    )
    assert stale.status_code == 200
    outage.refresh_from_db()
    assert outage.started_at == local(2026, 10, 12, 8, 45)


def test_bad_times_are_refused_with_a_message_and_nothing_saved(frozen, client, supervisor, app):
    client.force_login(supervisor)
    response = client.post(
        reverse("cmdb:outage_create"),
        {"service": app.pk, "started_at": "2026-10-12T11:00", "ended_at": "2026-10-12T09:00"},
    )
    assert response.status_code == 200 and ServiceOutage.objects.count() == 0
    assert "cannot end before it started" in response.text or "不能早于" in response.text
    with pytest.raises(ValidationError):
        services.outage_create(actor=supervisor, service=app, started_at=NOW + timedelta(days=1))


def test_only_the_supervisor_records_and_corrects_outages(
    frozen, client, supervisor, engineer, manager, end_user, app
):
    outage = services.outage_create(actor=supervisor, service=app,
                                    started_at=local(2026, 10, 12, 9))  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.outage_create(actor=engineer, service=app, started_at=local(2026, 10, 13, 9))
    with pytest.raises(PermissionDenied):
        services.outage_close(outage=outage, actor=engineer)
    client.force_login(engineer)
    assert client.get(reverse("cmdb:outage_create")).status_code == 403
    detail = client.get(reverse("cmdb:outage_detail", args=[outage.pk]))
    assert detail.status_code == 200 and 'name="lock_version"' not in detail.text
    assert client.post(reverse("cmdb:outage_close", args=[outage.pk])).status_code == 403
    outage.refresh_from_db()
    assert outage.is_open
    client.force_login(manager)
    assert client.get(reverse("cmdb:outage_list")).status_code == 200
    client.force_login(end_user)
    assert client.get(reverse("cmdb:outage_list")).status_code == 403
    assert client.get(reverse("cmdb:outage_detail", args=[outage.pk])).status_code == 404
    client.force_login(supervisor)
    client.post(reverse("cmdb:outage_close", args=[outage.pk]),
                {"lock_version": outage.lock_version})  # fmt: skip
    outage.refresh_from_db()
    assert outage.ended_at == NOW
    # The parent work order on the switch was resolved by the restore: its stop is the
    # emergency's, recorded once.
    assert ServiceOutage.objects.count() == 1


def test_the_outage_list_keeps_a_flat_query_count(
    frozen, client, supervisor, app, switch, django_assert_max_num_queries
):
    client.force_login(supervisor)

    def add(n):
        for i in range(n):
            services.outage_create(actor=supervisor, service=(app, switch)[i % 2],
                                   started_at=local(2026, 10, 1 + i, 9))  # fmt: skip

    add(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("cmdb:outage_list")).status_code == 200
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cmdb:outage_list")).status_code == 200


def test_the_api_lists_outages_and_lets_only_the_supervisor_write(
    frozen, supervisor, engineer, app
):
    api = APIClient()
    api.force_authenticate(supervisor)
    created = api.post(
        "/api/service-outages/",
        {"service": app.pk, "started_at": "2026-10-12T09:00:00+08:00", "cause": "断电"},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    closed = api.post(f"/api/service-outages/{pk}/close/",
                      {"lock_version": created.json()["lock_version"],
                       "ended_at": "2026-10-12T10:30:00+08:00"}, format="json")  # fmt: skip
    assert closed.status_code == 200 and closed.json()["duration_minutes"] == 90
    stale = api.post(f"/api/service-outages/{pk}/correct/",
                     {"lock_version": 1, "cause": "x"}, format="json")  # fmt: skip
    assert stale.status_code == 409
    api.force_authenticate(engineer)
    assert api.get("/api/service-outages/").json()["count"] == 1
    refused = api.post("/api/service-outages/",
                       {"service": app.pk, "started_at": "2026-10-13T09:00:00+08:00"},
                       format="json")  # fmt: skip
    assert refused.status_code == 403
    assert ServiceOutage.objects.count() == 1


def test_a_resolved_major_incident_on_a_service_records_its_outage_once(
    frozen, end_user, agent, engineer, supervisor, app, make_ci
):
    from incidents import services as wo

    frozen.move_to(local(2026, 10, 12, 9, 0))
    major = wo.work_order_create(actor=agent, requester=end_user, title="OA 打不开",
                                 device=app, impact="high", urgency="high")  # fmt: skip
    minor = wo.work_order_create(actor=agent, requester=end_user, title="OA 慢",
                                 device=app, impact="low", urgency="low")  # fmt: skip
    desktop = make_ci()
    on_desktop = wo.work_order_create(actor=agent, requester=end_user, title="电脑坏了",
                                      device=desktop, impact="high", urgency="high")  # fmt: skip
    frozen.move_to(local(2026, 10, 12, 10, 30))
    for order in (major, minor, on_desktop):
        order = wo.work_order_assign(work_order=order, actor=agent, assignee=engineer)
        wo.work_order_resolve(work_order=order, actor=engineer, resolution="重启服务")
    outage = ServiceOutage.objects.get()
    assert (outage.source, outage.source_number) == (OutageSource.WORK_ORDER, major.number)
    assert outage.service == app and outage.recorded_by == engineer
    assert (outage.started_at, outage.ended_at) == (
        local(2026, 10, 12, 9),
        local(2026, 10, 12, 10, 30),
    )


def test_emergency_outages_live_in_the_one_outage_table_and_end_on_restore(
    frozen, supervisor, engineer, switch, make_person
):
    from emergencies import services as em
    from emergencies.selectors import emergency_outages
    from servicedesk.choices import ApprovalBody, Role

    info_centre = make_person(
        Role.APPROVER, username="info", approval_body=ApprovalBody.INFORMATION_CENTRE
    )

    emergency = em.emergency_declare(
        actor=supervisor, type="wide_outage", severity="high", scope="全楼网络",
        title="全楼断网", commander=engineer, service=switch,
    )  # fmt: skip
    emergency = em.emergency_approve(emergency=emergency, actor=info_centre)
    emergency = em.emergency_activate(emergency=emergency, actor=engineer)
    outage = em.outage_record(
        emergency=emergency, actor=engineer, started_at=NOW - timedelta(hours=2), cause="电源"
    )
    assert outage.service == switch and outage.source_number == emergency.number
    assert emergency_outages(emergency) == [outage]
    em.emergency_restore(emergency=emergency, actor=engineer, resolution="更换电源")
    outage.refresh_from_db()
    assert outage.ended_at == NOW
    # The parent work order on the switch was resolved by the restore: its stop is the
    # emergency's, recorded once.
    assert ServiceOutage.objects.count() == 1


def test_the_demo_records_a_year_of_outages_once(frozen):
    from cmdb import demo
    from servicedesk import demo as servicedesk_demo

    servicedesk_demo.seed(password="Demo@2026-x")
    demo.seed(password="Demo@2026-x")
    assert ServiceOutage.objects.filter(source=OutageSource.MANUAL).count() == 6
    assert "already recorded" in demo.seed(password="Demo@2026-x")
    assert ServiceOutage.objects.count() == 6
