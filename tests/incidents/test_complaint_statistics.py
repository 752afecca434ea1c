"""Complaint statistics (issue 18 item 3): by cause, by department and handling time in
business hours; the page, its CSV and API; the complaints part of the service summary."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import complaint_metrics, services
from incidents.models import Complaint, ComplaintCause
from reports import drill
from reports.periods import Period
from reports.sections import service
from servicedesk.choices import Role
from servicedesk.models import Department
from tests.reports.drill_checks import check_section

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db
NOVEMBER = Period.month(2026, 11)


def _complaint(actor, at, *, work_order=None, handled=None, cause=None, handler=None):
    with time_machine.travel(at, tick=False):
        complaint = services.complaint_raise(
            actor=actor, description="太慢了", work_order=work_order
        )
    if handled:
        with time_machine.travel(handled, tick=False):
            services.complaint_handle(
                complaint=complaint, actor=handler, outcome="已道歉", cause=cause
            )
    return complaint


@pytest.fixture
def complaints(make_person, supervisor):
    """November: two about slow response from finance (4.5 h and 1.5 h business time to
    handle), one open from the other department without a cause."""
    finance = Department.objects.create(name="财务处", code="fin")
    other = Department.objects.create(name="人事处", code="hr")
    alice = make_person(Role.END_USER, username="alice", department=finance)
    bob = make_person(Role.END_USER, username="bob", department=other)
    slow = ComplaintCause.objects.get(code="slow_response")
    _complaint(
        alice,
        datetime(2026, 11, 2, 9, 0, tzinfo=SH),  # Monday
        handled=datetime(2026, 11, 2, 15, 0, tzinfo=SH),  # 3 h + 1.5 h of working time
        cause=slow,
        handler=supervisor,
    )
    _complaint(
        alice,
        datetime(2026, 11, 6, 17, 0, tzinfo=SH),  # Friday, half an hour before closing
        handled=datetime(2026, 11, 9, 9, 30, tzinfo=SH),  # Monday, one hour after opening
        cause=slow,
        handler=supervisor,
    )
    _complaint(bob, datetime(2026, 11, 10, 10, 0, tzinfo=SH))
    _complaint(bob, datetime(2026, 10, 10, 10, 0, tzinfo=SH))  # October: not counted
    return {"finance": finance, "other": other, "slow": slow}


def test_complaints_count_by_cause_and_department_with_business_hours(complaints):
    stats = complaint_metrics.complaint_statistics(start=NOVEMBER.start_at, end=NOVEMBER.end_at)
    assert (stats.total.complaints, stats.total.handled, stats.total.open) == (3, 2, 1)
    assert stats.total.mean_handling_hours == 3.0  # (4.5 + 1.5) / 2
    by_cause = {g.name: g for g in stats.by_cause}
    assert by_cause["响应不及时"].complaints == 2 and by_cause["响应不及时"].handled == 2
    assert (
        by_cause[""].id == complaint_metrics.NO_CAUSE and by_cause[""].open == 1
    )  # not classified, last
    assert stats.by_cause[-1].id == complaint_metrics.NO_CAUSE
    by_department = {g.name: g for g in stats.by_department}
    assert by_department["财务处"].mean_handling_hours == 3.0
    assert by_department["人事处"].complaints == 1
    # Each group's list has as many complaints as the group counts.
    for group in stats.by_cause:
        records = complaint_metrics.complaint_records(
            "complaints", start=NOVEMBER.start_at, end=NOVEMBER.end_at, cause_id=group.id
        )
        assert records.count() == group.complaints
    for group in stats.by_department:
        records = complaint_metrics.complaint_records(
            "complaints", start=NOVEMBER.start_at, end=NOVEMBER.end_at, department_id=group.id
        )
        assert records.count() == group.complaints


def test_a_complaint_keeps_the_department_it_was_raised_in(complaints):
    complaint = Complaint.objects.filter(department=complaints["finance"]).first()
    person = complaint.complainant.person
    person.department = complaints["other"]
    person.save()
    complaint.refresh_from_db()
    assert complaint.department == complaints["finance"]


def test_the_statistics_page_is_for_complaint_handlers_with_csv_and_api(
    client, supervisor, manager, engineer, complaints
):
    url = reverse("incidents:complaint_statistics")
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    client.force_login(engineer)
    assert client.get(url, period).status_code == 403
    assert client.get("/api/complaint-statistics/", period).status_code == 403
    client.force_login(manager)
    page = client.get(url, period).content.decode()
    assert "响应不及时" in page and "财务处" in page and "3.0" in page
    csv_text = client.get(url, {**period, "format": "csv"}).content.decode("utf-8-sig")
    assert "响应不及时,2,2,0,3.0" in csv_text
    api = client.get("/api/complaint-statistics/", period).json()
    assert api["total"] == {
        "id": None,
        "name": "",
        "complaints": 3,
        "handled": 2,
        "open": 1,
        "mean_handling_hours": 3.0,
    }
    bad = client.get(url, {"start": "2026-11-30", "end": "2026-11-01"}, follow=True)
    assert bad.status_code == 200
    assert "期间的结束日期早于开始日期" in bad.content.decode()
    assert client.get("/api/complaint-statistics/", {"start": "x", "end": "y"}).status_code == 400


def test_handling_a_complaint_on_the_page_records_its_cause(client, supervisor, complaints):
    open_one = Complaint.objects.get(status="open", created_at__month=11)
    client.force_login(supervisor)
    response = client.post(
        reverse("incidents:complaints"),
        {
            "complaint": open_one.pk,
            f"c{open_one.pk}-outcome": "已沟通",
            f"c{open_one.pk}-cause": complaints["slow"].pk,
        },
    )
    assert response.status_code == 302
    open_one.refresh_from_db()
    assert open_one.cause == complaints["slow"] and open_one.status == "handled"


def test_the_statistics_page_query_count_stays_flat(client, supervisor, make_person, complaints):
    client.force_login(supervisor)
    url = reverse("incidents:complaint_statistics")
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    client.get(url, period)
    with CaptureQueriesContext(connection) as few:
        client.get(url, period)
    for i in range(8):
        department = Department.objects.create(name=f"处{i}", code=f"d{i}")
        user = make_person(Role.END_USER, username=f"u{i}", department=department)
        _complaint(user, datetime(2026, 11, 12, 10, 0, tzinfo=SH))
    with CaptureQueriesContext(connection) as many:
        client.get(url, period)
    assert len(many) == len(few)


def test_the_service_summary_has_a_complaints_part_whose_lists_match(complaints):
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False):
        section = check_section(service.build(NOVEMBER, options={}))
    figures = {f.key: f for f in section.figures}
    assert figures["service.complaints"].value == 3
    assert figures["service.complaints_handled"].value == 2
    assert figures["service.complaints_open"].value == 1
    assert figures["service.complaint_handling_hours"].value == 3.0
    tables = {t.key: t for t in section.tables}
    for key in ("service.complaints_by_cause", "service.complaints_by_department"):
        table = tables[key]
        assert sum(row[1] for row in table.rows) == 3
        for row, target in zip(table.rows, table.row_drills, strict=True):
            assert drill.source(target.key).records(target.params).count() == row[1]
