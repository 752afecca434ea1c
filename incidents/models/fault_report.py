from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import NumberedModel, TimeStampedModel


class FaultReport(NumberedModel, TimeStampedModel):
    """故障报告: the handler's write-up of a major system or network fault (§5.2.1):
    cause, impact, duration, actions taken and prevention (form D0207)."""

    FORM_KEY = "fault_report"
    FORM_CODE_DEFAULT = "D0207"

    work_order = models.OneToOneField(
        "incidents.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="fault_report",
    )
    started_at = models.DateTimeField(_("fault began"))
    ended_at = models.DateTimeField(_("service restored"))
    cause = models.TextField(_("cause"))
    impact = models.TextField(_("impact"))
    actions = models.TextField(_("actions taken"))
    prevention = models.TextField(_("prevention"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("fault report (故障报告)")
        verbose_name_plural = _("fault reports")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gte=models.F("started_at")),
                name="fault_report_ends_after_start",
            )
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("incidents:fault_report", args=[self.work_order.number])

    @property
    def duration_minutes(self) -> int:
        return int((self.ended_at - self.started_at).total_seconds() // 60)
