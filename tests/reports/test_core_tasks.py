"""The beat's tasks: drafts after each period (idempotent), reminders once per due point,
and on-demand generation jobs with progress."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.conf import settings

from reports import services, tasks
from reports.choices import JobStatus, ReportStatus
from reports.models import GenerationJob, Report
from reports.periods import Period
from reports.registry import REPORT_TYPES
from servicedesk.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "report_data")]

MONTHLY = sorted(code for code, rt in REPORT_TYPES.items() if rt.period_kind == "month")


def test_beat_has_the_schedules():
    schedule = settings.CELERY_BEAT_SCHEDULE
    monthly = schedule["reports-monthly"]
    assert monthly["task"] == "reports.tasks.generate_scheduled"
    assert monthly["kwargs"] == {"kind": "month"}
    assert monthly["schedule"].day_of_month == {1} and monthly["schedule"].hour == {2}
    assert schedule["reports-quarterly"]["schedule"].month_of_year == {1, 4, 7, 10}
    assert schedule["reports-reminders"]["task"] == "reports.tasks.remind_due"


def test_the_schedules_task_for_a_date_generates_last_months_drafts(fake_sections):
    result = tasks.generate_scheduled(kind="month", day="2026-10-01")
    reports = Report.objects.order_by("type")
    assert sorted(r.type for r in reports) == MONTHLY
    assert {(r.period_start, r.status) for r in reports} == {(date(2026, 9, 1), ReportStatus.DRAFT)}
    assert all(value.startswith("created ") for value in result.values())
    # Running it again (a rerun, a second worker) creates nothing.
    again = tasks.generate_scheduled(kind="month", day="2026-10-01")
    assert Report.objects.count() == len(MONTHLY)
    assert all(value.startswith("exists ") for value in again.values())


def test_the_beat_run_on_its_own_clock(fake_sections):
    with time_machine.travel(datetime(2026, 10, 31, 18, 0, tzinfo=UTC), tick=False):  # 1 Nov 02:00
        tasks.generate_scheduled(kind="month")
    assert set(Report.objects.values_list("period_start", flat=True)) == {date(2026, 10, 1)}


def test_quarterly_and_disabled_types(fake_sections):
    setting = services.report_setting_get("operations_quarter")
    setting.enabled = False
    setting.save()
    assert tasks.generate_scheduled(kind="quarter", day="2026-10-01") == {
        "operations_quarter": "disabled"
    }
    setting.enabled = True
    setting.save()
    tasks.generate_scheduled(kind="quarter", day="2026-10-01")
    report = Report.objects.get()
    assert (report.type, report.period.slug) == ("operations_quarter", "2026-Q3")


def test_a_failing_type_does_not_stop_the_others(fake_sections, monkeypatch):
    from reports import registry

    monkeypatch.setitem(registry.SECTION_BUILDERS, "repairs", "tests.reports.failing_sections")
    result = tasks.generate_scheduled(kind="month", day="2026-10-01")
    assert result["repair_summary"].startswith("skipped: The report could not be generated")
    assert result["service_summary"].startswith("created ")


def test_periods_before_the_data_are_skipped(fake_sections):
    result = tasks.generate_scheduled(kind="year", day="2026-01-02")  # 2025: no work orders
    assert "before any data" in result["operations_year"]
    assert not Report.objects.exists()


def _reminders(report):
    return Notification.objects.filter(subject__contains=report.number).count()


def test_reminders_once_per_due_point_to_reporter_and_supervisors(
    fake_sections, manager, supervisor
):
    report = services.report_generate(
        type="service_summary", period=Period.month(2026, 10), actor=manager,
        today=date(2026, 11, 1),
    )  # fmt: skip
    assert report.due_on == date(2026, 11, 5)  # two reminders: 3 Nov and 5 Nov
    sent = {}
    for day in range(1, 12):
        today = date(2026, 11, day)
        sent[day] = services.reports_remind(today=today) + services.reports_remind(today=today)
    assert {day: n for day, n in sent.items() if n} == {3: 1, 5: 1}
    assert _reminders(report) == 4  # the reporter and the supervisor, twice
    overdue = Notification.objects.filter(recipient=supervisor).order_by("pk").last()
    assert "is due on 2026-11-05" in overdue.subject
    assert Notification.objects.filter(recipient=manager).count() == 2


def test_a_delivered_report_is_not_reminded(fake_sections, supervisor):
    report = services.report_generate(
        type="service_summary", period=Period.month(2026, 10), actor=supervisor,
        today=date(2026, 11, 1),
    )  # fmt: skip
    report = services.report_confirm(report=report, actor=supervisor, lock_version=None)
    services.report_deliver(report=report, actor=supervisor, lock_version=None, by_hand=True)
    assert services.reports_remind(today=date(2026, 11, 20)) == 0


def test_an_overdue_report_is_told_as_overdue(fake_sections, supervisor):
    report = services.report_generate(
        type="service_summary", period=Period.month(2026, 9), actor=supervisor,
        today=date(2026, 10, 1),
    )  # fmt: skip
    Report.objects.filter(pk=report.pk).update(reminded_for=None)
    assert services.reports_remind(today=date(2026, 10, 20)) == 1
    told = Notification.objects.get(recipient=supervisor, subject__contains=report.number)
    assert told.subject.startswith(f"[{report.number}] Overdue:")


def test_an_on_demand_job_reports_progress_and_the_report(fake_sections, manager):
    seen = []
    job = services.generation_job_create(
        actor=manager, type="operations_month", period=Period.month(2026, 9),
        today=date(2026, 11, 3),
    )  # fmt: skip
    original = services.registry.build_sections

    def watching(*args, progress=None, **kwargs):
        def spy(done, total):
            progress(done, total)
            seen.append(GenerationJob.objects.get(pk=job.pk).progress)

        return original(*args, progress=spy, **kwargs)

    services.registry.build_sections = watching
    try:
        assert tasks.report_generation_run(job.pk) == JobStatus.DONE
    finally:
        services.registry.build_sections = original
    job.refresh_from_db()
    assert job.progress == 100 and job.report.type == "operations_month"
    sections = len(REPORT_TYPES["operations_month"].sections)
    assert seen == sorted(seen) and seen[-1] == 90 and len(seen) == sections  # one per section
    # A second worker picking the same job does nothing.
    assert tasks.report_generation_run(job.pk) == "not queued"


def test_a_failed_job_shows_the_error(fake_sections, manager, monkeypatch):
    job = services.generation_job_create(
        actor=manager, type="service_summary", period=Period.month(2026, 9)
    )
    from reports import registry

    monkeypatch.setitem(registry.SECTION_BUILDERS, "service", "tests.reports.failing_sections")
    services.generation_job_run(job_pk=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "selector exploded" in job.message
    assert not Report.objects.exists()


def test_a_job_for_an_existing_report_says_so(fake_sections, manager):
    existing = services.report_generate(
        type="service_summary", period=Period.month(2026, 9), actor=manager
    )
    job = services.generation_job_create(
        actor=manager, type="service_summary", period=Period.month(2026, 9)
    )
    job = services.generation_job_run(job_pk=job.pk)
    assert job.report == existing and "existed already" in job.message


def test_the_sweep_requeues_lost_jobs_and_fails_abandoned_ones(fake_sections, manager):
    lost = services.generation_job_create(
        actor=manager, type="service_summary", period=Period.month(2026, 9)
    )
    abandoned = services.generation_job_create(
        actor=manager, type="repair_summary", period=Period.month(2026, 9)
    )
    GenerationJob.objects.filter(pk=abandoned.pk).update(status=JobStatus.RUNNING)
    assert tasks.generation_jobs_sweep() == {"requeued": 0, "failed": 0}  # too recent
    later = datetime(2026, 12, 31, tzinfo=UTC)
    assert services.generation_jobs_sweep(now=later) == {"requeued": 1, "failed": 1}
    lost.refresh_from_db()
    abandoned.refresh_from_db()
    assert lost.status == JobStatus.DONE and lost.report is not None  # Celery runs eagerly
    assert abandoned.status == JobStatus.FAILED and "interrupted" in abandoned.message
