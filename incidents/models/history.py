from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cmdb.models.imports import ImportBatchBase


class HistoryImportBatch(ImportBatchBase):
    """One import of past work orders from the customer's previous system (历史工单导入,
    §4.3.2 "the assets' past service records"): the CMDB import's steps, upload →
    column mapping → dry run → apply → report (incidents.history_import)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.CASCADE,
        related_name="history_import_batches",
    )

    class Meta(ImportBatchBase.Meta):
        verbose_name = _("work order history import")
        verbose_name_plural = _("work order history imports")

    def get_absolute_url(self):
        return reverse("incidents:history_import_detail", args=[self.pk])
