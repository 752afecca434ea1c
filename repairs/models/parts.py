"""Out-of-warranty parts: quotes from several suppliers, the user's choice, approval, cost."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import QuoteStatus

MIN_QUOTES = 2


class PartPurchaseQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        from ..permissions import part_scope

        return part_scope(self, user, action)


class PartPurchase(LockVersioned, NumberedModel, TimeStampedModel):
    """A replacement part for an out-of-warranty repair (购件比价)."""

    FORM_KEY = "repair_part"
    FORM_CODE_DEFAULT = "D0707"

    repair = models.ForeignKey(
        "repairs.RepairOrder", verbose_name=_("repair send-out"), on_delete=models.PROTECT,
        related_name="parts",
    )  # fmt: skip
    part = models.CharField(_("part"), max_length=200)
    status = FSMField(
        _("status"), max_length=12, choices=QuoteStatus.choices,
        default=QuoteStatus.COLLECTING, db_index=True,
    )  # fmt: skip
    chosen = models.ForeignKey(
        "repairs.PartQuote", verbose_name=_("chosen quote"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    chosen_by_name = models.CharField(_("chosen by (user)"), max_length=50, blank=True)
    chosen_at = models.DateTimeField(_("chosen at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=10, decimal_places=2, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    objects = PartPurchaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("part purchase")
        verbose_name_plural = _("part purchases")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.number} {self.part}"

    def get_absolute_url(self):
        return reverse("repairs:repair_detail", args=[self.repair_id])

    @transition(field=status, source=QuoteStatus.COLLECTING, target=QuoteStatus.CHOSEN)
    def choose(self, *, quote, chooser, at):
        self.chosen, self.chosen_by_name, self.chosen_at = quote, chooser, at

    @transition(field=status, source=QuoteStatus.CHOSEN, target=QuoteStatus.APPROVED)
    def approve(self, *, by, at):
        self.approved_by, self.approved_at = by, at

    @transition(field=status, source=QuoteStatus.APPROVED, target=QuoteStatus.REPLACED)
    def replace(self, *, at, cost):
        self.replaced_at, self.cost = at, cost


class PartQuote(TimeStampedModel):
    purchase = models.ForeignKey(
        PartPurchase, verbose_name=_("part purchase"), on_delete=models.CASCADE,
        related_name="quotes",
    )  # fmt: skip
    supplier = models.ForeignKey(
        "cmdb.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    part = models.CharField(_("part offered"), max_length=200)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    lead_days = models.PositiveSmallIntegerField(_("lead time (days)"))

    class Meta:
        verbose_name = _("part quote")
        verbose_name_plural = _("part quotes")
        ordering = ["price", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="repairs_quote_price")
        ]

    def __str__(self):
        return f"{self.supplier} {self.price}"
