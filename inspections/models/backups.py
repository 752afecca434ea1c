"""Backups of key departments' systems and data (§3.5.1: image clone, network, storage).

Kept in inspections: backing up and restoring is part of the routine proactive work the
plan lists under 主动巡检, done by the same engineers on a schedule, and reminded by the
same daily scan; it has no approval chain of its own that would earn a separate app.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import TimeStampedModel

from ..choices import RUN_RESULT_COLOURS, BackupMethod, ReminderKind, RunResult
from .querysets import BackupQuerySet


class BackupPlan(TimeStampedModel):
    """备份计划: what of which department is backed up how, how often, kept how long, by whom."""

    department = models.ForeignKey(
        "servicedesk.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="backup_plans",
    )
    system = models.CharField(
        _("system or data"), max_length=200, help_text=_("e.g. 登记系统数据库, 财务科文件服务器")
    )
    ci = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("configuration item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backup_plans",
    )
    method = models.CharField(_("method"), max_length=20, choices=BackupMethod.choices)
    every_days = models.PositiveSmallIntegerField(_("every … days"), default=7)
    retention_days = models.PositiveSmallIntegerField(_("kept for … days"), default=90)
    restore_test_every_days = models.PositiveSmallIntegerField(
        _("restore test every … days"), default=180
    )
    location = models.CharField(_("stored at"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible engineer"),
        on_delete=models.PROTECT,
        related_name="backup_plans",
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_success_on = models.DateField(_("last successful backup"), null=True, blank=True)
    # Last successful backup + every_days (from the start when none yet); the scan's index.
    next_due_on = models.DateField(_("next backup due"), db_index=True)
    last_restore_test_on = models.DateField(_("last restore test"), null=True, blank=True)

    objects = BackupQuerySet.as_manager()

    class Meta:
        verbose_name = _("backup plan")
        verbose_name_plural = _("backup plans")
        ordering = ["department__name", "system", "pk"]

    def __str__(self):
        return f"{self.department} · {self.system}"

    def get_absolute_url(self):
        return reverse("inspections:backup_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        # A new plan is due at once (there is no backup on record yet).
        if self.next_due_on is None:
            from datetime import timedelta

            from django.utils import timezone

            self.next_due_on = (
                self.last_success_on + timedelta(days=self.every_days)
                if self.last_success_on
                else timezone.localdate()
            )
        super().save(*args, **kwargs)


class BackupRecord(models.Model):
    """备份记录: one backup run and its result."""

    plan = models.ForeignKey(
        BackupPlan, verbose_name=_("backup plan"), on_delete=models.CASCADE, related_name="runs"
    )
    performed_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=10, choices=RunResult.choices)
    size_gb = models.DecimalField(
        _("size (GB)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    location = models.CharField(_("stored at"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("backup record")
        verbose_name_plural = _("backup records")
        ordering = ["-performed_on", "-pk"]
        indexes = [models.Index(fields=["plan", "performed_on"], name="insp_backup_plan_date")]

    def __str__(self):
        return f"{self.performed_on} {self.get_result_display()}"

    @property
    def result_colour(self) -> str:
        return RUN_RESULT_COLOURS.get(self.result, "secondary")


class RestoreTest(models.Model):
    """恢复测试: a backup restored to prove it can be (date and result)."""

    plan = models.ForeignKey(
        BackupPlan,
        verbose_name=_("backup plan"),
        on_delete=models.CASCADE,
        related_name="restore_tests",
    )
    tested_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=10, choices=RunResult.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    tested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("restore test")
        verbose_name_plural = _("restore tests")
        ordering = ["-tested_on", "-pk"]

    def __str__(self):
        return f"{self.tested_on} {self.get_result_display()}"

    @property
    def result_colour(self) -> str:
        return RUN_RESULT_COLOURS.get(self.result, "secondary")


class DueReminder(models.Model):
    """A backup or facility check reminded once per due date: the unique row is the claim."""

    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    backup_plan = models.ForeignKey(
        BackupPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    facility = models.ForeignKey(
        "inspections.Facility", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    due = models.DateField(_("due"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("due reminder")
        verbose_name_plural = _("due reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "backup_plan", "due"], name="insp_due_reminder_backup_once"
            ),
            models.UniqueConstraint(
                fields=["kind", "facility", "due"], name="insp_due_reminder_facility_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due}"
