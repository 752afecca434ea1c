from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyVolume(models.Model):
    """Work orders received on one local day in one category (cancelled ones not counted).

    The Pareto page and other counts over history read these instead of counting a
    million work orders; `incidents.volumes.volumes_refresh` recounts the days whose
    orders changed, every minute (idempotent: a day is recounted whole).
    """

    day = models.DateField(_("day"))
    category = models.ForeignKey(
        "servicedesk.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    count = models.PositiveIntegerField(_("work orders"))

    class Meta:
        verbose_name = _("daily work-order volume")
        verbose_name_plural = _("daily work-order volumes")
        indexes = [models.Index(fields=["day", "category"], name="volume_day_category")]

    def __str__(self):
        return f"{self.day} {self.category_id}: {self.count}"


class RollupState(models.Model):
    """How far a rollup has read: orders changed at or after `through` are not in it yet."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    through = models.DateTimeField(_("counted through"))

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self):
        return f"{self.name}: {self.through}"
