"""Writes to repair send-outs (设备送修单): create, send, progress, return, cancel."""

import contextlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cmdb.services.spares import spare_lend, spare_return
from cmdb.services.warranty import warranty_extend
from incidents import permissions as wo_permissions
from incidents.choices import OPEN_STATUSES, HoldReason, Status
from itsm import workflow
from servicedesk.calendar import business_calendar
from servicedesk.notifications import notify

from .. import clock
from ..choices import DataHandling, RepairKind, RepairStatus
from ..models import ProgressReport, RepairOrder
from ..permissions import repair_refusal, vendor_refusal
from . import _common as c

CONFLICT = _("This repair send-out was changed by someone else. Reload it and try again.")
REFUSED = _("A repair send-out that is “%(status)s” cannot do this.")


def repair_due_dates(*, kind: str, sent_on, calendar=None) -> dict:
    """The due dates of a repair sent on `sent_on`, from the working calendar."""
    calendar = calendar or business_calendar()
    return {
        "due_back_on": (
            clock.add_working_days(calendar, sent_on, clock.THIRD_PARTY_WORKING_DAYS)
            if kind == RepairKind.THIRD_PARTY
            else None
        ),
        "desk_due_on": clock.second_weekend_deadline(calendar, sent_on),
        "progress_due_on": (
            clock.add_working_days(calendar, sent_on, clock.PROGRESS_EVERY_WORKING_DAYS)
            if kind == RepairKind.IN_WARRANTY
            else None
        ),
    }


@transaction.atomic
def repair_create(
    *,
    actor,
    work_order,
    fault: str,
    kind: str,
    vendor,
    carrier,
    data_handling: str,
    planned_send_on=None,
    device=None,
    repair_point: str = "",
    data_record: str = "",
    consent_by: str = "",
    spare=None,
) -> RepairOrder:
    """A new send-out for `work_order`'s device, with its data-security step recorded and,
    if `spare` is given, that spare unit lent to the user through the CMDB's loans.
    Refused (nothing saved) for a blacklisted vendor, a closed work order, a past date or a
    missing consent or wipe record."""
    workflow.require(repair_refusal(actor, None, "create"))
    if wo_permissions.work_order_refusal(actor, work_order, "view"):
        raise PermissionDenied(_("You cannot see this work order."))
    if work_order.status not in OPEN_STATUSES:
        raise ValidationError(_("The work order is closed: open a new one for this repair."))
    workflow.require(vendor_refusal(actor, vendor, "order"))
    device = device or work_order.device
    if device is None:
        raise ValidationError({"device": _("Name the device that is sent for repair.")})
    open_repair = (
        RepairOrder.objects.filter(
            device=device, status__in=[RepairStatus.PREPARED, RepairStatus.SENT]
        )
        .values_list("number", flat=True)
        .first()
    )
    if open_repair:
        raise ValidationError(
            {
                "device": _("This device is already on send-out %(number)s.")
                % {"number": open_repair}
            }
        )
    if kind not in RepairKind.values:
        raise ValidationError({"kind": _("Choose in-warranty or third-party.")})
    if data_handling not in DataHandling.values:
        raise ValidationError({"data_handling": _("Say what happens to the device's storage.")})
    data_record, consent_by = (data_record or "").strip(), (consent_by or "").strip()
    if data_handling == DataHandling.WIPED and not data_record:
        raise ValidationError({"data_record": _("Record how the storage was wiped.")})
    if data_handling == DataHandling.SEALED and not consent_by:
        raise ValidationError(
            {"consent_by": _("A sealed device leaves only with the user's consent: who gave it?")}
        )
    planned = c.not_in_past(planned_send_on or timezone.localdate(), "planned_send_on")
    repair = RepairOrder(
        work_order=work_order,
        device=device,
        fault=c.required(fault, "fault", _("Describe the fault.")),
        kind=kind,
        vendor=vendor,
        repair_point=(repair_point or vendor.repair_point or vendor.name).strip(),
        carrier=carrier or actor,
        planned_send_on=planned,
        data_handling=data_handling,
        data_record=data_record,
        consent_by=consent_by,
        consent_at=timezone.now() if consent_by else None,
        created_by=actor,
    )
    repair.full_clean(exclude=["number", "spare_loan"])
    repair.save()
    if spare is not None:
        repair.spare_loan = spare_lend(
            actor=actor,
            spare=spare,
            borrower=work_order.requester,
            device_in_repair=device,
            work_order_number=work_order.number,
        )
        repair.save(update_fields=["spare_loan"])
    c.log_create(repair, actor)
    return repair


def _work_order_step(service, *, work_order, actor, **kwargs) -> None:
    """Move the work order along (hold for the vendor, resume) when it may; a refusal there
    must not stop the repair: the work order keeps its own state and timeline."""
    # Its own atomic block rolls its part back on a refusal; the repair goes on.
    with contextlib.suppress(PermissionDenied, ValidationError):
        service(work_order=work_order, actor=actor, **kwargs)


@transaction.atomic
def repair_send(*, actor, repair, lock_version=None, sent_at=None) -> RepairOrder:
    """The device leaves the building: due dates are fixed from the sending day and the
    work order waits for the vendor."""
    from incidents.services import work_order_hold

    repair = workflow.lock(repair, expected=lock_version, conflict=CONFLICT)
    workflow.require(repair_refusal(actor, repair, "send"))
    workflow.require(vendor_refusal(actor, repair.vendor, "order"))
    sent_at = c.not_in_future(sent_at, "sent_at")
    if timezone.localdate(sent_at) < timezone.localdate(repair.created_at):
        raise ValidationError(
            {"sent_at": _("A device cannot leave before its send-out was written.")}
        )
    dates = repair_due_dates(kind=repair.kind, sent_on=timezone.localdate(sent_at))
    workflow.transition(repair, actor=actor, name="send", method=repair.send, refused=REFUSED,
                        at=sent_at, **dates)  # fmt: skip
    work_order = repair.work_order
    if work_order.status == Status.IN_PROGRESS and not wo_permissions.work_order_refusal(
        actor, work_order, "hold"
    ):
        _work_order_step(
            work_order_hold, work_order=work_order, actor=actor, reason=HoldReason.VENDOR,
            note=_("Device sent for repair: %(number)s") % {"number": repair.number},
        )  # fmt: skip
    workflow.after_commit(
        notify,
        recipients=[work_order.requester],
        subject=_("[%(number)s] Your device was sent for repair") % {"number": repair.number},
        body=_("Expected back at your desk by %(date)s.") % {"date": repair.desk_due_on},
        url=repair.get_absolute_url(),
    )
    return repair


@transaction.atomic
def repair_return(
    *, actor, repair, lock_version=None, returned_at=None, note: str = "", cost=None
) -> RepairOrder:
    """The device is back: the spare unit goes back to stock and the work order resumes.
    `cost`: what the vendor charged (the department costs count it when it came back)."""
    from incidents.services import work_order_resume

    repair = workflow.lock(repair, expected=lock_version, conflict=CONFLICT)
    workflow.require(repair_refusal(actor, repair, "return"))
    returned_at = c.not_in_future(returned_at, "returned_at")
    if returned_at < repair.sent_at:
        raise ValidationError(
            {"returned_at": _("The device cannot come back before it was sent (%(sent)s).")
             % {"sent": timezone.localtime(repair.sent_at).strftime("%Y-%m-%d %H:%M")}}
        )  # fmt: skip
    if cost is not None and cost < 0:
        raise ValidationError({"cost": _("A charge cannot be negative.")})
    repair.repair_cost = cost
    workflow.transition(repair, actor=actor, name="return", method=repair.return_device,
                        refused=REFUSED, note=(note or "").strip(), at=returned_at, by=actor, remark=(note or "").strip())  # fmt: skip
    if repair.spare_loan_id and repair.spare_loan.returned_at is None:
        spare_return(loan=repair.spare_loan, actor=actor)
    work_order = repair.work_order
    if (
        work_order.status == Status.ON_HOLD
        and work_order.hold_reason == HoldReason.VENDOR
        and not wo_permissions.work_order_refusal(actor, work_order, "resume")
        and not work_order.repair_orders.filter(status="sent").exclude(pk=repair.pk).exists()
    ):
        _work_order_step(
            work_order_resume, work_order=work_order, actor=actor,
            note=_("Device back from repair: %(number)s") % {"number": repair.number},
        )  # fmt: skip
    return repair


@transaction.atomic
def repair_cancel(*, actor, repair, lock_version=None) -> RepairOrder:
    """A send-out that never left is cancelled; a spare lent for it comes back."""
    repair = workflow.lock(repair, expected=lock_version, conflict=CONFLICT)
    workflow.require(repair_refusal(actor, repair, "cancel"))
    workflow.transition(repair, actor=actor, name="cancel", method=repair.cancel, refused=REFUSED)
    if repair.spare_loan_id and repair.spare_loan.returned_at is None:
        spare_return(loan=repair.spare_loan, actor=actor)
    return repair


@transaction.atomic
def repair_report_progress(*, actor, repair, text: str) -> ProgressReport:
    """A written progress report on an in-warranty repair, mailed to the user and the
    information department."""
    repair = workflow.lock(repair, expected=None)
    workflow.require(repair_refusal(actor, repair, "report"))
    report = ProgressReport.objects.create(
        repair=repair,
        reported_on=timezone.localdate(),
        text=c.required(text, "text", _("Write the progress.")),
        reported_by=actor,
    )
    c.log_step(repair, actor, "progress_report", note=report.text[:500])
    notify(
        recipients=[repair.work_order.requester, *c.information_department()],
        subject=_("[%(number)s] Repair progress") % {"number": repair.number},
        body=report.text,
        url=repair.get_absolute_url(),
    )
    return report


@transaction.atomic
def repair_extend_warranty(*, actor, repair, new_end, terms: str):
    """The repaired device came back with a warranty on the repair: the CMDB records the
    extension (new end, terms, this repair's number and link) on the device, and this
    repair's history notes it. Only for a returned repair, once (see
    cmdb.services.warranty.warranty_extend for what else is refused)."""
    repair = workflow.lock(repair, expected=None)
    workflow.require(repair_refusal(actor, repair, "warranty"))
    extension = warranty_extend(
        actor=actor,
        ci=repair.device,
        new_end=new_end,
        terms=terms,
        reference=repair.number,
        source=repair,
    )
    c.log_step(
        repair,
        actor,
        "warranty_extended",
        note=_("Warranty of %(device)s extended to %(date)s: %(terms)s")
        % {
            "device": repair.device.asset_tag,
            "date": new_end.isoformat(),
            "terms": extension.terms,
        },
    )
    return extension
