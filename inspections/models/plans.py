from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import NumberedModel, TimeStampedModel

from .flow import ApprovalFlow
from .querysets import PlanQuerySet


class InspectionPlan(NumberedModel, TimeStampedModel, ApprovalFlow):
    """巡检工作计划: one month's inspections of a scope, approved by three parties.

    Form D0801 (code editable as FormCode `inspection_plan`).
    """

    FORM_KEY = "inspection_plan"
    FORM_CODE_DEFAULT = "D0801"

    period = models.DateField(_("month"), help_text=_("The first day of the month inspected."))
    title = models.CharField(_("title"), max_length=200)
    locations = models.ManyToManyField(
        "servicedesk.Location", verbose_name=_("locations"), blank=True, related_name="+"
    )
    departments = models.ManyToManyField(
        "servicedesk.Department", verbose_name=_("departments"), blank=True, related_name="+"
    )
    ci_classes = models.ManyToManyField(
        "cmdb.CIClass", verbose_name=_("classes"), blank=True, related_name="+"
    )
    engineers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineers"),
        blank=True,
        related_name="inspection_plans",
    )
    content = models.TextField(_("what is inspected"), blank=True)
    resources = models.TextField(_("resources needed"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        related_name="drafted_inspection_plans",
    )
    # The plan this one was made from on the 20th: one successor each, so the monthly
    # task cannot make a second draft however often it runs.
    previous = models.OneToOneField(
        "self",
        verbose_name=_("made from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_plan",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-period", "-id"]
        indexes = [models.Index(fields=["period", "status"], name="insp_plan_period_status")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("inspections:plan_detail", args=[self.pk])


class InspectionRound(models.Model):
    """One day's route of a plan: a building and floor for an engineer."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="rounds"
    )
    day = models.DateField(_("day"))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_rounds",
    )
    building = models.ForeignKey(
        "servicedesk.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    floor = models.CharField(_("floor"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")
        ordering = ["day", "building__name", "floor", "pk"]
        indexes = [models.Index(fields=["day", "engineer"], name="insp_round_day_engineer")]

    def __str__(self):
        where = " ".join(
            str(p) for p in (self.building or "", self.floor and f"{self.floor}F") if p
        )
        return f"{self.day:%Y-%m-%d} {where}".strip()

    def get_absolute_url(self):
        return reverse("inspections:round", args=[self.pk])


class PlanDevice(models.Model):
    """A device in a plan's scope, on one round's route."""

    plan = models.ForeignKey(
        InspectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="devices"
    )
    ci = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        related_name="inspection_plan_entries",
    )
    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="devices",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    priority_reason = models.CharField(
        _("inspect first because"),
        max_length=200,
        blank=True,
        help_text=_("Key device, or repeated faults in the last three months."),
    )
    added_on_site = models.BooleanField(
        _("added on site"),
        default=False,
        help_text=_("Scanned during a round although it was not in the plan."),
    )
    not_reached_reason = models.CharField(
        _("why not reached"),
        max_length=200,
        blank=True,
        help_text=_("For the report: why the device was not inspected this month."),
    )

    class Meta:
        verbose_name = _("device in plan")
        verbose_name_plural = _("devices in plan")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ci"], name="insp_plan_device_unique")
        ]

    def __str__(self):
        return f"{self.plan_id}: {self.ci_id}"


class UnknownScan(models.Model):
    """A tag scanned on a round that the CMDB does not know: counted in the report."""

    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="unknown_scans",
    )
    tag = models.CharField(_("asset tag"), max_length=50)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scanned_at = models.DateTimeField(_("scanned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unknown tag scanned")
        verbose_name_plural = _("unknown tags scanned")
        constraints = [
            models.UniqueConstraint(fields=["round", "tag"], name="insp_unknown_scan_once")
        ]

    def __str__(self):
        return self.tag
