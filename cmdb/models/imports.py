from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import ImportMode, ImportStatus

# How long an unfinished import stays; a daily task deletes expired batches.
IMPORT_BATCH_LIFETIME = timedelta(hours=24)


def _expires_at():
    return timezone.now() + IMPORT_BATCH_LIFETIME


class ImportBatchBase(models.Model):
    """A spreadsheet import from upload to report: parsed cells, column mapping, the last
    dry run and the outcome. Abstract, so other imports (incidents' work-order history)
    keep their batches in their own table with the same steps.

    The uploaded file itself is never stored: its cells are parsed into `rows` at upload
    and the batch expires after a day. `plan` holds the last dry run, `report` the outcome.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_expires_at, db_index=True)
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    headers = models.JSONField(_("column headers"), default=list)
    rows = models.JSONField(_("rows"), default=list, help_text=_("[line number, [cells…]]"))
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    plan = models.JSONField(_("dry run"), default=dict, blank=True)
    mode = models.CharField(_("apply mode"), max_length=20, choices=ImportMode.choices, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pk} {self.filename}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ImportBatch(ImportBatchBase):
    """One asset import, from upload to report (资产导入)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.CASCADE,
        related_name="cmdb_import_batches",
    )

    class Meta(ImportBatchBase.Meta):
        verbose_name = _("asset import")
        verbose_name_plural = _("asset imports")

    def get_absolute_url(self):
        return reverse("cmdb:import_detail", args=[self.pk])

    @property
    def reason(self) -> str:
        """The change reason on every item this batch touches."""
        return f"import {self.pk}"
