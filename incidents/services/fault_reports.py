"""The fault report (故障报告) of a major system or network fault."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import EventKind
from ..fault_log import fault_report_refusal
from ..models import FaultReport, WorkOrder
from .common import _event

TEXT_FIELDS = {
    "cause": lambda: _("Write down the cause."),
    "impact": lambda: _("Write down the impact: who and what was affected."),
    "actions": lambda: _("Write down the actions taken."),
    "prevention": lambda: _("Write down how it is prevented from happening again."),
}


@transaction.atomic
def fault_report_save(
    *, work_order: WorkOrder, actor, started_at, ended_at, cause, impact, actions, prevention
) -> FaultReport:
    """Write or correct the fault report of `work_order`. Guarantees: only for a resolved or
    closed major system fault, by its handler or a supervisor; every part written; the
    fault cannot end before it began. One report per order (a second save corrects it)."""
    order = WorkOrder.objects.select_for_update(of=("self",)).get(pk=work_order.pk)
    workflow.require(fault_report_refusal(actor, order))
    values = {"cause": cause, "impact": impact, "actions": actions, "prevention": prevention}
    errors = {}
    for name, message in TEXT_FIELDS.items():
        values[name] = (values[name] or "").strip()
        if not values[name]:
            errors[name] = message()
    if started_at is None:
        errors["started_at"] = _("Say when the fault began.")
    if ended_at is None:
        errors["ended_at"] = _("Say when the service was restored.")
    elif started_at is not None and ended_at < started_at:
        errors["ended_at"] = _("The service cannot be restored before the fault began.")
    if errors:
        raise ValidationError(errors)
    report = FaultReport.objects.filter(work_order=order).first()
    if report is None:
        report = FaultReport(work_order=order, written_by=actor)
    report.started_at, report.ended_at = started_at, ended_at
    for name, value in values.items():
        setattr(report, name, value)
    report.save()
    _event(
        order,
        kind=EventKind.NOTE,
        actor=actor,
        internal=True,
        body=_("Fault report %(number)s written.") % {"number": report.number},
        data={"fault_report": report.number},
    )
    return report
