"""Technical hand-ins (§6.3.6, §6.3.1): the schedule as data, the due list, handing in,
the supervisor's review entering the monthly report into the knowledge base, reminders."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import handin_periods, handin_selectors, services, tasks
from documents.choices import DueState, HandInStatus
from documents.models import HandInDuty, TechnicalHandIn
from itsm import approvals, workflow
from itsm.actors import system_user
from knowledge import services as knowledge_services
from knowledge.choices import Audience, Status
from knowledge.models import KnowledgeRecord
from servicedesk.choices import Role
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 2)  # a Wednesday; the week began on Monday 30 November
THIS_WEEK, LAST_WEEK = date(2026, 11, 30), date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


@pytest.fixture
def weekly(engineer):
    return HandInDuty.objects.create(kind="weekly", assignee=engineer, starts_on=date(2026, 11, 9))


@pytest.fixture
def monthly(engineer):
    return HandInDuty.objects.create(kind="monthly", assignee=engineer, starts_on=date(2026, 10, 1))


def _hand_in(duty, start, *, actor=None, upload=None, **fields):
    fields.setdefault("title", "打印机定影器故障排查")
    fields.setdefault("summary", "定影器老化导致卡纸，更换后解决。")
    if upload is None and "link" not in fields and "knowledge_number" not in fields:
        fields["link"] = "https://fileserver.example.gov.cn/tech/1.docx"
    return services.handin_submit(
        actor=actor or duty.assignee, duty=duty, period_start=start, file=upload, **fields
    )


# --- periods (pure) ------------------------------------------------------------------------


def test_periods_weeks_start_on_monday_and_months_are_due_the_next_month():
    assert handin_periods.period_start("weekly", TODAY) == THIS_WEEK
    assert handin_periods.due_on("weekly", THIS_WEEK, due_weekday=4) == date(2026, 12, 4)
    assert handin_periods.period_start("monthly", TODAY) == date(2026, 12, 1)
    assert handin_periods.due_on("monthly", date(2026, 11, 1), due_day=5) == date(2026, 12, 5)
    assert handin_periods.due_on("monthly", date(2026, 12, 1), due_day=5) == date(2027, 1, 5)
    assert handin_periods.label("weekly", THIS_WEEK) == "2026-W49"
    assert handin_periods.periods("monthly", first=date(2026, 10, 15), last=TODAY) == [
        date(2026, 10, 1),
        date(2026, 11, 1),
        date(2026, 12, 1),
    ]


# --- handing in ------------------------------------------------------------------------------


def test_a_weekly_document_is_received_at_once(weekly, upload):
    handin = _hand_in(weekly, THIS_WEEK, upload=upload("周报.docx", b"doc"))
    assert handin.status == HandInStatus.RECEIVED
    assert handin.due_on == date(2026, 12, 4) and handin.original_name == "周报.docx"
    again = _hand_in(weekly, THIS_WEEK, title="更正版", lock_version=handin.lock_version)
    assert again.pk == handin.pk and again.title == "更正版"
    assert TechnicalHandIn.objects.count() == 1


def test_only_the_duty_holder_hands_in(weekly, make_person, supervisor):
    other = make_person(Role.ENGINEER, username="engineer2")
    with pytest.raises(PermissionDenied, match="hands in this document"):
        _hand_in(weekly, THIS_WEEK, actor=other)
    assert not TechnicalHandIn.objects.exists()


def test_bad_hand_ins_are_refused_with_the_field(weekly, monthly):
    with pytest.raises(ValidationError) as caught:
        services.handin_submit(
            actor=weekly.assignee, duty=weekly, period_start=THIS_WEEK, title="x"
        )
    assert "file" in caught.value.message_dict
    with pytest.raises(ValidationError, match="not begun"):
        _hand_in(weekly, THIS_WEEK + timedelta(days=7))
    with pytest.raises(ValidationError, match="start of a period"):
        _hand_in(weekly, THIS_WEEK + timedelta(days=1))
    with pytest.raises(ValidationError) as caught:
        _hand_in(monthly, date(2026, 11, 1), summary="")
    assert "summary" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        _hand_in(weekly, THIS_WEEK, knowledge_number="D0303-1999010101")
    assert "knowledge_number" in caught.value.message_dict
    assert not TechnicalHandIn.objects.exists()


def test_a_knowledge_record_can_be_what_is_handed_in(weekly, engineer):
    record = knowledge_services.record_create(
        actor=engineer, title="DNS 解析缓慢", solution="改用内网 DNS。"
    )
    handin = _hand_in(weekly, THIS_WEEK, knowledge_number=record.number.lower())
    assert handin.knowledge_record_number == record.number


# --- the monthly report: review and the knowledge base -------------------------------------


def test_an_accepted_monthly_report_enters_the_knowledge_base(monthly, supervisor, engineer):
    report = _hand_in(monthly, date(2026, 11, 1), title="现场运维组技术月报")
    assert report.status == HandInStatus.SUBMITTED
    assert Notification.objects.filter(recipient=supervisor, url=report.get_absolute_url()).exists()
    inbox = [d for d in approvals.pending_for(supervisor) if d.url == report.get_absolute_url()]
    assert len(inbox) == 1 and inbox[0].number == "2026-11"
    assert not [d for d in approvals.pending_for(engineer) if d.url == report.get_absolute_url()]

    with pytest.raises(PermissionDenied, match="supervisor"):
        services.handin_accept(actor=engineer, handin=report)
    report = services.handin_accept(actor=supervisor, handin=report, note="很好")
    assert report.status == HandInStatus.ACCEPTED and report.reviewed_by == supervisor
    record = KnowledgeRecord.objects.get(number=report.entered_record_number)
    assert record.number.startswith("D0303-")
    assert record.status == Status.PUBLISHED and record.audience == Audience.INTERNAL
    assert record.solution == report.summary and "2026-11" in record.title
    assert Notification.objects.filter(recipient=engineer, url=report.get_absolute_url()).exists()
    with pytest.raises(workflow.IllegalTransition):
        services.handin_accept(actor=supervisor, handin=report)
    assert KnowledgeRecord.objects.count() == 1


def test_a_returned_report_is_handed_in_again(monthly, supervisor):
    report = _hand_in(monthly, date(2026, 11, 1))
    with pytest.raises(ValidationError):
        services.handin_return(actor=supervisor, handin=report, note=" ")
    report = services.handin_return(actor=supervisor, handin=report, note="缺少网络故障统计")
    assert report.status == HandInStatus.RETURNED and report.review_note == "缺少网络故障统计"
    report = _hand_in(monthly, date(2026, 11, 1), lock_version=report.lock_version)
    assert report.status == HandInStatus.SUBMITTED and report.review_note == ""


def test_a_supervisor_does_not_review_their_own_report(supervisor, make_person):
    duty = HandInDuty.objects.create(
        kind="monthly", assignee=supervisor, starts_on=date(2026, 11, 1)
    )
    report = _hand_in(duty, date(2026, 11, 1))
    with pytest.raises(PermissionDenied, match="yourself"):
        services.handin_accept(actor=supervisor, handin=report)
    assert not [d for d in approvals.pending_for(supervisor) if d.url == report.get_absolute_url()]


# --- the due list --------------------------------------------------------------------------


def test_due_list_says_due_late_received_and_received_late(weekly, engineer):
    on_time = _hand_in(weekly, date(2026, 11, 16))
    TechnicalHandIn.objects.filter(pk=on_time.pk).update(
        submitted_at=datetime(2026, 11, 20, 17, 0, tzinfo=SHANGHAI)  # due that Friday
    )
    late = _hand_in(weekly, LAST_WEEK)
    TechnicalHandIn.objects.filter(pk=late.pk).update(
        submitted_at=datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)  # due Friday 27th
    )
    rows = {row.period_start: row for row in handin_selectors.due_list(user=engineer)}
    assert rows[date(2026, 11, 9)].state == DueState.LATE  # nothing handed in
    assert rows[date(2026, 11, 16)].state == DueState.RECEIVED
    assert rows[date(2026, 11, 16)].handin.pk == on_time.pk
    assert rows[LAST_WEEK].state == DueState.RECEIVED_LATE
    assert rows[THIS_WEEK].state == DueState.DUE
    assert set(rows) == {date(2026, 11, 9), date(2026, 11, 16), LAST_WEEK, THIS_WEEK}
    late_only = handin_selectors.due_list(user=engineer, state=DueState.LATE)
    assert [row.period_start for row in late_only] == [date(2026, 11, 9)]


def test_end_users_see_no_due_list(weekly, end_user, client):
    assert handin_selectors.due_list(user=end_user) == []
    client.force_login(end_user)
    assert client.get(reverse("documents:handin_list")).status_code == 403


# --- reminders -----------------------------------------------------------------------------


def test_the_reminder_scan_sends_each_reminder_once(weekly, supervisor, engineer):
    first = services.handin_scan(actor=system_user())
    # This week's document is due Friday (within two days): reminded; last week's is late:
    # the engineer and the supervisors hear of it.
    assert first == {"reminded": 1, "late": 1}
    assert Notification.objects.filter(recipient=engineer).count() == 2
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    assert services.handin_scan(actor=system_user()) == {"reminded": 0, "late": 0}
    assert tasks.document_reminders()["handins"] == {"reminded": 0, "late": 0}
    assert Notification.objects.count() == 3
    assert TechnicalHandIn.objects.filter(duty=weekly).count() == 2


def test_nothing_is_reminded_once_handed_in(weekly):
    _hand_in(weekly, THIS_WEEK)
    _hand_in(weekly, LAST_WEEK)
    assert services.handin_scan(actor=system_user()) == {"reminded": 0, "late": 0}


def test_only_the_system_or_reviewers_run_the_scan(weekly, engineer):
    with pytest.raises(PermissionDenied):
        services.handin_scan(actor=engineer)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Technical hand-ins", "Late (not handed in)", "Hand in"]),
        ("zh-hans", ["技术文档提交", "逾期（未提交）", "提交"]),
    ],
)
def test_due_list_page_in_both_languages(weekly, engineer, client, language, words):
    client.force_login(engineer)
    html = client.get(
        reverse("documents:handin_list"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    for word in words:
        assert word in html
    assert reverse("documents:handin_submit", args=[weekly.pk, THIS_WEEK.isoformat()]) in html


def test_hand_in_and_review_through_the_pages(monthly, engineer, supervisor, client, upload):
    url = reverse("documents:handin_submit", args=[monthly.pk, "2026-11-01"])
    client.force_login(engineer)
    bad = client.post(url, {"title": "<script>月报</script>", "summary": ""})
    assert bad.status_code == 200 and "&lt;script&gt;月报" in bad.content.decode()
    response = client.post(
        url, {"title": "月报", "summary": "本月要点", "file": upload("月报.pdf"), "lock_version": 1}
    )
    report = TechnicalHandIn.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert client.get(reverse("documents:handin_file", args=[report.pk])).status_code == 200
    assert (
        client.post(reverse("documents:handin_review", args=[report.pk, "accept"])).status_code
        == 403
    )

    client.force_login(supervisor)
    page = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "审核通过并录入知识库" in page
    response = client.post(
        reverse("documents:handin_review", args=[report.pk, "accept"]),
        {"lock_version": report.lock_version, "note": "好"},
    )
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == HandInStatus.ACCEPTED
    assert KnowledgeRecord.objects.filter(number=report.entered_record_number).exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_due_list_query_count_is_flat(engineer, supervisor, make_person, client):
    def grow(n):
        for _ in range(n):
            person = make_person(Role.ENGINEER)
            duty = HandInDuty.objects.create(
                kind="weekly", assignee=person, starts_on=date(2026, 10, 1)
            )
            _hand_in(duty, LAST_WEEK)
            HandInDuty.objects.create(kind="monthly", assignee=person, starts_on=date(2026, 10, 1))

    grow(1)
    client.force_login(supervisor)
    url = reverse("documents:handin_list")
    few = _queries(client, url)
    grow(4)
    assert _queries(client, url) == few


def test_api_lists_hand_ins(weekly, engineer, end_user, client):
    handin = _hand_in(weekly, THIS_WEEK)
    client.force_login(engineer)
    data = client.get("/api/technical-handins/", {"kind": "weekly"}).json()
    assert [row["id"] for row in data["results"]] == [handin.pk]
    assert data["results"][0]["status"] == "received" and data["results"][0]["period"] == "2026-W49"
    client.force_login(end_user)
    assert client.get("/api/technical-handins/").status_code == 403


def test_demo_seeds_the_library_and_the_hand_ins_once(agent, engineer, supervisor):
    from documents import demo
    from documents.models import LibraryEntry

    assert "created" in demo.seed_library()
    assert "already there" in demo.seed_library()
    assert LibraryEntry.objects.count() == len(demo.LIBRARY)
    assert LibraryEntry.objects.filter(superseded=True).exists()
    assert "created" in demo.seed_handins()
    assert "already there" in demo.seed_handins()
    statuses = set(TechnicalHandIn.objects.values_list("status", flat=True))
    assert {HandInStatus.RECEIVED, HandInStatus.SUBMITTED, HandInStatus.ACCEPTED} <= statuses
    accepted = TechnicalHandIn.objects.get(status=HandInStatus.ACCEPTED)
    assert KnowledgeRecord.objects.filter(number=accepted.entered_record_number).exists()
    states = {row.state for row in handin_selectors.due_list(user=engineer)}
    assert {DueState.RECEIVED, DueState.RECEIVED_LATE, DueState.LATE} <= states
