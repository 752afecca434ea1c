"""Out-of-warranty parts: at least two supplier quotes, the user's choice, the supervisor's
approval, then the replacement with its cost kept for the monthly summary."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import QuoteStatus
from ..models import MIN_QUOTES, PartPurchase, PartQuote
from ..permissions import part_refusal, repair_refusal
from . import _common as c

CONFLICT = _("This part purchase was changed by someone else. Reload it and try again.")
REFUSED = _("A part purchase that is “%(status)s” cannot do this.")


@transaction.atomic
def part_purchase_create(*, actor, repair, part: str) -> PartPurchase:
    workflow.require(repair_refusal(actor, repair, "quote"))
    if repair.kind != "third_party":
        raise ValidationError(_("Parts for in-warranty repairs come from the manufacturer."))
    purchase = PartPurchase.objects.create(
        repair=repair, part=c.required(part, "part", _("Name the part.")), created_by=actor
    )
    c.log_create(purchase, actor)
    return purchase


@transaction.atomic
def part_quote_add(*, actor, purchase, supplier, part: str, price, lead_days: int) -> PartQuote:
    purchase = workflow.lock(purchase, expected=None)
    workflow.require(part_refusal(actor, purchase, "quote"))
    if purchase.status != QuoteStatus.COLLECTING:
        raise workflow.IllegalTransition(REFUSED % {"status": purchase.get_status_display()})
    if price is None or price < 0:
        raise ValidationError({"price": _("Give the quoted price.")})
    quote = PartQuote(purchase=purchase, supplier=supplier, part=c.required(part, "part", _("Name the part.")),
                      price=price, lead_days=lead_days)  # fmt: skip
    quote.full_clean()
    quote.save()
    workflow.save(purchase)
    return quote


@transaction.atomic
def part_choose(*, actor, purchase, lock_version, quote, name: str = "") -> PartPurchase:
    """The user's choice among at least two quotes (the user, or the desk recording it)."""
    purchase = workflow.lock(purchase, expected=lock_version, conflict=CONFLICT)
    workflow.require(part_refusal(actor, purchase, "choose"))
    count = purchase.quotes.count()
    if count < MIN_QUOTES:
        raise ValidationError(
            _("At least %(min)s supplier quotes are needed; there are %(count)s.")
            % {"min": MIN_QUOTES, "count": count}
        )
    if quote.purchase_id != purchase.pk:
        raise ValidationError({"quote": _("Choose one of this purchase's quotes.")})
    if actor.pk == purchase.repair.work_order.requester_id:
        name = c.person_name(actor)
    name = c.required(name, "name", _("Who chose for the user?"))
    workflow.transition(purchase, actor=actor, name="choose", method=purchase.choose, refused=REFUSED,
                        note=name, quote=quote, chooser=name, at=timezone.now())  # fmt: skip
    return purchase


@transaction.atomic
def part_approve(*, actor, purchase, lock_version) -> PartPurchase:
    purchase = workflow.lock(purchase, expected=lock_version, conflict=CONFLICT)
    workflow.require(part_refusal(actor, purchase, "approve"))
    workflow.transition(purchase, actor=actor, name="approve", method=purchase.approve,
                        refused=REFUSED, by=actor, at=timezone.now())  # fmt: skip
    return purchase


@transaction.atomic
def part_replace(*, actor, purchase, lock_version) -> PartPurchase:
    """The part is fitted; the chosen quote's price is kept as its cost."""
    purchase = workflow.lock(purchase, expected=lock_version, conflict=CONFLICT)
    workflow.require(part_refusal(actor, purchase, "replace"))
    workflow.transition(purchase, actor=actor, name="replace", method=purchase.replace,
                        refused=REFUSED, at=timezone.now(), cost=purchase.chosen.price if purchase.chosen_id else None)  # fmt: skip
    return purchase
