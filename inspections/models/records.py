from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.workflow import LockVersioned

from ..choices import RESULT_COLOURS, DiscrepancyField, DiscrepancyStatus, ItemResult
from .querysets import DiscrepancyQuerySet, RecordQuerySet


def _photo_path(instance, filename):
    # Our own name: the uploaded one may hold anything.
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"inspections/photos/{instance.record_id}/{instance.order}{suffix}"


class InspectionRecord(NumberedModel, TimeStampedModel, LockVersioned):
    """巡检记录表: one device inspected on one round (form D0802).

    Saved on its own per device, so a dropped connection loses at most the device in hand.
    Locked once the plan's report is approved.
    """

    FORM_KEY = "inspection_record"
    FORM_CODE_DEFAULT = "D0802"

    plan = models.ForeignKey(
        "inspections.InspectionPlan",
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    round = models.ForeignKey(
        "inspections.InspectionRound",
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    ci = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        related_name="inspection_records",
    )
    checklist = models.ForeignKey(
        "inspections.ChecklistTemplate",
        verbose_name=_("checklist"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="inspection_records",
    )
    inspected_at = models.DateTimeField(_("inspected at"))
    note = models.TextField(_("note"), blank=True)
    software_observed = models.TextField(
        _("office software in use"),
        blank=True,
        help_text=_("The monthly office-software census: one product per line."),
    )
    on_paper = models.BooleanField(_("typed in from a paper round"), default=False)
    # The id an offline phone gave the record: a resent sync finds it instead of adding twice.
    client_id = models.CharField(_("client id"), max_length=64, null=True, blank=True, unique=True)
    locked = models.BooleanField(_("locked"), default=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")
        ordering = ["-inspected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "ci"],
                name="insp_record_one_per_device_round",
                violation_error_message=_("This device already has a record in this round."),
            )
        ]
        indexes = [models.Index(fields=["plan", "ci"], name="insp_record_plan_ci")]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:record_detail", args=[self.pk])


class ResultLine(models.Model):
    """One checklist item's result on one record (or one facility check), with the item's
    text and limit as they were."""

    record = models.ForeignKey(
        InspectionRecord,
        verbose_name=_("record"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lines",
    )
    facility_check = models.ForeignKey(
        "inspections.FacilityCheck",
        verbose_name=_("facility check"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lines",
    )
    item = models.ForeignKey(
        "inspections.ChecklistItem",
        verbose_name=_("checklist item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=200)
    result = models.CharField(_("result"), max_length=4, choices=ItemResult.choices)
    measured_value = models.DecimalField(
        _("measured value"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    limit = models.CharField(_("limit"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    photo = models.FileField(_("photo"), upload_to=_photo_path, max_length=200, blank=True)
    # Server time, device tag and engineer, stamped when the photo arrives.
    photo_caption = models.CharField(_("photo caption"), max_length=200, blank=True)
    work_order = models.ForeignKey(
        "incidents.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_lines",
    )
    problem = models.ForeignKey(
        "problems.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_lines",
    )

    class Meta:
        verbose_name = _("result line")
        verbose_name_plural = _("result lines")
        ordering = ["record", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "order"], name="insp_line_unique_order"),
            models.UniqueConstraint(
                fields=["facility_check", "order"], name="insp_line_unique_order_facility"
            ),
            models.CheckConstraint(
                condition=Q(record__isnull=False, facility_check__isnull=True)
                | Q(record__isnull=True, facility_check__isnull=False),
                name="insp_line_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.text}: {self.get_result_display()}"

    @property
    def result_colour(self) -> str:
        return RESULT_COLOURS.get(self.result, "secondary")


class Discrepancy(TimeStampedModel):
    """A value seen on site that differs from the CMDB, for the configuration manager."""

    record = models.ForeignKey(
        InspectionRecord,
        verbose_name=_("record"),
        on_delete=models.CASCADE,
        related_name="discrepancies",
    )
    ci = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        related_name="inspection_discrepancies",
    )
    field = models.CharField(_("what differs"), max_length=20, choices=DiscrepancyField.choices)
    cmdb_value = models.CharField(_("in the CMDB"), max_length=500, blank=True)
    observed_value = models.CharField(_("seen on site"), max_length=500)
    # The id behind the observed value (a user or location pk) when there is one.
    observed_ref = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DiscrepancyStatus.choices,
        default=DiscrepancyStatus.OPEN,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    objects = DiscrepancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("configuration discrepancy")
        verbose_name_plural = _("configuration discrepancies")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_field_display()}: {self.cmdb_value} → {self.observed_value}"
