from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import (
    STATUS_COLOURS,
    ChangeLogAction,
    ChangeOrigin,
    ChangeStatus,
    ChangeType,
    Risk,
)


class ChangeTemplate(models.Model):
    """A pre-approved standard change (标准变更): raised from here, it skips the CAB."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    summary = models.CharField(_("summary"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, default=Risk.LOW)
    implementation_plan = models.TextField(_("implementation plan"))
    test_plan = models.TextField(_("test plan"), blank=True)
    rollback_plan = models.TextField(_("rollback plan"), blank=True)
    approved_by = models.CharField(
        _("approved by"), max_length=200, blank=True, help_text=_("Who pre-approved it, and when.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("standard change template")
        verbose_name_plural = _("standard change templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChangeRequestQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        # The rule itself lives with the refusal messages in changes.permissions.
        from ..permissions import change_filter

        condition = change_filter(user, action)
        return self.none() if condition is None else self.filter(condition)


class ChangeRequest(ConcurrentTransitionMixin, LockVersioned, NumberedModel, TimeStampedModel):
    """A request for change (变更申请, RFC, form D0501).

    Transition methods move the state and stamp fields only; permissions, approvals,
    freeze periods, item history and notifications are the services' business.
    """

    FORM_KEY = "change"
    FORM_CODE_DEFAULT = "D0501"

    summary = models.CharField(_("summary"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    type = models.CharField(
        _("type"), max_length=10, choices=ChangeType.choices, default=ChangeType.NORMAL
    )
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, default=Risk.MEDIUM)
    affected_items = models.ManyToManyField(
        "cmdb.ConfigurationItem",
        verbose_name=_("affected items"),
        through="ChangeAffectedItem",
        related_name="changes",
        blank=True,
    )
    problems = models.ManyToManyField(
        "problems.Problem", verbose_name=_("problems"), related_name="changes", blank=True
    )
    template = models.ForeignKey(
        ChangeTemplate,
        verbose_name=_("standard change template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
    )
    implementation_plan = models.TextField(_("implementation plan"), blank=True)
    test_plan = models.TextField(_("test plan"), blank=True)
    rollback_plan = models.TextField(_("rollback plan"), blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("change or release", "requester"),
        on_delete=models.PROTECT,
        related_name="requested_changes",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("implementer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_changes",
    )

    # A request from an end user or the desk (changes.requests) carries what they need and
    # by when; the change manager triages it (take up with an implementer, or decline).
    raised_via = models.CharField(
        _("raised via"),
        max_length=10,
        choices=ChangeOrigin.choices,
        default=ChangeOrigin.STAFF,
        db_index=True,
    )
    needed_by = models.DateField(_("needed by"), null=True, blank=True)
    triage_note = models.TextField(_("triage note"), blank=True)

    status = FSMField(
        _("status"),
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.DRAFT,
        db_index=True,
    )
    approval_round = models.PositiveSmallIntegerField(_("approval round"), default=0)
    assessment = models.TextField(_("assessment"), blank=True)
    review_notes = models.TextField(_("post-implementation review"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_end = models.DateTimeField(_("actual end"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set when the affected users were told about the window (the reminder task's claim).
    users_notified_at = models.DateTimeField(_("users notified at"), null=True, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["planned_start", "planned_end"], name="change_window"),
            models.Index(fields=["status", "planned_start"], name="change_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_start__isnull=True)
                | models.Q(planned_end__isnull=True)
                | models.Q(planned_end__gt=models.F("planned_start")),
                name="change_window_ends_after_start",
                violation_error_message=_("The planned end must be after the planned start."),
            )
        ]

    def __str__(self):
        return f"{self.number} {self.summary}"

    def get_absolute_url(self):
        return reverse("changes:detail", args=[self.number])

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_emergency(self) -> bool:
        return self.type == ChangeType.EMERGENCY

    @property
    def review_required(self) -> bool:
        """Emergency changes are always reviewed after the fact; so is any that went wrong."""
        return self.is_emergency or self.status in (ChangeStatus.FAILED, ChangeStatus.ROLLED_BACK)

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_end <= self.planned_start:
            raise ValidationError({"planned_end": _("The planned end must be after the start.")})

    def _pre_approved(self) -> bool:
        return self.type == ChangeType.STANDARD and self.template_id is not None

    def _review_optional(self) -> bool:
        return not self.is_emergency

    # --- state machine: state and stamps only -------------------------------------
    @transition(field=status, source=ChangeStatus.DRAFT, target=ChangeStatus.SUBMITTED)
    def submit(self, *, at):
        self.submitted_at = at

    # A request without a plan, triaged by the change manager (changes.requests).
    @transition(field=status, source=ChangeStatus.SUBMITTED, target=ChangeStatus.DRAFT)
    def take_up(self, *, owner, triage_note):
        self.owner = owner
        self.triage_note = triage_note
        self.submitted_at = None

    @transition(field=status, source=ChangeStatus.SUBMITTED, target=ChangeStatus.REJECTED)
    def decline(self, *, triage_note):
        self.triage_note = triage_note

    @transition(field=status, source=ChangeStatus.SUBMITTED, target=ChangeStatus.ASSESSED)
    def assess(self, *, assessment, at):
        self.assessment = assessment
        self.assessed_at = at

    @transition(field=status, source=ChangeStatus.ASSESSED, target=ChangeStatus.AWAITING_APPROVAL)
    def request_approval(self):
        self.approval_round += 1

    @transition(
        field=status,
        source=ChangeStatus.ASSESSED,
        target=ChangeStatus.APPROVED,
        conditions=[_pre_approved],
    )
    def preapprove(self, *, at):
        self.approved_at = at

    def _emergency(self) -> bool:
        return self.is_emergency

    # An emergency change is approved by the emergency team in place of the CAB (plan
    # §5.2.3); the emergencies app checks the team's right and calls the service below.
    @transition(
        field=status,
        source=[ChangeStatus.DRAFT, ChangeStatus.SUBMITTED, ChangeStatus.ASSESSED],
        target=ChangeStatus.APPROVED,
        conditions=[_emergency],
    )
    def approve_by_emergency_team(self, *, at):
        self.approved_at = at

    @transition(field=status, source=ChangeStatus.AWAITING_APPROVAL, target=ChangeStatus.APPROVED)
    def approve(self, *, at):
        self.approved_at = at

    @transition(field=status, source=ChangeStatus.AWAITING_APPROVAL, target=ChangeStatus.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=ChangeStatus.REJECTED, target=ChangeStatus.DRAFT)
    def revise(self):
        self.submitted_at = self.assessed_at = None

    @transition(field=status, source=ChangeStatus.APPROVED, target=ChangeStatus.SCHEDULED)
    def schedule(self, *, at):
        self.scheduled_at = at

    @transition(field=status, source=ChangeStatus.SCHEDULED, target=ChangeStatus.IMPLEMENTING)
    def start(self, *, at):
        self.actual_start = at

    @transition(field=status, source=ChangeStatus.IMPLEMENTING, target=ChangeStatus.IMPLEMENTED)
    def complete(self, *, outcome, at):
        self.outcome = outcome
        self.actual_end = at

    @transition(field=status, source=ChangeStatus.IMPLEMENTING, target=ChangeStatus.FAILED)
    def fail(self, *, outcome, at):
        self.outcome = outcome
        self.actual_end = at

    @transition(
        field=status,
        source=[ChangeStatus.IMPLEMENTING, ChangeStatus.FAILED],
        target=ChangeStatus.ROLLED_BACK,
    )
    def roll_back(self, *, outcome, at):
        self.outcome = outcome
        self.actual_end = self.actual_end or at

    @transition(
        field=status,
        source=[ChangeStatus.IMPLEMENTED, ChangeStatus.FAILED, ChangeStatus.ROLLED_BACK],
        target=ChangeStatus.REVIEWED,
    )
    def review(self, *, review_notes, at):
        self.review_notes = review_notes
        self.reviewed_at = at

    @transition(field=status, source=ChangeStatus.REVIEWED, target=ChangeStatus.CLOSED)
    def close(self, *, at):
        self.closed_at = at

    @transition(
        field=status,
        source=ChangeStatus.IMPLEMENTED,
        target=ChangeStatus.CLOSED,
        conditions=[_review_optional],
    )
    def close_without_review(self, *, at):
        self.closed_at = at


class ChangeAffectedItem(models.Model):
    """A configuration item the change touches; the calendar's conflict check joins this."""

    change = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="affected_item_links"
    )
    item = models.ForeignKey(
        "cmdb.ConfigurationItem", on_delete=models.CASCADE, related_name="change_links"
    )

    class Meta:
        verbose_name = _("affected item")
        verbose_name_plural = _("affected items")
        constraints = [
            models.UniqueConstraint(fields=["change", "item"], name="change_item_unique")
        ]
        indexes = [models.Index(fields=["item", "change"], name="change_item_by_item")]

    def __str__(self):
        return f"{self.change_id} → {self.item_id}"


class FreezePeriod(models.Model):
    """A change freeze (e.g. Spring Festival): only emergency changes may be scheduled in it."""

    name = models.CharField(_("name"), max_length=100)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("freeze period")
        verbose_name_plural = _("freeze periods")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="freeze_ends_after_start",
                violation_error_message=_("A freeze period must end after it starts."),
            )
        ]

    def __str__(self):
        return self.name


class ChangeLog(models.Model):
    """The change log (变更日志): who changed what, when, under which change number.

    One row per affected item when a change is implemented (or fails, or is rolled back)
    or a release is deployed, kept even if the change or item is later deleted.
    """

    change = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="log_entries",
    )
    release = models.ForeignKey(
        "changes.Release",
        verbose_name=_("release"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="log_entries",
    )
    # The change's number, or the release's for a deployment.
    change_number = models.CharField(_("change number"), max_length=64, db_index=True)
    item = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_log_entries",
    )
    item_label = models.CharField(_("item"), max_length=250, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=ChangeLogAction.choices)
    description = models.TextField(_("what was changed"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("change log entry")
        verbose_name_plural = _("change log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.change_number} {self.item_label} {self.get_action_display()}"
