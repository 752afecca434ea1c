"""Resource requests (资源申请单), emergency changes and the D0405 report.

Resource request: coordination (what from whom) or purchase (product, model, supplier,
cost) → the team approves (never the one who asked) → the engineer records what was done
or bought → the team confirms. The same pipeline as the emergency itself.
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from changes.choices import ChangeType
from itsm import workflow

from .choices import ReportPeriod, ResourceKind
from .models import EmergencyChange, EmergencyReport, ResourceRequest
from .permissions import declare_refusal, emergency_refusal, resource_refusal
from .services import _entry, _name, _tell


def _conflict():
    return _("This resource request was changed by someone else. Reload it and try again.")


def _cost(value) -> Decimal:
    try:
        cost = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError):
        raise ValidationError({"cost": _("Give the cost as a number.")}) from None
    if cost < 0:
        raise ValidationError({"cost": _("The cost cannot be negative.")})
    return cost.quantize(Decimal("0.01"))


@transaction.atomic
def resource_request_create(
    *,
    emergency,
    actor,
    kind: str,
    description: str,
    from_whom: str = "",
    product: str = "",
    model_spec: str = "",
    supplier: str = "",
    cost=0,
) -> ResourceRequest:
    """A 资源申请单 for the team to approve; the other members are told."""
    emergency = workflow.lock(emergency, expected=None)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    if not emergency.is_open:
        raise ValidationError(_("This emergency is closed."))
    errors = {}
    if kind not in ResourceKind.values:
        errors["kind"] = _("Choose coordination or purchase.")
    if not (description or "").strip():
        errors["description"] = _("Say what is needed.")
    if kind == ResourceKind.COORDINATION and not (from_whom or "").strip():
        errors["from_whom"] = _("Say from whom the help is needed.")
    if kind == ResourceKind.PURCHASE:
        if not (product or "").strip():
            errors["product"] = _("Name the product to buy.")
        if not (supplier or "").strip():
            errors["supplier"] = _("Name the vendor or supplier.")
    if errors:
        raise ValidationError(errors)
    request = ResourceRequest(
        emergency=emergency,
        kind=kind,
        description=description.strip(),
        from_whom=(from_whom or "").strip(),
        product=(product or "").strip(),
        model_spec=(model_spec or "").strip(),
        supplier=(supplier or "").strip(),
        cost=_cost(cost),
        requested_by=actor,
    )
    request.full_clean(exclude=["number"])
    request.save()
    workflow.log_transition(request, name="create", source="", target=request.status, actor=actor)
    _entry(
        emergency,
        actor=actor,
        kind="resource",
        text=_("Resource request %(number)s: %(description)s")
        % {"number": request.number, "description": request.description},
    )
    members = [m.user for m in emergency.team.select_related("user") if m.user_id]
    _tell(
        [u for u in [*members, emergency.commander] if u.pk != actor.pk],
        emergency,
        _("Resource request %(number)s awaits the team") % {"number": request.number},
        request.description,
    )
    return request


def _step(request, *, actor, action: str, name: str, method, refused: str, note="", **kwargs):
    workflow.require(resource_refusal(actor, request, action))
    workflow.transition(
        request, actor=actor, name=name, method=method, refused=refused, note=note, **kwargs
    )
    _entry(
        request.emergency,
        actor=actor,
        kind="resource",
        text=f"{request.number}: {request.get_status_display()}" + (f" — {note}" if note else ""),
    )


@transaction.atomic
def resource_request_approve(*, request, actor, note: str = "", lock_version=None):
    request = workflow.lock(request, expected=lock_version, conflict=_conflict())
    _step(
        request,
        actor=actor,
        action="decide",
        name="approve",
        method=request.approve,
        refused=_("A resource request that is “%(status)s” cannot be approved."),
        note=(note or "").strip(),
        by=actor,
        at=timezone.now(),
    )
    _tell([request.requested_by], request.emergency, _("Resource request approved"), note)
    return request


@transaction.atomic
def resource_request_reject(*, request, actor, note: str, lock_version=None):
    request = workflow.lock(request, expected=lock_version, conflict=_conflict())
    if not (note or "").strip():
        raise ValidationError({"note": _("Give a reason for the rejection.")})
    _step(
        request,
        actor=actor,
        action="decide",
        name="reject",
        method=request.reject,
        refused=_("A resource request that is “%(status)s” cannot be rejected."),
        note=note.strip(),
        by=actor,
        at=timezone.now(),
    )
    _tell([request.requested_by], request.emergency, _("Resource request rejected"), note)
    return request


@transaction.atomic
def resource_request_record_result(*, request, actor, result: str, cost=None, lock_version=None):
    """What was done or bought (the actual cost for a purchase); the team confirms next."""
    request = workflow.lock(request, expected=lock_version, conflict=_conflict())
    if not (result or "").strip():
        raise ValidationError({"result": _("Record what was done or bought.")})
    _step(
        request,
        actor=actor,
        action="record",
        name="record_result",
        method=request.record_result,
        refused=_("A resource request that is “%(status)s” cannot take a result."),
        note=result.strip(),
        by=actor,
        at=timezone.now(),
        result=result.strip(),
        cost=None if cost in (None, "") else _cost(cost),
    )
    return request


@transaction.atomic
def resource_request_confirm(*, request, actor, lock_version=None):
    request = workflow.lock(request, expected=lock_version, conflict=_conflict())
    _step(
        request,
        actor=actor,
        action="decide",
        name="confirm",
        method=request.confirm,
        refused=_("A resource request that is “%(status)s” cannot be confirmed."),
        by=actor,
        at=timezone.now(),
    )
    return request


# --- emergency changes ------------------------------------------------------------------------


def emergency_change_raise(
    *,
    emergency,
    actor,
    summary: str,
    reason: str = "",
    implementation_plan: str = "",
    rollback_plan: str = "",
    lock: bool = True,
) -> EmergencyChange:
    """A change request of type emergency through the changes app, linked to the emergency;
    the team approves it instead of the CAB (emergency_change_approve)."""
    from changes.services import change_create

    with transaction.atomic():
        if lock:
            emergency = workflow.lock(emergency, expected=None)
        workflow.require(emergency_refusal(actor, emergency, "work"))
        change = change_create(
            actor=actor,
            summary=(summary or "").strip(),
            type=ChangeType.EMERGENCY,
            reason=(reason or "").strip() or emergency.title,
            implementation_plan=(implementation_plan or "").strip(),
            rollback_plan=(rollback_plan or "").strip(),
            affected_items=list(emergency.affected_items.all()),
            # Implemented during the response: the window is now (the changes app needs one
            # to schedule it; the engineer corrects it there).
            planned_start=timezone.now(),
            planned_end=timezone.now() + timedelta(hours=4),
        )
        link = EmergencyChange.objects.create(emergency=emergency, change=change)
        _entry(
            emergency,
            actor=actor,
            kind="change",
            text=_("Emergency change %(number)s raised: %(summary)s")
            % {"number": change.number, "summary": change.summary},
        )
    return link


@transaction.atomic
def emergency_change_approve(*, link, actor) -> EmergencyChange:
    """The team approves the emergency change (in place of the CAB); its requester cannot."""
    from changes.services import change_approve_by_emergency_team

    link = EmergencyChange.objects.select_for_update().get(pk=link.pk)
    workflow.require(emergency_refusal(actor, link.emergency, "work"))
    if link.approved_at:
        raise ValidationError(_("The team has already approved this change."))
    if link.change.requester_id == actor.pk:
        workflow.require(_("You raised this change; another member of the team must approve."))
    link.approved_by, link.approved_at = actor, timezone.now()
    link.save(update_fields=["approved_by", "approved_at"])
    note = _("Approved by the emergency team (%(name)s) for %(number)s instead of the CAB.") % {
        "name": _name(actor),
        "number": link.emergency.number,
    }
    # The change itself moves to "approved" through the changes app (its log shows it).
    change_approve_by_emergency_team(change=link.change, actor=actor, note=note)
    _entry(link.emergency, actor=actor, kind="change", text=f"{link.change.number}: {note}")
    return link


# --- the D0405 report ----------------------------------------------------------------------------


@transaction.atomic
def report_create(
    *, actor, period: str, starts_on, ends_on=None, problems_and_suggestions: str = ""
) -> EmergencyReport:
    """The 应急流程管理报告 for a month or a quarter, by `actor` (the reporter)."""
    import calendar

    workflow.require(declare_refusal(actor))
    if period not in ReportPeriod.values:
        raise ValidationError({"period": _("Choose monthly or quarterly.")})
    if starts_on is None:
        raise ValidationError({"starts_on": _("Give the first day of the period.")})
    starts_on = starts_on.replace(day=1)
    if ends_on is None:
        months = 1 if period == ReportPeriod.MONTH else 3
        year, month = starts_on.year, starts_on.month + months - 1
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
        ends_on = starts_on.replace(year=year, month=month, day=calendar.monthrange(year, month)[1])
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period cannot end before it starts.")})
    report = EmergencyReport(
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
        problems_and_suggestions=(problems_and_suggestions or "").strip(),
        reporter=actor,
    )
    report.save()
    workflow.log_transition(report, name="create", source="", target="draft", actor=actor)
    return report


@transaction.atomic
def report_sign(*, report, actor) -> EmergencyReport:
    """The 服务主管 confirms the report (a different person from the reporter)."""
    from servicedesk.choices import Role
    from servicedesk.roles import user_has_role

    report = EmergencyReport.objects.select_for_update().get(pk=report.pk)
    if not user_has_role(actor, Role.SUPERVISOR, Role.ADMIN):
        workflow.require(_("Only the service supervisor confirms the report."))
    if report.supervisor_signed_at:
        raise ValidationError(_("The report is already confirmed."))
    report.supervisor, report.supervisor_signed_at = actor, timezone.now()
    report.save(update_fields=["supervisor", "supervisor_signed_at", "updated_at"])
    workflow.log_transition(report, name="sign", source="draft", target="signed", actor=actor)
    return report
