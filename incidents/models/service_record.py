from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import ConfirmationMethod, ServiceRecordStatus


class ServiceRecordQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        # Derived from the work order's one rule (incidents.permissions.work_order_q),
        # so whoever sees the order sees its records and no one else does.
        from ..permissions import service_record_q

        return self.filter(service_record_q(user, action))


class ServiceRecord(LockVersioned, TimeStampedModel):
    """A 运行服务单: the record of one on-site visit for a work order (§3.2 C, §6.3.3).

    Completed by three parties: the engineer writes what was done, the served user
    confirms it (in the portal, or by signing the printed form the engineer records),
    and the desk reviews the returned record (accepted, or returned with a reason) before
    the callback. Numbered as a linked form: `D0302-<work order number>`, then `-02`…
    for further visits.
    """

    FORM_KEY = "work_order_tracking"
    FORM_CODE_DEFAULT = "D0302"

    number = models.CharField(_("number"), max_length=80, unique=True, editable=False)
    work_order = models.ForeignKey(
        "incidents.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.CASCADE,
        related_name="service_records",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    arrived_at = models.DateTimeField(_("arrived at"))
    left_at = models.DateTimeField(_("left at"))
    work_done = models.TextField(_("work done"))
    parts_used = models.TextField(
        _("other parts used"),
        blank=True,
        help_text=_("Parts not issued from the spare stock, one per line."),
    )
    # The spare requisitions (备件领用单) of this work order issued or consumed by the
    # visit: linked when the record is written, so the parts come from the stock records.
    requisitions = models.ManyToManyField(
        "cmdb.Requisition",
        verbose_name=_("spare parts from stock"),
        blank=True,
        related_name="+",
    )

    confirmed_at = models.DateTimeField(_("confirmed by the user at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmation recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmation_method = models.CharField(
        _("confirmed"), max_length=10, choices=ConfirmationMethod.choices, blank=True
    )
    confirmation_note = models.CharField(_("user's remark"), max_length=300, blank=True)

    status = FSMField(
        _("review"),
        max_length=12,
        choices=ServiceRecordStatus.choices,
        default=ServiceRecordStatus.SUBMITTED,
        db_index=True,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["arrived_at", "pk"]
        indexes = [models.Index(fields=["work_order", "status"], name="service_record_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_at__gte=models.F("arrived_at")),
                name="service_record_left_after_arrival",
                violation_error_message=_("The engineer cannot leave before arriving."),
            )
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        if not self.number:
            from itsm.services import form_code_get, linked_number_allocate

            code = form_code_get(key=self.FORM_KEY, default=self.FORM_CODE_DEFAULT)
            self.number = linked_number_allocate(code=code, parent_number=self.work_order.number)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("incidents:service_record", args=[self.number])

    @property
    def status_colour(self) -> str:
        return ServiceRecordStatus(self.status).colour

    @property
    def minutes_on_site(self) -> int:
        """Time on site in whole minutes (from arrival to leaving)."""
        return int((self.left_at - self.arrived_at).total_seconds() // 60)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    # --- review: state and stamps only --------------------------------------------------
    @transition(
        field=status, source=ServiceRecordStatus.SUBMITTED, target=ServiceRecordStatus.ACCEPTED
    )
    def accept(self, *, by, at):
        self.reviewed_by, self.reviewed_at, self.return_reason = by, at, ""

    @transition(
        field=status, source=ServiceRecordStatus.SUBMITTED, target=ServiceRecordStatus.RETURNED
    )
    def send_back(self, *, by, at, reason):
        self.reviewed_by, self.reviewed_at, self.return_reason = by, at, reason

    @transition(
        field=status, source=ServiceRecordStatus.RETURNED, target=ServiceRecordStatus.SUBMITTED
    )
    def resubmit(self):
        self.reviewed_by, self.reviewed_at = None, None
