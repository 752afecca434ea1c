"""The report API: list, detail with the frozen figures, PDF, generate, sign-off actions."""

from datetime import date

import pytest

from reports import services
from reports.choices import ReportStatus
from reports.models import GenerationJob
from reports.periods import Period

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english", "report_data")]


@pytest.fixture
def report(fake_sections, supervisor):
    return services.report_generate(
        type="service_summary", period=Period.month(2026, 9), actor=supervisor,
        today=date(2026, 11, 3),
    )  # fmt: skip


def test_list_and_detail_with_frozen_figures(client, manager, report):
    client.force_login(manager)
    listed = client.get("/api/reports/", {"type": "service_summary"}).json()
    assert [row["number"] for row in listed["results"]] == [report.number]
    assert "sections" not in listed["results"][0]
    detail = client.get(f"/api/reports/{report.number}/").json()
    assert detail["period"] == "2026-09" and detail["status"] == "draft"
    figure = detail["sections"][0]["figures"][0]
    assert (figure["key"], figure["value"]) == ("test.received", 2)
    assert figure["drill"]["key"] == "test.work_orders"


def test_pdf_download(client, manager, report, fake_renderers):
    client.force_login(manager)
    response = client.get(f"/api/reports/{report.number}/pdf/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert fake_renderers[-1] == ("pdf", report.number, "zh-hans")


def test_confirm_needs_the_current_lock_version(client, supervisor, manager, report):
    client.force_login(manager)
    refused = client.post(
        f"/api/reports/{report.number}/confirm/", {"lock_version": report.lock_version}
    )
    assert refused.status_code == 403
    client.force_login(supervisor)
    url = f"/api/reports/{report.number}/confirm/"
    assert client.post(url, {}).status_code == 400
    ok = client.post(url, {"lock_version": report.lock_version})
    assert ok.status_code == 200 and ok.json()["status"] == ReportStatus.CONFIRMED
    assert client.post(url, {"lock_version": report.lock_version}).status_code == 409


def test_deliver_in_person(client, supervisor, report):
    report = services.report_confirm(report=report, actor=supervisor, lock_version=None)
    client.force_login(supervisor)
    response = client.post(
        f"/api/reports/{report.number}/deliver/",
        {"lock_version": report.lock_version, "by_hand": True},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "delivered"


def test_deliver_without_recipients_is_400(client, supervisor, report):
    report = services.report_confirm(report=report, actor=supervisor, lock_version=None)
    client.force_login(supervisor)
    response = client.post(
        f"/api/reports/{report.number}/deliver/", {"lock_version": report.lock_version}
    )
    assert response.status_code == 400 and "No recipients" in str(response.json())


def test_generate_queues_a_job(client, manager, fake_sections):
    client.force_login(manager)
    response = client.post(
        "/api/reports/generate/", {"type": "service_summary", "period": "2026-09"}
    )
    assert response.status_code == 202
    job = GenerationJob.objects.get()
    assert response.json()["id"] == job.pk and response.json()["status"] == "queued"
    services.generation_job_run(job_pk=job.pk)
    polled = client.get(f"/api/report-jobs/{job.pk}/").json()
    assert polled["status"] == "done" and polled["progress"] == 100 and polled["report"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"type": "nope", "period": "2026-09"}, "Unknown report type"),
        ({"type": "service_summary", "period": "2026-Q3"}, "not a valid period"),
        ({"type": "service_summary", "period": "2099-01"}, "has not begun"),
    ],
)
def test_generate_refuses_bad_input(client, manager, body, words):
    client.force_login(manager)
    response = client.post("/api/reports/generate/", body)
    assert response.status_code == 400 and words in str(response.json())


def test_engineers_cannot_generate(client, engineer):
    client.force_login(engineer)
    response = client.post(
        "/api/reports/generate/", {"type": "service_summary", "period": "2026-09"}
    )
    assert response.status_code == 403


def test_the_list_reads_a_flat_number_of_queries(
    client, manager, fake_sections, supervisor, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/reports/").status_code == 200
        return len(captured)

    services.report_generate(
        type="service_summary", period=Period.month(2026, 1), actor=supervisor,
        today=date(2026, 11, 3),
    )  # fmt: skip
    few = queries()
    for month in range(2, 10):
        report = services.report_generate(
            type="service_summary", period=Period.month(2026, month), actor=supervisor,
            today=date(2026, 11, 3),
        )  # fmt: skip
        services.report_confirm(report=report, actor=supervisor, lock_version=None)
    assert queries() == few
