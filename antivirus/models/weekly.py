from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.workflow import LockVersioned
from servicedesk.models import Department

from .access import StaffOnlyQuerySet


class WeeklyEvaluation(LockVersioned):
    """The engineer's evaluation of one week's virus events (每周病毒事件评估)."""

    week_start = models.DateField(_("week of"), unique=True)
    causes = models.TextField(_("infection causes"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    figures = models.JSONField(_("figures as sent"), default=dict, blank=True)
    sent_to = models.ManyToManyField(
        Department, verbose_name=_("sent to departments"), blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly virus evaluation")
        verbose_name_plural = _("weekly virus evaluations")
        ordering = ["-week_start"]

    def __str__(self):
        return self.week_start.isoformat()

    def get_absolute_url(self):
        return reverse("antivirus:evaluation_detail", args=[self.week_start.isoformat()])
