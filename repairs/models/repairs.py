"""The repair send-out (设备送修单) and its progress reports."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import DataHandling, RepairKind, RepairStatus


class RepairOrderQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action):
        from ..permissions import repair_scope

        return repair_scope(self, user, action)


class RepairOrder(LockVersioned, NumberedModel, TimeStampedModel):
    """A device sent out for repair from a work order.

    Due dates are dates in the client's working calendar, computed when the device
    leaves: `due_back_on` (third-party: 15 working days), `desk_due_on` (at the user's
    desk before the second weekend after sending) and, for in-warranty repairs,
    `progress_due_on`, the next written progress report (every 3 working days). The
    scans compare them with today; `*_notified_on` remember which due point was told.
    """

    FORM_KEY = "repair_order"
    FORM_CODE_DEFAULT = "D0701"

    work_order = models.ForeignKey(
        "incidents.WorkOrder", verbose_name=_("work order"), on_delete=models.PROTECT,
        related_name="repair_orders",
    )  # fmt: skip
    device = models.ForeignKey(
        "cmdb.ConfigurationItem", verbose_name=_("device"), on_delete=models.PROTECT,
        related_name="repair_orders",
    )  # fmt: skip
    fault = models.TextField(_("fault"))
    kind = models.CharField(_("repair type"), max_length=12, choices=RepairKind.choices)
    vendor = models.ForeignKey(
        "repairs.Vendor", verbose_name=_("vendor"), on_delete=models.PROTECT,
        related_name="repair_orders",
    )  # fmt: skip
    repair_point = models.CharField(_("repair point"), max_length=200)
    carrier = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    planned_send_on = models.DateField(_("planned sending date"))
    data_handling = models.CharField(
        _("data security"), max_length=10, choices=DataHandling.choices
    )
    data_record = models.TextField(
        _("data security record"), blank=True,
        help_text=_("How the storage was wiped, or which seal numbers were used."),
    )  # fmt: skip
    consent_by = models.CharField(_("user's consent given by"), max_length=50, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    spare_loan = models.OneToOneField(
        "cmdb.SpareUnitLoan", verbose_name=_("spare unit lent"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="repair_order",
    )  # fmt: skip
    status = FSMField(
        _("status"), max_length=12, choices=RepairStatus.choices,
        default=RepairStatus.PREPARED, db_index=True,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    due_back_on = models.DateField(_("due back"), null=True, blank=True, db_index=True)
    desk_due_on = models.DateField(
        _("due at the user's desk"), null=True, blank=True, db_index=True
    )
    progress_due_on = models.DateField(
        _("next progress report due"), null=True, blank=True, db_index=True
    )
    progress_reminded_on = models.DateField(null=True, blank=True, editable=False)
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    return_note = models.TextField(_("return note"), blank=True)
    repair_cost = models.DecimalField(
        _("repair charge (yuan)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "What the vendor charged for the repair (parts bought separately not included); "
            "empty: nothing charged."
        ),
    )

    objects = RepairOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("repair send-out")
        verbose_name_plural = _("repair send-outs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(data_handling="sealed") | ~models.Q(consent_by=""),
                name="repairs_sealed_needs_consent",
            ),
            models.CheckConstraint(
                condition=~models.Q(data_handling="wiped") | ~models.Q(data_record=""),
                name="repairs_wiped_needs_record",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("repairs:repair_detail", args=[self.pk])

    @property
    def status_colour(self):
        return RepairStatus(self.status).colour

    @property
    def due_on(self):
        """The earliest date the repair must meet (back at the desk, or back from repair)."""
        dates = [d for d in (self.due_back_on, self.desk_due_on) if d]
        return min(dates) if dates else None

    def is_overdue(self, today) -> bool:
        return self.status == RepairStatus.SENT and self.due_on is not None and self.due_on < today

    @transition(field=status, source=RepairStatus.PREPARED, target=RepairStatus.SENT)
    def send(self, *, at, due_back_on, desk_due_on, progress_due_on):
        self.sent_at = at
        self.due_back_on, self.desk_due_on = due_back_on, desk_due_on
        self.progress_due_on = progress_due_on

    @transition(field=status, source=RepairStatus.SENT, target=RepairStatus.RETURNED)
    def return_device(self, *, at, by, remark):
        self.returned_at, self.returned_by, self.return_note = at, by, remark
        self.progress_due_on = None

    @transition(field=status, source=RepairStatus.PREPARED, target=RepairStatus.CANCELLED)
    def cancel(self):
        pass


class ProgressReport(TimeStampedModel):
    """A written progress report on an in-warranty repair, to the user and the information
    department (every 3 working days)."""

    repair = models.ForeignKey(
        RepairOrder, verbose_name=_("repair"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(_("reported on"))
    text = models.TextField(_("progress"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["reported_on", "pk"]
