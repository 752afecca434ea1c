"""The report pages: archive, detail with sign-off, files, generation with progress, and
the drill-down list behind a figure."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import services
from reports.choices import JobStatus
from reports.models import GenerationJob, Report
from reports.periods import Period

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("in_english", "report_data", "fake_sections"),
]

TODAY = date(2026, 11, 3)


def _generate(actor, month=9, code="service_summary", **kwargs):
    return services.report_generate(
        type=code, period=Period.month(2026, month), actor=actor, today=TODAY, **kwargs
    )


def _archive_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:archive"))
    assert response.status_code == 200
    return len(queries), response


def test_archive_lists_every_version_with_a_flat_query_count(client, supervisor):
    client.force_login(supervisor)
    _generate(supervisor, 1)
    _archive_queries(client)  # warm: the menu is drawn once (itsm.navigation)
    few, _ = _archive_queries(client)
    for month in range(2, 10):
        _generate(supervisor, month)
        _generate(supervisor, month, "repair_summary")
    _generate(supervisor, 9, regenerate=True)
    many, response = _archive_queries(client)
    assert many == few
    assert response.content.decode().count('href="/reports/archive/D0') == 18


def test_archive_marks_overdue_reports_red_and_filters(client, supervisor):
    client.force_login(supervisor)
    old = _generate(supervisor, 8)  # due in September: overdue now
    _generate(supervisor, 9, "repair_summary")
    Report.objects.exclude(pk=old.pk).update(due_on=date(2099, 1, 1))
    page = client.get(reverse("reports:archive")).content.decode()
    assert "text-danger" in page and "Overdue" in page
    filtered = client.get(reverse("reports:archive"), {"type": "repair_summary", "year": 2026})
    assert old.number not in filtered.content.decode()
    assert "Monthly repair summary" in filtered.content.decode()


def test_detail_renders_sections_escaped_with_sign_off_reasons(client, manager):
    report = _generate(manager, options={"suggestions": "<script>alert(1)</script>"})
    client.force_login(manager)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "Only the service supervisor confirms a report." in page  # the greyed button's why
    assert 'id="versions"' in page and 'id="deliveries"' in page
    assert reverse("reports:pdf", args=[report.number]) in page
    assert reverse("reports:csv", args=[report.number, "test.volumes"]) in page


def test_detail_in_chinese(client, manager):
    report = _generate(manager)
    client.force_login(manager)
    page = client.get(report.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "月度服务总结" in page and "签字确认" in page and "只有服务主管可以确认报告。" in page


def test_supervisor_confirms_on_the_page_and_a_stale_form_is_refused(client, supervisor):
    report = _generate(supervisor)
    client.force_login(supervisor)
    url = reverse("reports:act", args=[report.number, "confirm"])
    response = client.post(url, {"lock_version": report.lock_version}, follow=True)
    assert "Report confirmed." in response.content.decode()
    stale = client.post(url, {"lock_version": report.lock_version}, follow=True)
    assert "changed by someone else" in stale.content.decode()


def test_files_are_rendered_from_the_frozen_data(client, manager, fake_renderers):
    report = _generate(manager)
    client.force_login(manager)
    pdf = client.get(reverse("reports:pdf", args=[report.number]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert b'["test.received", 2]' in pdf.content
    xlsx = client.get(reverse("reports:xlsx", args=[report.number]))
    assert xlsx.content.startswith(b"PK")
    csv = client.get(reverse("reports:csv", args=[report.number, "test.volumes"]))
    assert csv.content.decode("utf-8-sig").splitlines() == ["what,count", "<b>received</b>,2"]
    assert client.get(reverse("reports:csv", args=[report.number, "nope"])).status_code == 404


def test_a_pdf_that_fails_is_reported_on_the_page(client, manager, fake_renderers, monkeypatch):
    import reports

    def broken(document, *, language):
        raise RuntimeError("boom")

    monkeypatch.setattr(reports.pdf, "render_pdf", broken)
    report = _generate(manager)
    client.force_login(manager)
    response = client.get(reverse("reports:pdf", args=[report.number]), follow=True)
    assert "The PDF could not be rendered" in response.content.decode()


def test_engineers_get_no_pages(client, engineer, manager):
    report = _generate(manager)
    client.force_login(engineer)
    assert client.get(reverse("reports:archive")).status_code == 403
    assert client.get(report.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:generate")).status_code == 403


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2026-13", "is not a month"),
        ("2027-01", "has not begun yet"),
        ("2025-06", "before any data"),
        ("2026-11", "not over yet"),
    ],
)
def test_generate_form_explains_bad_periods(client, manager, period, message):
    client.force_login(manager)
    with freeze_today():
        response = client.post(
            reverse("reports:generate"), {"type": "service_summary", "period": period}
        )
    assert response.status_code == 200 and message in response.content.decode()
    assert not GenerationJob.objects.exists()


def freeze_today():
    import time_machine

    return time_machine.travel(datetime(2026, 11, 3, 4, 0, tzinfo=UTC), tick=False)


def test_generate_queues_a_job_and_the_page_polls_until_done(
    client, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    form = client.get(reverse("reports:generate"))
    assert form.status_code == 200
    response = client.post(
        reverse("reports:generate"),
        {"type": "service_summary", "period": "2026-09", "suggestions": "加强巡检"},
    )
    job = GenerationJob.objects.get()
    assert response.url == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'hx-get="%s"' % reverse("reports:job_progress", args=[job.pk]) in page
    partial = client.get(reverse("reports:job_progress", args=[job.pk]))
    assert partial.status_code == 200 and "Waiting for a worker" in partial.content.decode()
    services.generation_job_run(job_pk=job.pk)
    done = client.get(reverse("reports:job_progress", args=[job.pk]))
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.report.number in page
    assert job.report.data[0]["text"] == "加强巡检"


def test_a_failed_job_shows_its_error(client, manager, monkeypatch):
    from reports import registry

    client.force_login(manager)
    client.post(reverse("reports:generate"), {"type": "service_summary", "period": "2026-09"})
    monkeypatch.setitem(registry.SECTION_BUILDERS, "service", "tests.reports.failing_sections")
    job = GenerationJob.objects.get()
    services.generation_job_run(job_pk=job.pk)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="job-error"' in page and "selector exploded" in page


def test_someone_elses_job_is_not_shown(client, manager, supervisor):
    job = services.generation_job_create(
        actor=manager, type="service_summary", period=Period.month(2026, 9)
    )
    client.force_login(supervisor)
    assert client.get(job.get_absolute_url()).status_code == 404


def test_drill_page_lists_the_records_and_shows_a_changed_count(client, manager, report_order):
    report = _generate(manager)
    figure = report.data[0]["figures"][0]
    client.force_login(manager)
    url = reverse("reports:drill", args=[figure["drill"]["key"]])
    query = {**figure["drill"]["params"], "report": report.number, "figure": figure["key"]}
    page = client.get(url, query).content.decode()
    assert "2 records" in page and "打印机卡纸" in page and "邮箱满了" in page
    assert 'id="drill-differs"' not in page
    report_order(datetime(2026, 9, 25, 2, 0, tzinfo=UTC), "后来补录")
    page = client.get(url, query).content.decode()
    assert "3 records" in page and 'id="drill-differs"' in page
    assert f"Report {report.number} was generated with 2" in page


def test_drill_page_takes_json_params_and_refuses_bad_ones(client, manager):
    import json

    client.force_login(manager)
    url = reverse("reports:drill", args=["test.work_orders"])
    params = json.dumps({"start": "2026-09-01", "end": "2026-09-30"})
    assert "2 records" in client.get(url, {"params": params}).content.decode()
    assert client.get(url, {"params": "{not json"}).status_code == 400
    assert client.get(url, {"start": "2026-09-01"}).status_code == 400  # no end
    assert client.get(reverse("reports:drill", args=["nope"])).status_code == 404


def test_drill_page_is_for_report_readers(client, engineer):
    client.force_login(engineer)
    url = reverse("reports:drill", args=["test.work_orders"])
    assert client.get(url, {"start": "2026-09-01", "end": "2026-09-30"}).status_code == 403


def test_a_corrected_address_gets_the_report_when_mailed_again(
    client, supervisor, fake_renderers, mailoutbox, django_capture_on_commit_callbacks
):
    setting = services.report_setting_get("service_summary")
    setting.addresses = "client@example.gov.cn\nclient-at-example"
    setting.save()
    report = _generate(supervisor)
    report = services.report_confirm(report=report, actor=supervisor, lock_version=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_deliver(report=report, actor=supervisor, lock_version=None)
    client.force_login(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Not a valid e-mail address." in page and "Mail again" in page
    setting.addresses = "client@example.gov.cn\nclient2@example.gov.cn"
    setting.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:act", args=[report.number, "resend"]))
    sent = sorted(m.to[0] for m in mailoutbox if m.attachments)
    assert sent == ["client2@example.gov.cn", "client@example.gov.cn"]  # nobody twice
