"""The system running fault log (系统运行故障记录表) and the fault report rule for major
faults: which work orders are rows, what is major, what is missing; pages, CSV, PDF, API."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmdb.models import CIClass, ConfigurationItem
from incidents import fault_log, services
from incidents.choices import Level3
from itsm.actors import system_user
from servicedesk.models import Category

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the translators did to the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


NOV = datetime(2026, 11, 10, 9, tzinfo=TZ)
NOVEMBER = NOV.date()


def _category(system: str, fault: str) -> Category:
    return Category.objects.get(name=fault, parent__name=system)


@pytest.fixture
def server(db):
    return ConfigurationItem.objects.create(
        asset_tag="SRV-01", name="登记系统服务器", ci_class=CIClass.objects.get(code="server")
    )


@pytest.fixture
def make_order(db, end_user):
    def make(*, at=NOV, impact=Level3.LOW, urgency=Level3.MEDIUM, **fields):
        fields.setdefault("title", "登记系统无法访问")
        return services.work_order_create(
            actor=system_user(), requester=end_user, at=at, impact=impact, urgency=urgency,
            **fields,
        )  # fmt: skip

    return make


def _resolve(order, supervisor, engineer=None):
    if engineer is not None:
        order = services.work_order_assign(work_order=order, actor=supervisor, assignee=engineer)
    return services.work_order_resolve(work_order=order, actor=supervisor, resolution="重启服务")


def _numbers_missing(user):
    return [o.number for o in fault_log.missing_fault_reports(user=user)]


def _numbers(user, month=NOVEMBER):
    return [o.number for o in fault_log.fault_log(user=user, month=month)]


def test_rows_are_the_months_system_and_network_faults(make_order, server, supervisor):
    by_category = make_order(category=_category("网络设备", "网络不通"))
    by_device = make_order(device=server, title="服务器宕机")
    make_order(category=_category("台式机", "死机"), title="电脑死机")  # a desktop: no row
    make_order(category=_category("服务器", "宕机"), at=NOV - timedelta(days=30))  # October
    cancelled = make_order(category=_category("数据库", "连接失败"))
    services.work_order_cancel(work_order=cancelled, actor=supervisor, reason="duplicate")
    assert _numbers(supervisor) == [by_category.number, by_device.number]


def test_major_is_p1_or_p2_with_high_impact(make_order, server, supervisor):
    p1 = make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH)
    p2_high_impact = make_order(device=server, impact=Level3.HIGH, urgency=Level3.MEDIUM)
    p2_high_urgency = make_order(device=server, impact=Level3.MEDIUM, urgency=Level3.HIGH)
    rows = {o.number: o.is_major for o in fault_log.fault_log(user=supervisor, month=NOV.date())}
    assert rows == {p1.number: True, p2_high_impact.number: True, p2_high_urgency.number: False}


def test_a_resolved_major_fault_without_a_report_is_listed_as_missing(
    make_order, server, supervisor, engineer
):
    major = _resolve(
        make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH), supervisor, engineer
    )
    open_major = make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH)
    assert [o.number for o in fault_log.missing_fault_reports(user=supervisor)] == [major.number]
    counts = fault_log.fault_log_counts(user=supervisor, month=NOV.date())
    assert (counts.faults, counts.major, counts.missing_reports) == (2, 2, 1)
    # The handler writes it; then nothing is missing.
    report = services.fault_report_save(
        work_order=major, actor=engineer, started_at=major.created_at,
        ended_at=major.created_at + timedelta(hours=2), cause="电源故障", impact="登记业务中断",
        actions="更换电源", prevention="电源冗余",
    )  # fmt: skip
    assert report.duration_minutes == 120
    assert not fault_log.missing_fault_reports(user=supervisor).exists()
    assert fault_log.fault_log_counts(user=supervisor, month=NOV.date()).missing_reports == 0
    # Not resolved yet: not missing (the report follows the fix).
    assert open_major.number not in _numbers_missing(supervisor)


def test_fault_report_rules(make_order, server, supervisor, engineer, make_person):
    from servicedesk.choices import Role

    minor = _resolve(make_order(device=server), supervisor, engineer)
    major = make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH)
    fields = {
        "started_at": major.created_at, "ended_at": major.created_at + timedelta(hours=1),
        "cause": "c", "impact": "i", "actions": "a", "prevention": "p",
    }  # fmt: skip
    with pytest.raises(PermissionDenied, match="major system or network fault"):
        services.fault_report_save(work_order=minor, actor=supervisor, **fields)
    with pytest.raises(PermissionDenied, match="once the fault is resolved"):
        services.fault_report_save(work_order=major, actor=supervisor, **fields)
    major = _resolve(major, supervisor, engineer)
    other = make_person(Role.ENGINEER, username="not-the-handler")
    with pytest.raises(PermissionDenied, match="handled the fault"):
        services.fault_report_save(work_order=major, actor=other, **fields)
    bad = {**fields, "ended_at": major.created_at - timedelta(minutes=1), "cause": " "}
    with pytest.raises(ValidationError) as caught:
        services.fault_report_save(work_order=major, actor=engineer, **bad)
    assert {"cause", "ended_at"} <= set(caught.value.message_dict)
    services.fault_report_save(work_order=major, actor=engineer, **fields)
    corrected = services.fault_report_save(
        work_order=major, actor=supervisor, **{**fields, "cause": "更正后的原因"}
    )
    assert corrected.cause == "更正后的原因"
    assert major.events.filter(data__fault_report=corrected.number).count() == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "System running fault log"), ("zh-hans", "系统运行故障记录表")],
)
def test_fault_log_page_in_both_languages(client, make_order, server, supervisor, language, words):
    order = make_order(device=server, title="服务器 <b>宕机</b>")
    client.force_login(supervisor)
    page = client.get(
        reverse("incidents:fault_log"), {"month": "2026-11"}, HTTP_ACCEPT_LANGUAGE=language
    )
    body = page.content.decode()
    assert words in body and order.number in body
    assert "<b>宕机</b>" not in body


def test_end_users_have_no_fault_log(client, end_user):
    client.force_login(end_user)
    assert client.get(reverse("incidents:fault_log")).status_code == 403


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("incidents:fault_log"), {"month": "2026-11"})
        assert page.status_code == 200
    return len(ctx)


def test_fault_log_query_count_is_flat(client, make_order, server, supervisor, engineer):
    client.force_login(supervisor)
    first = _resolve(
        make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH), supervisor, engineer
    )
    _queries(client)  # warm: the menu is drawn once (itsm.navigation)
    few = _queries(client)
    for n in range(6):
        order = _resolve(
            make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH, title=f"故障 {n}"),
            supervisor,
            engineer,
        )
        if n % 2:
            services.fault_report_save(
                work_order=order, actor=engineer, started_at=order.created_at,
                ended_at=order.created_at + timedelta(minutes=30), cause="c", impact="i",
                actions="a", prevention="p",
            )  # fmt: skip
    make_order(category=_category("网络设备", "网速慢"))
    assert _queries(client) == few
    assert first.number in _numbers_missing(supervisor)


def test_csv_and_pdf_exports(client, make_order, server, supervisor, engineer):
    major = _resolve(
        make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH), supervisor, engineer
    )
    client.force_login(supervisor)
    csv_body = b"".join(
        client.get(reverse("incidents:fault_log_csv", args=["2026-11"]), HTTP_ACCEPT_LANGUAGE="en")
    ).decode("utf-8-sig")
    lines = csv_body.strip().splitlines()
    assert lines[0].startswith("Number,")
    assert major.number in lines[1] and "SRV-01" in lines[1] and "missing" in lines[1]
    pdf = client.get(reverse("incidents:fault_log_pdf", args=["2026-11"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_fault_report_page_writes_the_report(client, make_order, server, supervisor, engineer):
    major = _resolve(
        make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH), supervisor, engineer
    )
    client.force_login(engineer)
    url = reverse("incidents:fault_report", args=[major.number])
    data = {
        "started_at": "2026-11-10T09:00", "ended_at": "2026-11-10T08:00", "cause": "电源",
        "impact": "登记业务中断", "actions": "更换电源", "prevention": "电源冗余",
    }  # fmt: skip
    page = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be restored before" in page.content.decode()
    data["ended_at"] = "2026-11-10T11:00"
    assert client.post(url, data).status_code == 302
    assert major.fault_report.duration_minutes == 120


def test_api_fault_log(make_order, server, supervisor, end_user):
    from rest_framework.test import APIClient

    order = make_order(device=server, impact=Level3.HIGH, urgency=Level3.HIGH)
    api = APIClient()
    api.force_authenticate(supervisor)
    rows = api.get("/api/fault-log/", {"month": "2026-11"}).json()
    rows = rows.get("results", rows)
    assert [(r["number"], r["is_major"], r["fault_report"]) for r in rows] == [
        (order.number, True, None)
    ]
    api.force_authenticate(end_user)
    assert api.get("/api/fault-log/").status_code == 403
