from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Department

from ..permissions import BaselineQuerySet
from .items import CIClass


class Baseline(models.Model):
    """The configuration of a department's or a class's items on a date (配置基线).

    `snapshot` maps each item's id (as a string) to its key fields, written as readable
    values (tag, codes, usernames), so a comparison still reads after the rows change.
    """

    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    ci_class = models.ForeignKey(
        CIClass, verbose_name=_("class"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    taken_at = models.DateTimeField(_("taken at"), db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    item_count = models.PositiveIntegerField(_("items"), default=0)
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)

    objects = BaselineQuerySet.as_manager()

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["-taken_at"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cmdb:baseline_detail", args=[self.pk])
