"""Backup records and validity checks of controlled documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.mixins import NumberedModel, TimeStampedModel

from ..choices import BackupMedium, CheckResult
from .catalogue import ControlledDocument, _user


class DocumentBackup(NumberedModel, TimeStampedModel):
    """《文件备份记录》: what was backed up, when, on which medium, where it is kept, by whom."""

    FORM_KEY = "document_backup"
    FORM_CODE_DEFAULT = "D0905"

    content = models.TextField(_("what was backed up"))
    documents = models.ManyToManyField(
        ControlledDocument, verbose_name=_("documents"), blank=True, related_name="backups"
    )
    backed_up_on = models.DateField(_("backed up on"))
    medium = models.CharField(_("medium"), max_length=20, choices=BackupMedium.choices)
    location = models.CharField(_("kept at"), max_length=200)
    performed_by = _user(_("backed up by"))
    verified = models.BooleanField(_("restore verified"), default=False)
    verified_by = _user(_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        db_table = "knowledge_documentbackup"
        verbose_name = _("document backup record")
        verbose_name_plural = _("document backup records")
        ordering = ["-backed_up_on", "-pk"]

    def __str__(self):
        return self.number


class DocumentValidityCheck(NumberedModel, TimeStampedModel):
    """One periodic check that a document in use is still the valid version (§3.2 流程)."""

    FORM_KEY = "document_check"
    FORM_CODE_DEFAULT = "D0906"

    document = models.ForeignKey(
        ControlledDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="checks",
    )
    checked_on = models.DateField(_("checked on"))
    result = models.CharField(_("result"), max_length=20, choices=CheckResult.choices)
    note = models.TextField(_("note"), blank=True)
    checked_by = _user(_("checked by"))
    version_label = models.CharField(_("version checked"), max_length=20, blank=True)
    next_check_on = models.DateField(_("next validity check"), null=True, blank=True)

    class Meta:
        db_table = "knowledge_documentvaliditycheck"
        verbose_name = _("document validity check")
        verbose_name_plural = _("document validity checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self):
        return self.number
