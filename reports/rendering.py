"""The report's files, rendered on demand from the frozen data (see models.py for why the
PDF is not stored). The renderers live in pdf.py and exports.py (imported when called, so
this module loads before they exist in a partial checkout)."""

from __future__ import annotations

from django.conf import settings

from .definitions import Document, Signoff
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


def preview_document(report_type, period, *, preliminary: bool = False) -> Document:
    """A Document built from live data without storing a report (report_png --type, the
    benchmark): the same sections and renderer as a generated report, form code unnumbered."""
    from django.utils import timezone
    from django.utils.translation import gettext_noop as N_

    from . import registry

    sections = registry.build_sections(report_type, period, options={"preliminary": preliminary})
    return Document(
        title=report_type.title,
        form_number=report_type.form_code,
        client_name=settings.ITSM.get("CLIENT_NAME", ""),
        period_kind=period.kind,
        period_slug=period.slug,
        period_start=period.start.isoformat(),
        period_end=period.end.isoformat(),
        version=0,
        status=N_("Draft"),
        preliminary=preliminary,
        generated_at=timezone.localtime().isoformat(timespec="minutes"),
        sections=sections,
        signoffs=[Signoff(N_("Reporter")), Signoff(N_("Service supervisor"))],
    )
