"""Controlled documents (文档管理, operations plan §3.2).

The catalogue (《文件目录清单》) is ControlledDocument; each released or approved
content is a DocumentVersion (old ones kept); changes, scrapping and borrowing go
through applications the approvers (运维部 / 信息中心) decide; backups and validity
checks are records of their own. State machines change state and stamp fields only;
documents.services checks rights, saves, logs and notifies.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import TimeStampedModel
from itsm.workflow import LockVersioned

from ..choices import (
    DOCUMENT_STATUS_COLOURS,
    DocumentClass,
    DocumentLevel,
    DocumentStatus,
    DocumentType,
)
from .querysets import DocumentQuerySet

_USER = settings.AUTH_USER_MODEL


def _document_file_path(instance, filename):
    # A random stored name: the original (often Chinese) name is kept in `original_name`
    # and only ever sent back in a download header, never used as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def _user(verbose_name, **kwargs):
    return models.ForeignKey(
        _USER,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        **kwargs,
    )


class StoredFile(models.Model):
    """A stored file with its original name, type and size (a version's or a proposal's)."""

    file = models.FileField(_("file"), upload_to=_document_file_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("file size"), default=0)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file)


class ControlledDocument(LockVersioned, TimeStampedModel):
    """One line of the catalogue (《文件目录清单》): type, name, number, version, release
    date, description, storage location, retention.

    `number` follows the customer's scheme (A01, B01, C0101, D0201; see
    documents.numbering); a C or D document points at its B procedure. A
    scrapped document stays in the catalogue for history and its number is never reused.
    `lock_version` (itsm.workflow) is the optimistic lock of the forms and the API.
    """

    number = models.CharField(_("document number"), max_length=16, unique=True)
    level = models.CharField(_("level"), max_length=1, choices=DocumentLevel.choices)
    procedure = models.ForeignKey(
        "self",
        verbose_name=_("procedure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
        help_text=_("The level-2 procedure a level-3 or level-4 document derives from."),
    )
    document_class = models.CharField(
        _("document class"),
        max_length=20,
        choices=DocumentClass.choices,
        default=DocumentClass.OPERATIONS,
    )
    document_type = models.CharField(
        _("document type"), max_length=20, choices=DocumentType.choices
    )
    name = models.CharField(_("document name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    current_version = models.ForeignKey(
        "documents.DocumentVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    release_date = models.DateField(_("release date"), null=True, blank=True)
    storage_location = models.CharField(
        _("storage location"),
        max_length=200,
        blank=True,
        help_text=_("Where the paper original is kept, e.g. ops office, cabinet A, shelf 3."),
    )
    electronic_location = models.CharField(
        _("electronic location"),
        max_length=300,
        blank=True,
        help_text=_("Where the electronic original is kept besides this catalogue."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years)"), null=True, blank=True, help_text=_("Empty: kept permanently.")
    )
    custodian = models.ForeignKey(
        _USER,
        verbose_name=_("custodian"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="custodian_of_documents",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        db_index=True,
    )
    check_interval_months = models.PositiveSmallIntegerField(
        _("validity check every (months)"), default=12
    )
    last_checked_on = models.DateField(_("last validity check"), null=True, blank=True)
    next_check_on = models.DateField(_("next validity check"), null=True, blank=True)
    # The `next_check_on` a reminder was sent for: the scan claims it with a conditional
    # UPDATE, so a rerun (or a second worker) sends nothing twice.
    check_reminded_for = models.DateField(null=True, blank=True, editable=False)
    registered_by = _user(_("registered by"))
    released_by = _user(_("released by"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    scrapped_at = models.DateTimeField(_("scrapped at"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        # The tables keep the names they had in the knowledge app (moved without copying).
        db_table = "knowledge_controlleddocument"
        verbose_name = _("controlled document")
        verbose_name_plural = _("controlled documents")
        ordering = ["number"]
        indexes = [
            models.Index(fields=["status", "next_check_on"], name="doc_status_check"),
            models.Index(fields=["level", "number"], name="doc_level_number"),
        ]
        permissions = [
            (
                "approve_controlleddocument",
                _("Can approve document releases and applications (ops department)"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def get_absolute_url(self):
        return reverse("documents:document_detail", args=[self.number])

    @property
    def status_colour(self) -> str:
        return DOCUMENT_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def version_label(self) -> str:
        return self.current_version.label if self.current_version_id else ""

    @property
    def check_due(self) -> bool:
        return bool(
            self.next_check_on
            and self.status != DocumentStatus.SCRAPPED
            and self.next_check_on <= timezone.localdate()
        )

    # --- state machine: state and stamps only -------------------------------------
    @transition(field=status, source=DocumentStatus.DRAFT, target=DocumentStatus.EFFECTIVE)
    def release(self, *, by, at, next_check_on):
        self.released_by = by
        self.released_at = at
        self.release_date = timezone.localdate(at)
        self.next_check_on = next_check_on

    @transition(field=status, source=DocumentStatus.EFFECTIVE, target=DocumentStatus.UNDER_CHANGE)
    def start_change(self):
        pass

    @transition(field=status, source=DocumentStatus.UNDER_CHANGE, target=DocumentStatus.EFFECTIVE)
    def finish_change(self, *, version=None, on=None, next_check_on=None):
        """Back in use: with the new `version` when the change was approved."""
        if version is not None:
            self.current_version = version
            self.release_date = on
            self.next_check_on = next_check_on

    @transition(
        field=status,
        source=[DocumentStatus.DRAFT, DocumentStatus.EFFECTIVE],
        target=DocumentStatus.SCRAPPED,
    )
    def scrap(self, *, at):
        self.scrapped_at = at
        self.next_check_on = None


class DocumentVersion(StoredFile):
    """One version of a document's content, kept after it is superseded."""

    document = models.ForeignKey(
        ControlledDocument,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    label = models.CharField(_("version"), max_length=20)
    summary = models.TextField(_("what changed"), blank=True)
    change_application = models.ForeignKey(
        "documents.DocumentChangeApplication",
        verbose_name=_("change application"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    created_by = _user(_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        db_table = "knowledge_documentversion"
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["document", "sequence"], name="docversion_sequence"),
            models.UniqueConstraint(fields=["document", "label"], name="docversion_label"),
        ]

    def __str__(self):
        return f"{self.document_id} {self.label}"
