"""Facilities checked on a schedule although they are not CIs (§5.1.2): a building's
lightning-protection grid and earthing, its UPS room… Checked against the same checklist
templates as devices (ChecklistTemplate.facility_kind), with measured values and limits."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import NumberedModel, TimeStampedModel

from ..choices import FacilityKind
from ..seasons import Season
from .querysets import FacilityQuerySet

MONTHS = [(0, "—")] + [(m, str(m)) for m in range(1, 13)]


class FacilitySchedule(models.Model):
    """How often a facility is checked, as data (seasons.py): e.g. the lightning protection,
    monthly in the rainy season April–August and every four months outside it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    season_start_month = models.PositiveSmallIntegerField(
        _("season starts (month)"), choices=MONTHS, default=0
    )
    season_end_month = models.PositiveSmallIntegerField(
        _("season ends (month)"), choices=MONTHS, default=0
    )
    every_in_season = models.PositiveSmallIntegerField(_("every … months in season"), default=1)
    every_off_season = models.PositiveSmallIntegerField(
        _("every … months outside the season"), default=4
    )

    class Meta:
        verbose_name = _("facility check schedule")
        verbose_name_plural = _("facility check schedules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(season_start_month__lte=12, season_end_month__lte=12)
                & models.Q(every_in_season__gte=1, every_off_season__gte=1),
                name="insp_facility_schedule_months",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def season(self) -> Season:
        return Season(
            self.season_start_month,
            self.season_end_month,
            self.every_in_season,
            self.every_off_season,
        )

    @property
    def due_months(self) -> list[int]:
        return self.season.due_months()


class Facility(TimeStampedModel):
    """One installation checked on its schedule (a building's lightning-protection grid)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices)
    building = models.ForeignKey(
        "servicedesk.Building",
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    schedule = models.ForeignKey(
        FacilitySchedule,
        verbose_name=_("schedule"),
        on_delete=models.PROTECT,
        related_name="facilities",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible engineer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_checked_on = models.DateField(_("last checked on"), null=True, blank=True)
    # The last day of the month the next check is due in; the daily scan reads this index.
    next_due_on = models.DateField(_("next check due by"), null=True, blank=True, db_index=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["next_due_on", "name", "pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:facility_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        # A new facility is due in the first due month of its schedule from today.
        if self.next_due_on is None and self.schedule_id:
            from django.utils import timezone

            season = FacilitySchedule.objects.get(pk=self.schedule_id).season
            self.next_due_on = (
                season.next_due_after_check(self.last_checked_on)
                if self.last_checked_on
                else season.first_due_from(timezone.localdate())
            )
        super().save(*args, **kwargs)


class FacilityCheck(NumberedModel, TimeStampedModel):
    """设施检查记录: one facility checked on one day against its checklist (form D0804).

    Its result lines are the inspections' ResultLine rows (facility_check set), with the
    measured value beside each measured item.
    """

    FORM_KEY = "facility_check"
    FORM_CODE_DEFAULT = "D0804"

    facility = models.ForeignKey(
        Facility, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="checks"
    )
    checklist = models.ForeignKey(
        "inspections.ChecklistTemplate",
        verbose_name=_("checklist"),
        on_delete=models.PROTECT,
        related_name="facility_checks",
    )
    checked_on = models.DateField(_("checked on"), db_index=True)
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="facility_checks",
    )
    passed = models.BooleanField(_("passed"), default=True)
    note = models.TextField(_("note"), blank=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility check")
        verbose_name_plural = _("facility checks")
        ordering = ["-checked_on", "-id"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:facility_check_detail", args=[self.pk])
