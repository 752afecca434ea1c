"""Spare parts (备件库) and spare units (备机).

Stock only moves through conditional UPDATEs with F(): an issue takes parts only if
enough are there (`quantity >= n` in the same statement), so concurrent issues can never
drive it below zero; a refusal says how many are left. The low-stock alert goes out
once per shortage: it claims `low_alerted_at` with a conditional UPDATE, and a restock
to the minimum clears it.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify

from ..choices import CIStatus
from ..models import ConfigurationItem, Requisition, SpareUnitLoan, Stock
from ..permissions import loan_refusal, requisition_refusal, stock_refusal
from . import _ci_update

REQUISITION_CONFLICT = gettext_lazy(
    "This requisition was changed by someone else in the meantime. Reload it and try again."
)
REQUISITION_REFUSED = gettext_lazy("A requisition that is “%(status)s” cannot do this.")


def work_order_exists(number: str) -> bool:
    """True if a work order has this number.

    Looked up by name at run time: the CMDB sits below the incidents app and does not
    import it (the dependency points the other way).
    """
    model = apps.get_model("incidents", "WorkOrder")
    return model.objects.filter(number=number.strip()).exists()


def work_order_department_id(number: str) -> int | None:
    """The department of the work order with this number (looked up by name, as above)."""
    model = apps.get_model("incidents", "WorkOrder")
    return (
        model.objects.filter(number=number.strip()).values_list("department_id", flat=True).first()
    )


# --- Stock -----------------------------------------------------------------------------


def stock_take(*, actor, stock: Stock, quantity: int) -> Stock:
    """Write parts off by hand (a correction): never below zero, ValidationError with what
    is left. Parts for a repair leave through a requisition instead."""
    workflow.require(stock_refusal(actor, stock, "restock"))
    return _take(stock=stock, quantity=quantity)


def stock_add(*, actor, stock: Stock, quantity: int) -> Stock:
    """Restock by hand; a stock back at its minimum may alert again when it runs low."""
    workflow.require(stock_refusal(actor, stock, "restock"))
    return _put(stock=stock, quantity=quantity)


def _take(*, stock: Stock, quantity: int) -> Stock:
    if quantity < 1:
        raise ValidationError(_("The quantity must be at least 1."))
    taken = Stock.objects.filter(pk=stock.pk, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    )
    stock.refresh_from_db(fields=["quantity", "minimum_level", "low_alerted_at"])
    if not taken:
        raise ValidationError(
            _("Only %(left)s %(unit)s of %(part)s in stock; %(wanted)s requested.")
            % {
                "left": stock.quantity,
                "unit": stock.part_type.unit,
                "part": stock.part_type,
                "wanted": quantity,
            }
        )
    _alert_if_low(stock)
    return stock


def _put(*, stock: Stock, quantity: int) -> Stock:
    if quantity < 1:
        raise ValidationError(_("The quantity must be at least 1."))
    Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity)
    Stock.objects.filter(pk=stock.pk, quantity__gte=F("minimum_level")).update(low_alerted_at=None)
    stock.refresh_from_db(fields=["quantity", "minimum_level", "low_alerted_at"])
    return stock


def _alert_if_low(stock: Stock) -> None:
    claimed = Stock.objects.filter(
        pk=stock.pk, quantity__lt=F("minimum_level"), low_alerted_at__isnull=True
    ).update(low_alerted_at=timezone.now())
    if not claimed:
        return
    stock.refresh_from_db(fields=["quantity", "low_alerted_at"])
    supervisors = (
        get_user_model()
        .objects.filter(groups__name__in=[Role.SUPERVISOR, Role.ENGINEER], is_active=True)
        .distinct()
    )
    notify(
        recipients=list(supervisors),
        subject=_("Spare stock low: %(part)s") % {"part": stock.part_type},
        body=_("%(left)s left at %(location)s; the agreed minimum is %(minimum)s.")
        % {"left": stock.quantity, "location": stock.location, "minimum": stock.minimum_level},
        url=reverse("cmdb:spare_stock"),
    )


# --- Requisitions (备件领用单) ---------------------------------------------------------------


def _step(
    requisition: Requisition,
    *,
    actor,
    action: str,
    method: str,
    lock_version: int | None,
    note: str = "",
    **kwargs,
) -> Requisition:
    """The pipeline for one requisition step: lock, check `action`, transition, log."""
    requisition = workflow.lock(requisition, expected=lock_version, conflict=REQUISITION_CONFLICT)
    workflow.require(requisition_refusal(actor, requisition, action))
    workflow.transition(
        requisition,
        actor=actor,
        name=method,
        method=getattr(requisition, method),
        refused=REQUISITION_REFUSED,
        note=note,
        **kwargs,
    )
    return requisition


@transaction.atomic
def requisition_create(
    *, actor, stock: Stock, quantity: int, work_order_number: str, note: str = ""
) -> Requisition:
    """A requested requisition for an existing work order's number."""
    workflow.require(requisition_refusal(actor, None, "create"))
    number = (work_order_number or "").strip()
    if not number or not work_order_exists(number):
        raise ValidationError(
            {"work_order_number": _("No work order %(number)s.") % {"number": number[:64]}}
        )
    requisition = Requisition(
        stock=stock,
        quantity=quantity,
        work_order_number=number,
        note=note,
        requested_by=actor,
        department_id=work_order_department_id(number),
    )
    requisition.full_clean(exclude=["number"])
    requisition.save()
    workflow.log_transition(
        requisition, name="request", source="", target=requisition.status, actor=actor
    )
    return requisition


@transaction.atomic
def requisition_approve(
    *, requisition: Requisition, actor, lock_version: int | None = None
) -> Requisition:
    requisition = _step(
        requisition,
        actor=actor,
        action="approve",
        method="approve",
        lock_version=lock_version,
        by=actor,
        at=timezone.now(),
    )
    # In the same transaction: the notification row is the outbox, its mail goes on commit.
    notify(
        recipients=[requisition.requested_by],
        subject=_("Requisition %(number)s approved") % {"number": requisition.number},
        url=requisition.get_absolute_url(),
    )
    return requisition


@transaction.atomic
def requisition_reject(
    *, requisition: Requisition, actor, note: str = "", lock_version: int | None = None
) -> Requisition:
    return _step(
        requisition,
        actor=actor,
        action="reject",
        method="reject",
        lock_version=lock_version,
        note=note,
        at=timezone.now(),
    )


@transaction.atomic
def requisition_issue(
    *, requisition: Requisition, actor, lock_version: int | None = None
) -> Requisition:
    """Hand the parts out: stock goes down now, or the issue is refused (never below zero)."""
    requisition = _step(
        requisition,
        actor=actor,
        action="issue",
        method="issue",
        lock_version=lock_version,
        at=timezone.now(),
    )
    _take(stock=requisition.stock, quantity=requisition.quantity)
    return requisition


@transaction.atomic
def requisition_return(
    *, requisition: Requisition, actor, note: str = "", lock_version: int | None = None
) -> Requisition:
    """The parts were not needed: back into stock."""
    requisition = _step(
        requisition,
        actor=actor,
        action="return",
        method="return_to_stock",
        lock_version=lock_version,
        note=note,
        at=timezone.now(),
    )
    _put(stock=requisition.stock, quantity=requisition.quantity)
    return requisition


@transaction.atomic
def requisition_consume(
    *, requisition: Requisition, actor, note: str = "", lock_version: int | None = None
) -> Requisition:
    """The parts went into the repair; their cost (quantity × the part type's unit cost,
    when it has one) is charged to the requisition's department."""
    unit_cost = requisition.stock.part_type.unit_cost
    return _step(
        requisition,
        actor=actor,
        action="consume",
        method="consume",
        lock_version=lock_version,
        note=note,
        at=timezone.now(),
        cost=unit_cost * requisition.quantity if unit_cost is not None else None,
    )


# --- Spare units (备机) ----------------------------------------------------------------------


@transaction.atomic
def spare_lend(
    *,
    actor,
    spare: ConfigurationItem,
    borrower,
    due_back=None,
    device_in_repair: ConfigurationItem | None = None,
    work_order_number: str = "",
) -> SpareUnitLoan:
    """Lend a spare unit: it becomes in use, the borrower's, at their place, until returned."""
    workflow.require(loan_refusal(actor, None, "lend"))
    spare = ConfigurationItem.objects.select_for_update().get(pk=spare.pk)
    if spare.status != CIStatus.SPARE:
        raise ValidationError(_("Only an item with the status “spare” can be lent."))
    number = (work_order_number or "").strip()
    if number and not work_order_exists(number):
        raise ValidationError(
            {"work_order_number": _("No work order %(number)s.") % {"number": number[:64]}}
        )
    loan = SpareUnitLoan(
        spare=spare,
        borrower=borrower,
        device_in_repair=device_in_repair,
        work_order_number=number,
        lent_by=actor,
        lent_at=timezone.now(),
        due_back=due_back,
        previous={
            "location": spare.location_id,
            "department": spare.department_id,
            "responsible": spare.responsible_id,
        },
    )
    loan.full_clean()
    loan.save()
    person = getattr(borrower, "person", None)
    changes = {"status": CIStatus.IN_USE, "responsible": borrower}
    if person is not None:
        if person.department_id:
            changes["department_id"] = person.department_id
        if person.location_id:
            changes["location_id"] = person.location_id
    _ci_update(ci=spare, reason=_("spare loan to %(user)s") % {"user": borrower}, **changes)
    return loan


@transaction.atomic
def spare_return(*, loan: SpareUnitLoan, actor) -> SpareUnitLoan:
    """The spare comes back: status spare, and its place and owner from before the loan."""
    workflow.require(loan_refusal(actor, loan, "return"))
    claimed = SpareUnitLoan.objects.filter(pk=loan.pk, returned_at__isnull=True).update(
        returned_at=timezone.now()
    )
    if not claimed:
        raise ValidationError(_("This spare unit was returned already."))
    loan.refresh_from_db()
    previous = loan.previous or {}
    _ci_update(
        ci=ConfigurationItem.objects.get(pk=loan.spare_id),
        reason=_("spare returned by %(user)s") % {"user": loan.borrower},
        status=CIStatus.SPARE,
        location_id=previous.get("location"),
        department_id=previous.get("department"),
        responsible_id=previous.get("responsible"),
    )
    return loan
