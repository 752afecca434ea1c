"""Reads that depend on who is asking: the archive, one report, its Document, drill lists."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from itsm.actors import is_system_user

from .choices import STATUS_MSGIDS, ReportStatus
from .definitions import Document, Figure, Section, Signoff
from .models import GenerationJob, Report, ReportDelivery


def report_list(
    *,
    user,
    type: str = "",
    status: str = "",
    year: int | None = None,  # noqa: A002
) -> QuerySet[Report]:
    """The archive for `user`: every version, newest period first (flat: one query)."""
    reports = Report.objects.restrict(user, "view").select_related(
        "generated_by__person", "confirmed_by__person"
    )
    if type:
        reports = reports.filter(type=type)
    if status:
        reports = reports.filter(status=status)
    if year:
        reports = reports.filter(period_start__year=year)
    return reports.defer("data").order_by("-period_start", "type", "-version")


def report_get(*, user, number: str) -> Report | None:
    return (
        Report.objects.restrict(user, "view")
        .select_related(
            "generated_by__person",
            "confirmed_by__person",
            "approved_by__person",
            "delivered_by__person",
        )
        .filter(number=number)
        .first()
    )


def report_versions(*, user, report: Report) -> QuerySet[Report]:
    return (
        Report.objects.restrict(user, "view")
        .filter(type=report.type, period_start=report.period_start)
        .defer("data")
        .order_by("-version")
    )


def report_deliveries(*, report: Report) -> QuerySet[ReportDelivery]:
    return report.deliveries.select_related("recipient__person").order_by("pk")


def report_years() -> list[int]:
    return sorted({d.year for d in Report.objects.dates("period_start", "year")}, reverse=True)


def job_get(*, user, pk: int) -> GenerationJob | None:
    return (
        GenerationJob.objects.restrict(user, "view").select_related("report").filter(pk=pk).first()
    )


def report_sections(report: Report) -> list[Section]:
    return [Section.from_json(data) for data in report.data or []]


def report_figure(report: Report, key: str) -> Figure | None:
    for section in report_sections(report):
        for figure in section.figures:
            if figure.key == key:
                return figure
    return None


def _name(user) -> str:
    if user is None or is_system_user(user):
        return ""
    person = getattr(user, "person", None)
    return getattr(person, "name", "") or user.get_username()


def _at(value) -> str:
    return value.isoformat() if value else ""


def report_document(report: Report) -> Document:
    """Everything a renderer needs, from the frozen data and the sign-off stamps only."""
    from django.utils.translation import gettext_noop as N_

    signoffs = [
        Signoff(N_("Reporter"), _name(report.generated_by), _at(report.generated_at)),
        Signoff(N_("Service supervisor"), _name(report.confirmed_by), _at(report.confirmed_at)),
    ]
    if report.needs_client_approval:
        signoffs.append(
            Signoff(
                N_("Operations department / Information centre"),
                _name(report.approved_by),
                _at(report.approved_at),
            )
        )
    return Document(
        title=report.report_type.title if report.report_type else report.type,
        form_number=report.number,
        client_name=settings.ITSM.get("CLIENT_NAME", ""),
        period_kind=report.period_kind,
        period_slug=report.period.slug,
        period_start=report.period_start.isoformat(),
        period_end=report.period_end.isoformat(),
        version=report.version,
        status=STATUS_MSGIDS.get(report.status, ReportStatus.DRAFT.label),
        preliminary=report.preliminary,
        generated_at=_at(report.generated_at),
        sections=report_sections(report),
        signoffs=signoffs,
    )
