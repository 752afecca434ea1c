from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import NumberedModel, TimeStampedModel

from ..choices import ReminderKind
from .flow import ApprovalFlow
from .querysets import ReportQuerySet


class InspectionReport(NumberedModel, TimeStampedModel, ApprovalFlow):
    """巡检报告: the month's results, evaluation and suggestions (form D0803)."""

    FORM_KEY = "inspection_report"
    FORM_CODE_DEFAULT = "D0803"

    plan = models.OneToOneField(
        "inspections.InspectionPlan",
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        related_name="report",
    )
    evaluation = models.TextField(_("evaluation"), blank=True)
    suggestions = models.TextField(_("suggestions"), blank=True)
    # The figures as they were when the report was submitted (the page recounts drafts).
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="inspection_reports",
    )
    pdf = models.FileField(_("archived PDF"), upload_to="inspections/reports/", blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection report")
        verbose_name_plural = _("inspection reports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("inspections:report_detail", args=[self.pk])


class InspectionReminder(models.Model):
    """A reminder sent once per due point: the row is the claim (unique), the send follows."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    plan = models.ForeignKey(
        "inspections.InspectionPlan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    due = models.DateField(_("due"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inspection reminder")
        verbose_name_plural = _("inspection reminders")
        constraints = [
            models.UniqueConstraint(fields=["kind", "plan", "due"], name="insp_reminder_once")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due}"
