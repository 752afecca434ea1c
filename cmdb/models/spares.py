from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.workflow import LockVersioned
from servicedesk.models import Location

from ..choices import CIStatus, RequisitionStatus
from ..permissions import RequisitionQuerySet, SpareUnitLoanQuerySet, StockQuerySet
from .items import ConfigurationItem


class PartType(models.Model):
    """A kind of spare part kept in stock (内存条 8G DDR4, 硒鼓 CF226A…)."""

    name = models.CharField(_("name"), max_length=100)
    model = models.CharField(_("model"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=10, default="个")
    unit_cost = models.DecimalField(
        _("unit cost (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Charged to the department that consumes a unit; empty: the part is within the "
            "contract's stock and not costed."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("spare part type")
        verbose_name_plural = _("spare part types")
        ordering = ["name", "model"]
        constraints = [
            models.UniqueConstraint(fields=["name", "model"], name="cmdb_parttype_unique")
        ]

    def __str__(self):
        return f"{self.name} {self.model}".strip()


class Stock(models.Model):
    """How many of a part lie at a location, and the level agreed with the client.

    `quantity` only changes through conditional UPDATEs with F() (cmdb.services.spares),
    so two issues at once never take it below zero; the check constraint backs that up.
    `low_alerted_at` is set when the low-stock alert goes out and cleared on restock, so
    the alert is sent once per shortage.
    """

    part_type = models.ForeignKey(
        PartType, verbose_name=_("part type"), on_delete=models.PROTECT, related_name="stock"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    minimum_level = models.PositiveIntegerField(_("minimum level"), default=0)
    low_alerted_at = models.DateTimeField(_("low-stock alert sent"), null=True, blank=True)

    objects = StockQuerySet.as_manager()

    class Meta:
        verbose_name = _("spare stock")
        verbose_name_plural = _("spare stock")
        ordering = ["part_type__name", "part_type__model"]
        constraints = [
            models.UniqueConstraint(fields=["part_type", "location"], name="cmdb_stock_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="cmdb_stock_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.part_type} @ {self.location}"

    @property
    def is_low(self) -> bool:
        return self.quantity < self.minimum_level


class Requisition(NumberedModel, LockVersioned, TimeStampedModel):
    """A spare-part requisition (备件领用单) for a work order.

    The work order is kept by its number: the CMDB must not import the incidents app;
    the service checks the number exists when that app is installed.
    """

    FORM_KEY = "spare_requisition"
    FORM_CODE_DEFAULT = "D0601"

    stock = models.ForeignKey(
        Stock, verbose_name=_("stock"), on_delete=models.PROTECT, related_name="requisitions"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    work_order_number = models.CharField(_("work order number"), max_length=64, db_index=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = FSMField(
        _("status"),
        max_length=12,
        choices=RequisitionStatus.choices,
        default=RequisitionStatus.REQUESTED,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Stamped by the services: the work order's department when requested, and the
    # quantity times the part type's unit cost when the parts are consumed.
    department = models.ForeignKey(
        "servicedesk.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cost = models.DecimalField(
        _("cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    objects = RequisitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("spare requisition")
        verbose_name_plural = _("spare requisitions")
        ordering = ["-created_at"]
        permissions = [("approve_requisition", _("Can approve spare requisitions"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="cmdb_requisition_quantity_positive"
            )
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("cmdb:requisition_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return RequisitionStatus(self.status).colour

    @transition(field=status, source=RequisitionStatus.REQUESTED, target=RequisitionStatus.APPROVED)
    def approve(self, *, by, at):
        self.approved_by, self.approved_at = by, at

    @transition(field=status, source=RequisitionStatus.REQUESTED, target=RequisitionStatus.REJECTED)
    def reject(self, *, at):
        self.closed_at = at

    @transition(field=status, source=RequisitionStatus.APPROVED, target=RequisitionStatus.ISSUED)
    def issue(self, *, at):
        self.issued_at = at

    @transition(field=status, source=RequisitionStatus.ISSUED, target=RequisitionStatus.RETURNED)
    def return_to_stock(self, *, at):
        self.closed_at = at

    @transition(field=status, source=RequisitionStatus.ISSUED, target=RequisitionStatus.CONSUMED)
    def consume(self, *, at, cost=None):
        self.closed_at, self.cost = at, cost


class SpareUnitLoan(TimeStampedModel):
    """A spare unit (备机) lent to a user while their own device is in repair.

    `previous` keeps the spare's location, department and responsible user from before
    the loan, so the return puts it back exactly as it was.
    """

    spare = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("spare unit"),
        on_delete=models.PROTECT,
        related_name="loans",
        limit_choices_to={"status__in": [CIStatus.SPARE, CIStatus.IN_USE]},
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lent to"), on_delete=models.PROTECT,
        related_name="spare_loans",
    )  # fmt: skip
    device_in_repair = models.ForeignKey(
        ConfigurationItem, verbose_name=_("device in repair"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="covering_loans",
    )  # fmt: skip
    work_order_number = models.CharField(_("work order number"), max_length=64, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lent by"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    lent_at = models.DateTimeField(_("lent at"))
    due_back = models.DateField(_("due back"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True, db_index=True)
    previous = models.JSONField(default=dict, blank=True, editable=False)

    objects = SpareUnitLoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("spare unit loan")
        verbose_name_plural = _("spare unit loans")
        ordering = ["-lent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["spare"],
                condition=models.Q(returned_at__isnull=True),
                name="cmdb_one_open_loan_per_spare",
                violation_error_message=_("This spare unit is already lent out."),
            )
        ]

    def __str__(self):
        return f"{self.spare_id} → {self.borrower_id}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None
