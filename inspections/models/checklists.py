from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import FacilityKind


class ChecklistTemplate(models.Model):
    """The checklist for one CI class, or one kind of facility (not a CI), in one version.

    A record points at the version it was filled against and copies each item's text into
    its result lines, so editing a checklist (admin saves a new version once records use
    it) never rewrites what an engineer ticked.
    """

    ci_class = models.ForeignKey(
        "cmdb.CIClass",
        verbose_name=_("class"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_checklists",
    )
    # A building's lightning-protection grid, its UPS room…: checked like a device, on
    # the facility's own schedule (models/facilities.py), with measured values.
    facility_kind = models.CharField(
        _("facility kind"), max_length=20, choices=FacilityKind.choices, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["ci_class__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["ci_class", "version"], name="inspections_checklist_class_version"
            ),
            models.UniqueConstraint(
                fields=["facility_kind", "version"],
                condition=~Q(facility_kind=""),
                name="inspections_checklist_facility_version",
            ),
            models.CheckConstraint(
                condition=Q(ci_class__isnull=False, facility_kind="")
                | Q(ci_class__isnull=True) & ~Q(facility_kind=""),
                name="inspections_checklist_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    def siblings(self):
        """The other versions of the same checklist (same class or facility kind)."""
        if self.ci_class_id:
            return ChecklistTemplate.objects.filter(ci_class_id=self.ci_class_id)
        return ChecklistTemplate.objects.filter(facility_kind=self.facility_kind)


class ChecklistItem(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("item"), max_length=200)
    guidance = models.CharField(_("guidance"), max_length=300, blank=True)
    # A measured item (ground resistance ≤ 4 Ω): the engineer types the value, and a value
    # outside the limits fails the item whatever was ticked.
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    min_value = models.DecimalField(
        _("lowest allowed"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest allowed"), max_digits=10, decimal_places=3, null=True, blank=True
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["template", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_measured(self) -> bool:
        return bool(self.unit) or self.min_value is not None or self.max_value is not None

    @property
    def limit_text(self) -> str:
        from ..limits import limit_text

        return limit_text(self.min_value, self.max_value, self.unit)
