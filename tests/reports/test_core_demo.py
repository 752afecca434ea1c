"""The demo seed: past months' reports from the demo work orders, quick and idempotent."""

import time
from datetime import UTC, datetime

import pytest
import time_machine

from reports import demo
from reports.choices import ReportStatus
from reports.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_seed_generates_delivered_months_and_a_draft_last_month(
    fake_sections, report_order, supervisor
):
    for month in (8, 9, 10, 11):
        report_order(datetime(2026, month, 5, 2, 0, tzinfo=UTC))
    started = time.monotonic()
    with time_machine.travel(datetime(2026, 12, 6, 4, 0, tzinfo=UTC), tick=True):
        summary = demo.seed(password="x")
    assert time.monotonic() - started < 20
    reports = list(Report.objects.filter(type="service_summary").order_by("period_start"))
    assert summary.startswith(f"{Report.objects.count()} reports")
    # Months before the first work order are skipped, never filled with made-up figures.
    assert reports[0].period_start.month == 8
    assert [r.status for r in reports[:-1]] == [ReportStatus.DELIVERED] * (len(reports) - 1)
    assert reports[-1].status == ReportStatus.DRAFT
    assert all(r.data[0]["figures"][0]["value"] >= 1 for r in reports[:4])
    assert demo.seed(password="x") == "reports exist, skipped"


def test_seed_without_section_builders_does_not_crash(monkeypatch, report_order):
    from reports import registry

    report_order()
    for name in registry.SECTION_BUILDERS:
        monkeypatch.setitem(registry.SECTION_BUILDERS, name, "reports.sections.not_written_yet")
    assert "section builders missing" in demo.seed(password="x")
    assert not Report.objects.exists()
