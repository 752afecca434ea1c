"""Writes to vendor work orders (维修商服务工作单) and nonconformances (不合格情况记录).

draft → submitted → (supervisor) approved | rejected → revised and resubmitted
                                         | declined → problem management
approved → sent (mail with PDF) → signed → result → confirmed → verified
                                                   confirmed → (verification fails) → sent again
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import permissions as wo_permissions
from itsm import workflow
from servicedesk.notifications import notify

from ..choices import ProblemType
from ..models import Nonconformance, VendorOrder
from ..permissions import vendor_order_refusal, vendor_refusal
from . import _common as c

CONFLICT = _("This vendor work order was changed by someone else. Reload it and try again.")
REFUSED = _("A vendor work order that is “%(status)s” cannot do this.")
CONTENT_FIELDS = (
    "product", "problem_description", "problem_type", "priority", "service_level",
    "requirements", "required_by", "vendor", "repair",
)  # fmt: skip


def _clean_content(fields: dict) -> dict:
    fields = {k: v for k, v in fields.items() if k in CONTENT_FIELDS}
    for name in ("product", "problem_description", "requirements"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if fields.get("problem_type") and fields["problem_type"] not in ProblemType.values:
        raise ValidationError({"problem_type": _("Choose a problem type.")})
    c.not_in_past(fields.get("required_by"), "required_by")
    return fields


@transaction.atomic
def vendor_order_create(*, actor, work_order, vendor, **fields) -> VendorOrder:
    """A draft vendor order for `work_order`, written by `actor` (its engineer). Refused for
    a blacklisted vendor (naming the blacklist entry) or a past "required by" date."""
    workflow.require(vendor_order_refusal(actor, None, "create"))
    if wo_permissions.work_order_refusal(actor, work_order, "view"):
        workflow.require(_("You cannot see this work order."))
    workflow.require(vendor_refusal(actor, vendor, "order"))
    fields = _clean_content(fields)
    fields.setdefault("service_level", work_order.service_level)
    fields.setdefault("priority", work_order.priority or "P3")
    order = VendorOrder(work_order=work_order, vendor=vendor, engineer=actor, **fields)
    order.full_clean(exclude=["number"])
    order.save()
    c.log_create(order, actor)
    return order


@transaction.atomic
def vendor_order_update(*, actor, order, lock_version, **fields) -> VendorOrder:
    """Revise a draft or a rejected order (the vendor cannot be a blacklisted one)."""
    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "edit"))
    if order.status not in ("draft", "rejected"):
        raise workflow.IllegalTransition(REFUSED % {"status": order.get_status_display()})
    fields = _clean_content(fields)
    if "vendor" in fields and fields["vendor"].pk != order.vendor_id:
        workflow.require(vendor_refusal(actor, fields["vendor"], "order"))
    for name, value in fields.items():
        setattr(order, name, value)
    order.full_clean(exclude=["number"])
    workflow.save(order)
    return order


@transaction.atomic
def vendor_order_submit(*, actor, order, lock_version) -> VendorOrder:
    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "submit"))
    workflow.require(vendor_refusal(actor, order.vendor, "order"))
    workflow.transition(order, actor=actor, name="submit", method=order.submit, refused=REFUSED,
                        at=timezone.now())  # fmt: skip
    workflow.after_commit(
        notify, recipients=c.supervisors(),
        subject=_("[%(number)s] Vendor work order to approve") % {"number": order.number},
        body=order.product, url=order.get_absolute_url(), mail=False,
    )  # fmt: skip
    return order


@transaction.atomic
def vendor_order_review(
    *, actor, order, lock_version, decision: str, note: str = "", problem=None
) -> VendorOrder:
    """The supervisor decides: "approve", "reject" (back to the engineer with `note`), or
    "decline" (no vendor: the work order goes to problem management; `problem` links an
    existing problem, otherwise one is opened)."""
    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "review"))
    note = (note or "").strip()
    at = timezone.now()
    if decision == "approve":
        workflow.require(vendor_refusal(actor, order.vendor, "order"))
        workflow.transition(order, actor=actor, name="approve", method=order.approve,
                            refused=REFUSED, note=note, by=actor, at=at, remark=note)  # fmt: skip
        return order
    if decision == "reject":
        c.required(note, "note", _("Say what the engineer should change."))
        workflow.transition(order, actor=actor, name="reject", method=order.reject,
                            refused=REFUSED, note=note, by=actor, at=at, remark=note)  # fmt: skip
        workflow.after_commit(
            notify, recipients=[order.engineer],
            subject=_("[%(number)s] Vendor work order returned for revision") % {"number": order.number},
            body=note, url=order.get_absolute_url(),
        )  # fmt: skip
        return order
    if decision == "decline":
        from problems.services import problem_create, problem_link_work_orders

        if problem is None:
            problem = problem_create(
                actor=actor,
                title=_("%(product)s: %(problem)s") % {
                    "product": order.product, "problem": order.problem_description[:120]},
                description=order.problem_description,
                device=order.work_order.device,
                work_orders=[order.work_order],
            )  # fmt: skip
        else:
            problem_link_work_orders(problem=problem, actor=actor, work_orders=[order.work_order])
        workflow.transition(order, actor=actor, name="decline", method=order.decline,
                            refused=REFUSED, note=note, by=actor, at=at, remark=note,
                            problem_id=problem.pk)  # fmt: skip
        return order
    raise ValidationError({"decision": _("Approve, reject or send to problem management.")})


@transaction.atomic
def vendor_order_send(*, actor, order, lock_version) -> VendorOrder:
    """Send the approved order to the vendor: mailed with the order as PDF on commit."""
    from ..tasks import mail_vendor_order

    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "send"))
    workflow.require(vendor_refusal(actor, order.vendor, "order"))
    workflow.transition(order, actor=actor, name="send", method=order.send, refused=REFUSED,
                        at=timezone.now())  # fmt: skip
    workflow.after_commit(mail_vendor_order.delay, order.pk)
    return order


def _vendor_login(actor, order) -> bool:
    return order.vendor.accounts.filter(pk=actor.pk).exists()


@transaction.atomic
def vendor_order_sign(*, actor, order, lock_version, name: str = "", signed_at=None) -> VendorOrder:
    """The vendor signs for the order (recorded by the desk, or by the vendor's own login)."""
    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "sign"))
    name = (name or "").strip() or (c.person_name(actor) if _vendor_login(actor, order) else "")
    c.required(name, "name", _("Who signed for the order at the vendor?"))
    signed_at = c.not_in_future(signed_at, "signed_at")
    if order.sent_at and signed_at < order.sent_at:
        raise ValidationError({"signed_at": _("The vendor cannot sign before the order was sent.")})
    workflow.transition(order, actor=actor, name="sign", method=order.sign, refused=REFUSED,
                        note=name, signer=name, at=signed_at)  # fmt: skip
    return order


@transaction.atomic
def vendor_order_record_result(
    *, actor, order, lock_version, handling: str, result: str, advice: str = ""
) -> VendorOrder:
    """The vendor's handling, advice and result (by the vendor's login or the desk)."""
    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "result"))
    handling = c.required(handling, "handling", _("Describe how the vendor handled it."))
    result = c.required(result, "result", _("Record the result."))
    workflow.transition(order, actor=actor, name="result", method=order.record_result,
                        refused=REFUSED, note=result[:500], handling=handling, advice=(advice or "").strip(),
                        result=result, at=timezone.now())  # fmt: skip
    workflow.after_commit(
        notify, recipients=[order.work_order.requester, order.engineer],
        subject=_("[%(number)s] The vendor recorded a result: please confirm") % {"number": order.number},
        body=result, url=order.get_absolute_url(),
    )  # fmt: skip
    return order


@transaction.atomic
def vendor_order_confirm(
    *, actor, order, lock_version, name: str = "", confirmed_at=None
) -> VendorOrder:
    """The client confirms the vendor's result: the user in the portal, or the desk records
    who confirmed and when."""
    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "confirm"))
    if actor.pk == order.work_order.requester_id:
        name, confirmed_at = c.person_name(actor), None
    name = c.required(name, "name", _("Who confirmed for the client?"))
    confirmed_at = c.not_in_future(confirmed_at, "confirmed_at")
    if order.result_at and confirmed_at < order.result_at:
        raise ValidationError(
            {"confirmed_at": _("The client cannot confirm before the vendor recorded a result.")}
        )
    workflow.transition(order, actor=actor, name="confirm", method=order.confirm, refused=REFUSED,
                        note=name, confirmer=name, at=confirmed_at)  # fmt: skip
    workflow.after_commit(
        notify, recipients=[order.engineer],
        subject=_("[%(number)s] Verify the vendor's work") % {"number": order.number},
        body=order.result, url=order.get_absolute_url(),
    )  # fmt: skip
    return order


@transaction.atomic
def vendor_order_verify(
    *, actor, order, lock_version, passed: bool, reason: str = ""
) -> Nonconformance | None:
    """The engineer of the order verifies. Pass: done, back with its work order to the
    supervisor. Fail: a nonconformance (time, reason, work order number) is recorded, the
    order goes back to the vendor, and the vendor's third nonconformance in a calendar
    month drafts the blacklist application. Returns the nonconformance, if any."""
    from ..tasks import mail_vendor_order
    from .blacklist import blacklist_draft_if_due

    order = workflow.lock(order, expected=lock_version, conflict=CONFLICT)
    workflow.require(vendor_order_refusal(actor, order, "verify"))
    at = timezone.now()
    if passed:
        workflow.transition(order, actor=actor, name="verify", method=order.verify_pass,
                            refused=REFUSED, note=(reason or "").strip(), at=at)  # fmt: skip
        workflow.after_commit(
            notify, recipients=c.supervisors(),
            subject=_("[%(number)s] Vendor work verified") % {"number": order.number},
            body=_("Work order %(wo)s") % {"wo": order.work_order.number},
            url=order.get_absolute_url(), mail=False,
        )  # fmt: skip
        return None
    reason = c.required(reason, "reason", _("Say why the vendor's work fails verification."))
    workflow.transition(order, actor=actor, name="verify_fail", method=order.verify_fail,
                        refused=REFUSED, note=reason, at=at)  # fmt: skip
    record = Nonconformance.objects.create(
        vendor=order.vendor,
        vendor_order=order,
        work_order_number=order.work_order.number,
        occurred_at=at,
        reason=reason,
        recorded_by=actor,
    )
    c.log_create(record, actor)
    blacklist_draft_if_due(vendor=order.vendor, at=at)
    workflow.after_commit(mail_vendor_order.delay, order.pk)
    return record
