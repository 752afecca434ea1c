"""Spare parts (备件库) and spare units (备机).

Stock only moves through conditional UPDATEs with F(): an issue takes parts only if
enough are there (`quantity >= n` in the same statement), so concurrent issues can never
drive it below zero; a refusal says how many are left. The low-stock alert goes out
once per shortage: it claims `low_alerted_at` with a conditional UPDATE, and a restock
to the minimum clears it.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from itsm.services import transition_record
from servicedesk.choices import Role
from servicedesk.notifications import notify

from ..choices import CIStatus
from ..models import ConfigurationItem, Requisition, SpareUnitLoan, Stock
from . import ci_update

REQUEST_PERM = "cmdb.add_requisition"
APPROVE_PERM = "cmdb.approve_requisition"
ISSUE_PERM = "cmdb.change_requisition"
LOAN_PERM = "cmdb.add_spareunitloan"


class SpareError(ValidationError):
    pass


def _require(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied(_("You may not do this with spare parts."))


def work_order_exists(number: str) -> bool:
    """True if a work order has this number (or the incidents app is not installed).

    Looked up at run time: the CMDB does not import the incidents app.
    """
    try:
        model = apps.get_model("incidents", "WorkOrder")
    except LookupError:
        return True
    return model.objects.filter(number=number.strip()).exists()


# --- Stock -----------------------------------------------------------------------------


def stock_take(*, stock: Stock, quantity: int) -> Stock:
    """Take `quantity` parts out of stock, never below zero (SpareError with what is left)."""
    if quantity < 1:
        raise SpareError(_("The quantity must be at least 1."))
    taken = Stock.objects.filter(pk=stock.pk, quantity__gte=quantity).update(
        quantity=F("quantity") - quantity
    )
    stock.refresh_from_db(fields=["quantity", "minimum_level", "low_alerted_at"])
    if not taken:
        raise SpareError(
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


def stock_add(*, stock: Stock, quantity: int, actor=None) -> Stock:
    """Put parts into stock (restock or a return); a stock back at its minimum may alert again."""
    if quantity < 1:
        raise SpareError(_("The quantity must be at least 1."))
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


def _transition(requisition: Requisition, actor, name: str, note: str = "", **kwargs) -> None:
    source = requisition.status
    try:
        getattr(requisition, name)(**kwargs)
    except TransitionNotAllowed as exc:
        raise SpareError(
            _("A requisition that is “%(status)s” cannot do this.")
            % {"status": requisition.get_status_display()}
        ) from exc
    requisition.save()
    transition_record(
        subject=requisition,
        transition=name,
        source=source,
        target=requisition.status,
        actor=actor,
        note=note,
    )


def _locked(requisition: Requisition) -> Requisition:
    return (
        Requisition.objects.select_for_update()
        .select_related("stock__part_type")
        .get(pk=requisition.pk)
    )


@transaction.atomic
def requisition_create(
    *, actor, stock: Stock, quantity: int, work_order_number: str, note: str = ""
) -> Requisition:
    """A requested requisition for an existing work order's number."""
    _require(actor, REQUEST_PERM)
    number = (work_order_number or "").strip()
    if not number or not work_order_exists(number):
        raise SpareError(
            {"work_order_number": _("No work order %(number)s.") % {"number": number[:64]}}
        )
    requisition = Requisition(
        stock=stock,
        quantity=quantity,
        work_order_number=number,
        note=note,
        requested_by=actor,
    )
    requisition.full_clean(exclude=["number"])
    requisition.save()
    transition_record(
        subject=requisition, transition="request", source="", target=requisition.status, actor=actor
    )
    return requisition


@transaction.atomic
def requisition_approve(*, requisition: Requisition, actor) -> Requisition:
    _require(actor, APPROVE_PERM)
    requisition = _locked(requisition)
    _transition(requisition, actor, "approve", by=actor, at=timezone.now())
    notify(
        recipients=[requisition.requested_by],
        subject=_("Requisition %(number)s approved") % {"number": requisition.number},
        url=requisition.get_absolute_url(),
    )
    return requisition


@transaction.atomic
def requisition_reject(*, requisition: Requisition, actor, note: str = "") -> Requisition:
    _require(actor, APPROVE_PERM)
    requisition = _locked(requisition)
    _transition(requisition, actor, "reject", note=note, at=timezone.now())
    return requisition


@transaction.atomic
def requisition_issue(*, requisition: Requisition, actor) -> Requisition:
    """Hand the parts out: stock goes down now, or the issue is refused (never below zero)."""
    _require(actor, ISSUE_PERM)
    requisition = _locked(requisition)
    _transition(requisition, actor, "issue", at=timezone.now())
    stock_take(stock=requisition.stock, quantity=requisition.quantity)
    return requisition


@transaction.atomic
def requisition_return(*, requisition: Requisition, actor, note: str = "") -> Requisition:
    """The parts were not needed: back into stock."""
    _require(actor, ISSUE_PERM)
    requisition = _locked(requisition)
    _transition(requisition, actor, "return_to_stock", note=note, at=timezone.now())
    stock_add(stock=requisition.stock, quantity=requisition.quantity, actor=actor)
    return requisition


@transaction.atomic
def requisition_consume(*, requisition: Requisition, actor, note: str = "") -> Requisition:
    """The parts went into the repair."""
    _require(actor, ISSUE_PERM)
    requisition = _locked(requisition)
    _transition(requisition, actor, "consume", note=note, at=timezone.now())
    return requisition


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
    _require(actor, LOAN_PERM)
    spare = ConfigurationItem.objects.select_for_update().get(pk=spare.pk)
    if spare.status != CIStatus.SPARE:
        raise SpareError(_("Only an item with the status “spare” can be lent."))
    number = (work_order_number or "").strip()
    if number and not work_order_exists(number):
        raise SpareError(
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
    ci_update(ci=spare, reason=_("spare loan to %(user)s") % {"user": borrower}, **changes)
    return loan


@transaction.atomic
def spare_return(*, loan: SpareUnitLoan, actor) -> SpareUnitLoan:
    """The spare comes back: status spare, and its place and owner from before the loan."""
    _require(actor, "cmdb.change_spareunitloan")
    claimed = SpareUnitLoan.objects.filter(pk=loan.pk, returned_at__isnull=True).update(
        returned_at=timezone.now()
    )
    if not claimed:
        raise SpareError(_("This spare unit was returned already."))
    loan.refresh_from_db()
    previous = loan.previous or {}
    ci_update(
        ci=ConfigurationItem.objects.get(pk=loan.spare_id),
        reason=_("spare returned by %(user)s") % {"user": loan.borrower},
        status=CIStatus.SPARE,
        location_id=previous.get("location"),
        department_id=previous.get("department"),
        responsible_id=previous.get("responsible"),
    )
    return loan
