"""The report's files, rendered on demand from the frozen data (see models.py for why the
PDF is not stored). The renderers live in pdf.py and exports.py (imported when called, so
this module loads before they exist in a partial checkout)."""

from __future__ import annotations

from django.conf import settings

from .selectors import report_document


def report_pdf(report, *, language: str | None = None) -> bytes:
    from . import pdf

    return pdf.render_pdf(report_document(report), language=language or settings.LANGUAGE_CODE)


def report_xlsx(report) -> bytes:
    from . import exports

    return exports.document_xlsx(report_document(report))


def report_table_csv(report, table_key: str) -> str | None:
    from . import exports

    for section in report_document(report).sections:
        for table in section.tables:
            if table.key == table_key:
                return exports.table_csv(table)
    return None


def report_filename(report, extension: str) -> str:
    return f"{report.number}-{report.period.slug}-v{report.version}.{extension}"
