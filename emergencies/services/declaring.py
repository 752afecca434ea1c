"""Declaring an emergency and its approval by the information centre (portal or oral)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import services as incident_services
from incidents.choices import Level3
from incidents.models import WorkOrder
from itsm import workflow

from ..choices import (
    UPDATE_EVERY,
    ApprovalChannel,
    ApprovalMode,
    EmergencyType,
    Severity,
)
from ..models import Emergency
from ..permissions import declare_refusal, emergency_refusal, is_information_centre
from ._common import (
    _entry,
    _information_centre_users,
    _lock,
    _move,
    _name,
    _refused,
    _tell,
    _text,
    confirmation_window,
)

# --- declaring and approving -----------------------------------------------------------


@transaction.atomic
def emergency_declare(
    *,
    actor,
    type: str,
    scope: str,
    commander,
    severity: str = Severity.HIGH,
    title: str = "",
    work_order=None,
    service=None,
    affected_items=(),
    cause: str = "",
) -> Emergency:
    """The 启动应急流程申请单: from a work order (it becomes the parent of the outage) or from
    a service CI's outage (a parent work order is opened for it). Waits for the information
    centre; its approvers are told."""
    workflow.require(declare_refusal(actor))
    errors = {}
    if type not in EmergencyType.values:
        errors["type"] = _("Choose the type of emergency.")
    if severity not in Severity.values:
        errors["severity"] = _("Choose the severity.")
    if not (scope or "").strip():
        errors["scope"] = _("Describe the scope: who and what is affected, where.")
    if commander is None:
        errors["commander"] = _("Name the incident commander.")
    if work_order is None and service is None:
        errors["work_order"] = _("Declare from a work order or from a service's outage.")
    if errors:
        raise ValidationError(errors)
    if work_order is not None:
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        if hasattr(work_order, "emergency"):
            raise ValidationError(
                _("Work order %(number)s already started emergency %(emergency)s.")
                % {"number": work_order.number, "emergency": work_order.emergency.number}
            )
        if work_order.parent_id:
            raise ValidationError(
                _("Work order %(number)s is attached to %(parent)s; declare from that one.")
                % {"number": work_order.number, "parent": work_order.parent.number}
            )
        if not work_order.is_open:
            raise ValidationError(_("Declare from an open work order."))
    title = (title or "").strip() or (
        work_order.title if work_order else f"{service} {EmergencyType(type).label}"
    )
    if work_order is None:
        work_order = incident_services.work_order_create(
            actor=actor,
            requester=actor,
            title=title[:200],
            description=scope,
            device=service,
            impact=Level3.HIGH,
            urgency=Level3.HIGH,
        )
    emergency = Emergency(
        title=title[:200],
        type=type,
        severity=severity,
        scope=scope.strip(),
        commander=commander,
        declared_by=actor,
        work_order=work_order,
        service=service,
        cause=(cause or "").strip(),
    )
    emergency.full_clean(exclude=["number"])
    emergency.save()
    items = list(affected_items) or ([service] if service else [])
    if work_order.device_id and not items:
        items = [work_order.device]
    emergency.affected_items.set(items)
    workflow.log_transition(
        emergency, name="declare", source="", target=emergency.status, actor=actor
    )
    _entry(
        emergency,
        actor=actor,
        kind="status",
        text=_("Emergency declared from %(number)s: %(scope)s")
        % {"number": work_order.number, "scope": emergency.scope},
    )
    _tell(
        _information_centre_users(),
        emergency,
        _("Emergency application awaiting your approval"),
        f"{EmergencyType(type).label}: {emergency.scope}",
    )
    _tell([commander], emergency, _("You are the incident commander"))
    return emergency


@transaction.atomic
def emergency_approve(*, emergency, actor, note: str = "", lock_version=None) -> Emergency:
    """The information centre approves in the portal (this is its written approval)."""
    emergency = _lock(emergency, lock_version)
    workflow.require(emergency_refusal(actor, emergency, "approve"))
    now = timezone.now()
    _move(
        emergency,
        actor=actor,
        name="approve",
        method=emergency.approve,
        refused=_refused("approve"),
        note=note or _("Approved in the portal by %(name)s.") % {"name": _name(actor)},
        by=actor,
        at=now,
        mode=ApprovalMode.PORTAL,
    )
    _tell([emergency.commander, emergency.declared_by], emergency, _("Emergency approved"))
    return emergency


@transaction.atomic
def emergency_record_oral_approval(
    *, emergency, actor, approver, channel: str, approved_at=None, lock_version=None
) -> Emergency:
    """An approval given by telephone or in person, recorded by `actor`: who approved, by
    what channel, when. The approver must confirm in writing within the configured window
    (reminded until they do)."""
    emergency = _lock(emergency, lock_version)
    workflow.require(declare_refusal(actor))
    if approver is None or not is_information_centre(approver):
        raise ValidationError(
            {"approver": _("The approver must be someone of the information centre.")}
        )
    if channel not in ApprovalChannel.values:
        raise ValidationError({"channel": _("Say how the approval was given.")})
    now = timezone.now()
    approved_at = approved_at or now
    if approved_at > now + timedelta(minutes=1):
        raise ValidationError({"approved_at": _("The approval cannot be in the future.")})
    _move(
        emergency,
        actor=actor,
        name="approve",
        method=emergency.approve,
        refused=_refused("approve"),
        note=_("Approved orally by %(approver)s (%(channel)s) at %(at)s; recorded by %(by)s.")
        % {
            "approver": _name(approver),
            "channel": ApprovalChannel(channel).label,
            "at": timezone.localtime(approved_at).strftime("%Y-%m-%d %H:%M"),
            "by": _name(actor),
        },
        by=approver,
        at=approved_at,
        mode=ApprovalMode.ORAL,
        channel=channel,
        recorded_by=actor,
        confirmation_due_at=now + confirmation_window(),
    )
    _tell(
        [approver],
        emergency,
        _("Please confirm your oral approval in writing"),
        _("You approved %(number)s orally; confirm it in the portal by %(due)s.")
        % {
            "number": emergency.number,
            "due": timezone.localtime(emergency.confirmation_due_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    _tell([emergency.commander], emergency, _("Emergency approved"))
    return emergency


@transaction.atomic
def emergency_confirm_approval(*, emergency, actor, lock_version=None) -> Emergency:
    """The oral approver confirms in writing; the reminders stop."""
    emergency = _lock(emergency, lock_version)
    if not emergency.awaiting_confirmation:
        raise ValidationError(_("There is no oral approval waiting for written confirmation."))
    if actor.pk != emergency.approved_by_id:
        workflow.require(_("Only the person who approved orally can confirm it in writing."))
    emergency.confirmed_at = timezone.now()
    workflow.save(emergency)
    workflow.log_transition(
        emergency,
        name="confirm_approval",
        source=emergency.status,
        target=emergency.status,
        actor=actor,
    )
    _entry(emergency, actor=actor, text=_("Oral approval confirmed in writing."))
    return emergency


@transaction.atomic
def emergency_reject(*, emergency, actor, reason: str, lock_version=None) -> Emergency:
    emergency = _lock(emergency, lock_version)
    workflow.require(emergency_refusal(actor, emergency, "approve"))
    reason = _text(reason, "reason", _("Give a reason for the rejection."))
    _move(
        emergency,
        actor=actor,
        name="reject",
        method=emergency.reject,
        refused=_refused("reject"),
        note=reason,
        at=timezone.now(),
    )
    _tell([emergency.commander, emergency.declared_by], emergency, _("Emergency rejected"), reason)
    return emergency


@transaction.atomic
def emergency_activate(*, emergency, actor, lock_version=None) -> Emergency:
    """The team starts the response; the status-update timer starts now."""
    emergency = _lock(emergency, lock_version)
    workflow.require(emergency_refusal(actor, emergency, "work"))
    now = timezone.now()
    _move(
        emergency,
        actor=actor,
        name="activate",
        method=emergency.activate,
        refused=_refused("activate"),
        note=_("Response started."),
        at=now,
        next_update_due_at=now + UPDATE_EVERY[emergency.severity],
    )
    return emergency
