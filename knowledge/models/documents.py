"""Controlled documents (文档管理, operations plan §3.2).

The catalogue (《文件目录清单》) is ControlledDocument; each released or approved
content is a DocumentVersion (old ones kept); changes, scrapping and borrowing go
through applications the approvers (运维部 / 信息中心) decide; backups and validity
checks are records of their own. State machines change state and stamp fields only;
knowledge.documents.services checks rights, saves, logs and notifies.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from servicedesk.choices import ApprovalBody

from ..choices import (
    APPLICATION_STATUS_COLOURS,
    DOCUMENT_STATUS_COLOURS,
    ApplicationKind,
    ApplicationStatus,
    BackupMedium,
    BorrowForm,
    BorrowStatus,
    CheckResult,
    Decision,
    DecisionStage,
    DocumentClass,
    DocumentLevel,
    DocumentStatus,
    DocumentType,
)

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


class ControlledDocument(ConcurrentTransitionMixin, TimeStampedModel):
    """One line of the catalogue (《文件目录清单》): type, name, number, version, release
    date, description, storage location, retention.

    `number` follows the customer's scheme (A01, B01, C0101, D0201; see
    knowledge.documents.numbering); a C or D document points at its B procedure. A
    scrapped document stays in the catalogue for history and its number is never reused.
    `revision` counts saves and is the optimistic lock of the forms and the API.
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
        "knowledge.DocumentVersion",
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
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    registered_by = _user(_("registered by"))
    released_by = _user(_("released by"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    scrapped_at = models.DateTimeField(_("scrapped at"), null=True, blank=True)

    class Meta:
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
        return reverse("knowledge:document_detail", args=[self.number])

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
        "knowledge.DocumentChangeApplication",
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
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["document", "sequence"], name="docversion_sequence"),
            models.UniqueConstraint(fields=["document", "label"], name="docversion_label"),
        ]

    def __str__(self):
        return f"{self.document_id} {self.label}"


class _Application(ConcurrentTransitionMixin, NumberedModel, TimeStampedModel):
    """What every document application has: the document, who asked, who decided."""

    document = models.ForeignKey(
        ControlledDocument,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    requested_by = models.ForeignKey(
        _USER, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = _user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.number

    @property
    def status_colour(self) -> str:
        return APPLICATION_STATUS_COLOURS.get(self.status, "secondary")

    def _decide(self, *, by, at, note):
        self.decided_by = by
        self.decided_at = at
        self.decision_note = note


class DocumentChangeApplication(StoredFile, _Application):
    """《文件更改申请单》: why and what to change, decided in two stages.

    The bodies approve the change (a draft of the revision may be attached); the ops
    department then has it made and records the process, content and result with the
    revised file; the bodies confirm that result, and only then is the file the
    document's new current version (the old one is kept).
    """

    FORM_KEY = "document_change"
    FORM_CODE_DEFAULT = "D0902"

    reason = models.TextField(_("reason for the change"))
    content = models.TextField(_("content of the change"))
    new_version_label = models.CharField(_("new version"), max_length=20)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    change_process = models.TextField(_("how the change was made"), blank=True)
    change_made = models.TextField(_("content changed"), blank=True)
    change_result = models.TextField(_("result of the change"), blank=True)
    carried_out_by = _user(_("change recorded by"))
    carried_out_at = models.DateTimeField(_("change recorded at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta(_Application.Meta):
        verbose_name = _("document change application")
        verbose_name_plural = _("document change applications")

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.APPROVED)
    def approve(self, *, by, at, note=""):
        self._decide(by=by, at=at, note=note)

    @transition(
        field=status,
        source=[ApplicationStatus.SUBMITTED, ApplicationStatus.CONFIRMING],
        target=ApplicationStatus.REJECTED,
    )
    def reject(self, *, by, at, note):
        self._decide(by=by, at=at, note=note)

    @transition(
        field=status, source=ApplicationStatus.APPROVED, target=ApplicationStatus.CONFIRMING
    )
    def record_result(self, *, by, at, process, made, result):
        self.change_process = process
        self.change_made = made
        self.change_result = result
        self.carried_out_by = by
        self.carried_out_at = at

    @transition(
        field=status, source=ApplicationStatus.CONFIRMING, target=ApplicationStatus.COMPLETED
    )
    def complete(self, *, by, at, note=""):
        self._decide(by=by, at=at, note=note)
        self.completed_at = at

    @transition(
        field=status,
        source=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.APPROVED,
            ApplicationStatus.CONFIRMING,
        ],
        target=ApplicationStatus.WITHDRAWN,
    )
    def withdraw(self):
        pass


class DocumentScrapApplication(_Application):
    """《报废申请单》: what to delete and why; approved, the document is scrapped (kept)."""

    FORM_KEY = "document_scrap"
    FORM_CODE_DEFAULT = "D0903"

    reason = models.TextField(_("reason for scrapping"))
    content = models.TextField(_("what is scrapped"), blank=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )

    class Meta(_Application.Meta):
        verbose_name = _("document scrap application")
        verbose_name_plural = _("document scrap applications")

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.APPROVED)
    def approve(self, *, by, at, note=""):
        self._decide(by=by, at=at, note=note)

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.REJECTED)
    def reject(self, *, by, at, note):
        self._decide(by=by, at=at, note=note)

    @transition(
        field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.WITHDRAWN
    )
    def withdraw(self):
        pass


class DocumentBorrowApplication(_Application):
    """《文件借阅申请单》: approved by the ops department, handed over, returned by the due date.

    `overdue_reminded_for` is the due date an overdue reminder was sent for (claimed by
    a conditional UPDATE, so the daily scan reminds once per due date).
    """

    FORM_KEY = "document_borrow"
    FORM_CODE_DEFAULT = "D0904"

    borrower = models.ForeignKey(
        _USER, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.TextField(_("purpose"))
    borrow_form = models.CharField(
        _("form"), max_length=20, choices=BorrowForm.choices, default=BorrowForm.COPY
    )
    due_on = models.DateField(_("return by"))
    status = FSMField(
        _("status"),
        max_length=20,
        choices=BorrowStatus.choices,
        default=BorrowStatus.SUBMITTED,
        db_index=True,
    )
    lent_by = _user(_("handed over by"))
    lent_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    returned_to = _user(_("received back by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    overdue_reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta(_Application.Meta):
        verbose_name = _("document borrowing application")
        verbose_name_plural = _("document borrowing applications")
        indexes = [models.Index(fields=["status", "due_on"], name="docborrow_status_due")]

    @property
    def is_overdue(self) -> bool:
        return self.status == BorrowStatus.LENT and self.due_on < timezone.localdate()

    @transition(field=status, source=BorrowStatus.SUBMITTED, target=BorrowStatus.APPROVED)
    def approve(self, *, by, at, note=""):
        self._decide(by=by, at=at, note=note)

    @transition(field=status, source=BorrowStatus.SUBMITTED, target=BorrowStatus.REJECTED)
    def reject(self, *, by, at, note):
        self._decide(by=by, at=at, note=note)

    @transition(
        field=status,
        source=[BorrowStatus.SUBMITTED, BorrowStatus.APPROVED],
        target=BorrowStatus.WITHDRAWN,
    )
    def withdraw(self):
        pass

    @transition(field=status, source=BorrowStatus.APPROVED, target=BorrowStatus.LENT)
    def lend(self, *, by, at):
        self.lent_by = by
        self.lent_at = at

    @transition(field=status, source=BorrowStatus.LENT, target=BorrowStatus.RETURNED)
    def give_back(self, *, to, at):
        self.returned_to = to
        self.returned_at = at


class DocumentDecision(models.Model):
    """One client body's decision on a registration or an application, at one stage.

    Filing an application (or registering a document, or handing in a change's result)
    writes one pending row per body the plan requires (knowledge.documents.bodies); the
    body's approver fills it in with who, when and a comment. A registration that was
    turned down and handed in again starts a new `round`.
    """

    document = models.ForeignKey(
        ControlledDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ApplicationKind.choices)
    change_application = models.ForeignKey(
        DocumentChangeApplication,
        verbose_name=_("change application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    scrap_application = models.ForeignKey(
        DocumentScrapApplication,
        verbose_name=_("scrap application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    borrow_application = models.ForeignKey(
        DocumentBorrowApplication,
        verbose_name=_("borrowing application"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decisions",
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=DecisionStage.choices, default=DecisionStage.APPROVAL
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    body = models.CharField(_("approval body"), max_length=30, choices=ApprovalBody.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = _user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("document decision")
        verbose_name_plural = _("document decisions")
        ordering = ["document", "kind", "stage", "round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "round", "body"],
                condition=models.Q(kind="registration"),
                name="docdecision_registration",
            ),
            models.UniqueConstraint(
                fields=["change_application", "stage", "round", "body"],
                condition=models.Q(kind="change"),
                name="docdecision_change",
            ),
            models.UniqueConstraint(
                fields=["scrap_application", "stage", "round", "body"],
                condition=models.Q(kind="scrap"),
                name="docdecision_scrap",
            ),
            models.UniqueConstraint(
                fields=["borrow_application", "stage", "round", "body"],
                condition=models.Q(kind="borrow"),
                name="docdecision_borrow",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="registration",
                        change_application__isnull=True,
                        scrap_application__isnull=True,
                        borrow_application__isnull=True,
                    )
                    | models.Q(
                        kind="change",
                        change_application__isnull=False,
                        scrap_application__isnull=True,
                        borrow_application__isnull=True,
                    )
                    | models.Q(
                        kind="scrap",
                        change_application__isnull=True,
                        scrap_application__isnull=False,
                        borrow_application__isnull=True,
                    )
                    | models.Q(
                        kind="borrow",
                        change_application__isnull=True,
                        scrap_application__isnull=True,
                        borrow_application__isnull=False,
                    )
                ),
                name="docdecision_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.get_body_display()}: {self.get_decision_display()}"

    @property
    def is_pending(self) -> bool:
        return self.decision == Decision.PENDING

    @property
    def decision_label(self) -> str:
        """What the body said, in the words of its stage ("confirmed" for a result)."""
        if self.stage == DecisionStage.CONFIRMATION:
            return {
                Decision.PENDING: _("Awaiting confirmation"),
                Decision.APPROVED: _("Confirmed"),
                Decision.REJECTED: _("Not confirmed"),
            }[self.decision]
        return self.get_decision_display()

    @property
    def decision_colour(self) -> str:
        return {
            Decision.PENDING: "warning",
            Decision.APPROVED: "success",
            Decision.REJECTED: "danger",
        }[self.decision]


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
        verbose_name = _("document validity check")
        verbose_name_plural = _("document validity checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self):
        return self.number
