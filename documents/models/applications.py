"""Document applications (change, scrap, borrowing) and the bodies' decisions on them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.workflow import LockVersioned
from servicedesk.choices import ApprovalBody

from ..choices import (
    APPLICATION_STATUS_COLOURS,
    ApplicationKind,
    ApplicationStatus,
    BorrowForm,
    BorrowStatus,
    Decision,
    DecisionStage,
)
from .catalogue import ControlledDocument, StoredFile, _user
from .querysets import ApplicationQuerySet

_USER = settings.AUTH_USER_MODEL


class _Application(LockVersioned, NumberedModel, TimeStampedModel):
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

    objects = ApplicationQuerySet.as_manager()

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

    KIND = "change"  # ApplicationKind: the decisions' subject field is f"{KIND}_application"
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
        db_table = "knowledge_documentchangeapplication"
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

    KIND = "scrap"  # ApplicationKind: the decisions' subject field is f"{KIND}_application"
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
        db_table = "knowledge_documentscrapapplication"
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

    KIND = "borrow"  # ApplicationKind: the decisions' subject field is f"{KIND}_application"
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
        db_table = "knowledge_documentborrowapplication"
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
    writes one pending row per body the plan requires (documents.bodies); the
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
        db_table = "knowledge_documentdecision"
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
