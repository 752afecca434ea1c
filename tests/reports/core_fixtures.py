"""Fixtures of the report core's tests (imported by test_core_*, test_api*, test_views*).

They stand in for the section builders and renderers other modules provide, so the core
is tested on its own: `fake_sections` points every builder at tests/reports/fake_sections,
`fake_renderers` replaces reports.pdf / reports.exports (whether installed or not)."""

import json
import sys
import types
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from incidents import services as incident_services
from reports import registry
from servicedesk.calendar import calendar_changed, holidays_sync

HERE = Path(__file__).parent
FIRST_ORDER = datetime(2026, 1, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def in_english(settings):
    """Messages asserted in English: this thread, the pages (no Accept-Language: the
    default language) and mail (sent in the default language)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def fake_sections(monkeypatch):
    from tests.reports import fake_sections as module

    module.CALLS.clear()
    for name in registry.SECTION_BUILDERS:
        monkeypatch.setitem(registry.SECTION_BUILDERS, name, "tests.reports.fake_sections")
    return module


@pytest.fixture
def failing_sections(monkeypatch):
    for name in registry.SECTION_BUILDERS:
        monkeypatch.setitem(registry.SECTION_BUILDERS, name, "tests.reports.failing_sections")


def _fake_pdf(document, *, language):
    body = json.dumps(
        {"title": document.title, "number": document.form_number, "language": language,
         "figures": [[f.key, f.value] for s in document.sections for f in s.figures]},
        ensure_ascii=False,
    )  # fmt: skip
    return b"%PDF-1.4\n" + body.encode()


@pytest.fixture
def fake_renderers(monkeypatch):
    import reports

    calls = []

    def render_pdf(document, *, language):
        calls.append(("pdf", document.form_number, language))
        return _fake_pdf(document, language=language)

    for name, functions in {
        "pdf": {"render_pdf": render_pdf},
        "exports": {
            "document_xlsx": lambda document: b"PK-fake-xlsx " + document.form_number.encode(),
            "table_csv": lambda table: "\n".join(
                ",".join(str(c) for c in row)
                for row in [[c.key for c in table.columns], *table.rows]
            ),
        },
    }.items():
        module = sys.modules.get(f"reports.{name}")
        if module is None:
            module = types.ModuleType(f"reports.{name}")
            monkeypatch.setitem(sys.modules, f"reports.{name}", module)
            monkeypatch.setattr(reports, name, module, raising=False)
        for attribute, function in functions.items():
            monkeypatch.setattr(module, attribute, function, raising=False)
    return calls


@pytest.fixture
def calendar_2026(db):
    holidays_sync(years=[2026, 2027])
    calendar_changed()


@pytest.fixture
def report_order(db, end_user):
    """File a work order at `at` (the services stamp now; the test moves it back)."""
    from incidents.models import WorkOrder

    def make(at=FIRST_ORDER, title="网络不通"):
        order = incident_services.work_order_create(
            actor=end_user, requester=end_user, title=title, description=title
        )
        WorkOrder.objects.filter(pk=order.pk).update(created_at=at)
        return order

    return make


@pytest.fixture
def report_data(report_order):
    """Work orders from January 2026 on: reports may cover Jan 2026 onwards."""
    report_order()
    report_order(datetime(2026, 9, 3, 2, 0, tzinfo=UTC), "打印机卡纸")
    report_order(datetime(2026, 9, 20, 2, 0, tzinfo=UTC), "邮箱满了")


TODAY = date(2026, 11, 3)
