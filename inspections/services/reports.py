"""Reports: written from the month's figures, approved like the plan, archived as PDF."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import ApprovalStatus
from ..models import InspectionReport
from ..permissions import report_create_refusal, report_refusal
from .notify import tell_signers
from .plans import _decide
from .records import records_lock


def _conflict():
    return _("This report was changed by someone else in the meantime. Reload it and try again.")


@transaction.atomic
def report_create(*, plan, actor, evaluation: str = "", suggestions: str = "") -> InspectionReport:
    """The plan's one report, as a draft."""
    workflow.require(report_create_refusal(actor, plan))
    return InspectionReport.objects.create(
        plan=plan, written_by=actor, evaluation=evaluation, suggestions=suggestions
    )


@transaction.atomic
def report_update(*, report, actor, lock_version, evaluation: str, suggestions: str):
    report = workflow.lock(report, expected=lock_version, conflict=_conflict())
    workflow.require(report_refusal(actor, report, "edit"))
    report.evaluation = evaluation
    report.suggestions = suggestions
    workflow.save(report)
    return report


@transaction.atomic
def report_submit(*, report, actor, lock_version) -> InspectionReport:
    """To the three approvals, with the figures frozen as they are now. Refused while the
    plan is not approved."""
    from ..selectors import report_figures

    report = workflow.lock(report, expected=lock_version, conflict=_conflict())
    workflow.require(report_refusal(actor, report, "submit"))
    report.figures = report_figures(plan=report.plan)
    workflow.transition(
        report,
        actor=actor,
        name="submit",
        method=report.submit,
        refused=_("A report that is “%(status)s” cannot be submitted."),
        at=timezone.now(),
    )
    workflow.after_commit(tell_signers, report.pk, "report")
    return report


@transaction.atomic
def report_decide(*, report, actor, approve: bool, comment: str = "", lock_version):
    """A signature on the report; the last approval locks the month's records and archives
    the PDF."""
    report = workflow.lock(report, expected=lock_version, conflict=_conflict())
    workflow.require(report_refusal(actor, report, "approve"))
    _decide(
        report,
        actor=actor,
        approve=approve,
        comment=comment,
        refused=_("A report that is “%(status)s” cannot be decided."),
    )
    if report.status == ApprovalStatus.APPROVED:
        records_lock(plan=report.plan)
        report_archive(report=report)
    workflow.after_commit(tell_signers, report.pk, "report")
    return report


def report_archive(*, report) -> None:
    from ..pdf import report_pdf

    data = report_pdf(report)
    report.pdf.save(f"{report.number}.pdf", ContentFile(data), save=False)
    InspectionReport.objects.filter(pk=report.pk).update(pdf=report.pdf.name)
