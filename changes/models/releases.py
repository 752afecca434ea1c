from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import (
    RELEASE_STATUS_COLOURS,
    ReleaseStatus,
    ReleaseType,
    Risk,
    TestResult,
)
from .approvals import SlotDecision

# States from which a release has not yet gone out, and so may be rescheduled or cancelled.
PRE_DEPLOYMENT = [
    ReleaseStatus.PLANNED,
    ReleaseStatus.BUILT,
    ReleaseStatus.TESTED,
    ReleaseStatus.AUTHORISED,
    ReleaseStatus.REJECTED,
]


class ReleaseQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        # The rule itself lives with the refusal messages in changes.permissions.
        from ..permissions import release_filter

        condition = release_filter(user, action)
        return self.none() if condition is None else self.filter(condition)


class Release(ConcurrentTransitionMixin, LockVersioned, NumberedModel, TimeStampedModel):
    """A release (发布, form D0502 by default): a version of an application or system that
    bundles changes and configuration items and goes to production in a planned window.

    planned → built → tested (test records) → authorised (approver set) → deployed → closed;
    a rejection stops it (revise back to planned), a deployment may fail or be rolled back.
    Transition methods move the state and stamp fields only; permissions, test and
    approval rules, item history and notifications are release_services' business.
    """

    FORM_KEY = "release"
    FORM_CODE_DEFAULT = "D0502"

    application = models.CharField(
        _("application or system"),
        max_length=100,
        help_text=_("e.g. 办公套件, 登记系统, 公文系统"),
    )
    release_version = models.CharField(_("version"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(
        _("type"), max_length=10, choices=ReleaseType.choices, default=ReleaseType.MINOR
    )
    description = models.TextField(_("description"), blank=True)
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, default=Risk.MEDIUM)
    risk_assessment = models.TextField(_("risk assessment"), blank=True)
    deployment_plan = models.TextField(_("deployment plan"), blank=True)
    rollback_plan = models.TextField(_("rollback plan"), blank=True)
    planned_start = models.DateTimeField(_("planned start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("planned end"), null=True, blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("change or release", "requester"),
        on_delete=models.PROTECT,
        related_name="requested_releases",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("release manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_releases",
    )
    changes = models.ManyToManyField(
        "changes.ChangeRequest",
        verbose_name=_("bundled changes"),
        related_name="releases",
        blank=True,
    )
    items = models.ManyToManyField(
        "cmdb.ConfigurationItem",
        verbose_name=_("configuration items"),
        related_name="releases",
        blank=True,
    )

    status = FSMField(
        _("status"),
        max_length=20,
        choices=ReleaseStatus.choices,
        default=ReleaseStatus.PLANNED,
        db_index=True,
    )
    # The optimistic lock is `lock_version` (LockVersioned); the product version is release_version.
    build = models.PositiveSmallIntegerField(
        _("build"), default=0, help_text=_("Counts the builds; tests count for the latest one.")
    )
    approval_round = models.PositiveSmallIntegerField(_("approval round"), default=0)
    outcome = models.TextField(_("outcome"), blank=True)

    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    tested_at = models.DateTimeField(_("tested at"), null=True, blank=True)
    authorised_at = models.DateTimeField(_("authorised at"), null=True, blank=True)
    deployed_at = models.DateTimeField(_("deployed at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The notice scan's claim: set when the affected users were told about the window;
    # cleared when the window moves, so they hear about the new one.
    users_notified_at = models.DateTimeField(_("users notified at"), null=True, blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["planned_start", "planned_end"], name="release_window"),
            models.Index(
                fields=["status", "users_notified_at", "planned_start"], name="release_notice_due"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("application"),
                Lower("release_version"),
                name="release_version_unique_per_application",
                violation_error_message=_(
                    "This application already has a release of that version."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(planned_start__isnull=True)
                | models.Q(planned_end__isnull=True)
                | models.Q(planned_end__gt=models.F("planned_start")),
                name="release_window_ends_after_start",
                violation_error_message=_("The planned end must be after the planned start."),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.application} {self.release_version}"

    def get_absolute_url(self):
        return reverse("changes:release_detail", args=[self.number])

    @property
    def status_colour(self) -> str:
        return RELEASE_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_emergency(self) -> bool:
        return self.type == ReleaseType.EMERGENCY

    @property
    def summary(self) -> str:
        """The one-line name the calendar and notices use."""
        return f"{self.application} {self.release_version} {self.title}".strip()

    def clean(self):
        if self.planned_start and self.planned_end and self.planned_end <= self.planned_start:
            raise ValidationError({"planned_end": _("The planned end must be after the start.")})

    # --- state machine: state and stamps only -------------------------------------
    @transition(field=status, source=ReleaseStatus.PLANNED, target=ReleaseStatus.BUILT)
    def mark_built(self, *, at):
        self.build += 1
        self.built_at = at
        self.tested_at = None

    @transition(field=status, source=ReleaseStatus.BUILT, target=ReleaseStatus.TESTED)
    def mark_tested(self, *, at):
        self.tested_at = at
        self.approval_round += 1

    @transition(field=status, source=ReleaseStatus.TESTED, target=ReleaseStatus.AUTHORISED)
    def authorise(self, *, at):
        self.authorised_at = at

    @transition(field=status, source=ReleaseStatus.TESTED, target=ReleaseStatus.REJECTED)
    def reject(self):
        pass

    @transition(field=status, source=ReleaseStatus.REJECTED, target=ReleaseStatus.PLANNED)
    def revise(self):
        self.built_at = self.tested_at = self.authorised_at = None

    # Only an authorised release reaches production; the service says what is missing.
    @transition(field=status, source=ReleaseStatus.AUTHORISED, target=ReleaseStatus.DEPLOYED)
    def deploy(self, *, outcome, at):
        self.outcome = outcome
        self.deployed_at = at

    @transition(field=status, source=ReleaseStatus.AUTHORISED, target=ReleaseStatus.FAILED)
    def fail(self, *, outcome, at):
        self.outcome = outcome
        self.failed_at = at

    @transition(
        field=status,
        source=[ReleaseStatus.DEPLOYED, ReleaseStatus.FAILED],
        target=ReleaseStatus.ROLLED_BACK,
    )
    def roll_back(self, *, outcome, at):
        self.outcome = outcome
        self.rolled_back_at = at

    @transition(
        field=status,
        source=[ReleaseStatus.DEPLOYED, ReleaseStatus.FAILED, ReleaseStatus.ROLLED_BACK],
        target=ReleaseStatus.CLOSED,
    )
    def close(self, *, at):
        self.closed_at = at

    @transition(field=status, source=PRE_DEPLOYMENT, target=ReleaseStatus.CANCELLED)
    def cancel(self, *, at):
        self.closed_at = at


class ReleaseTestRecord(TimeStampedModel):
    """One test of one build of a release (测试记录): what, where, by whom, and the result.

    For a release to count as tested, every test case of the latest build must pass in
    its newest record: a later pass of the same case supersedes an earlier failure.
    """

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="test_records"
    )
    build = models.PositiveSmallIntegerField(_("build"))
    case = models.CharField(_("test case"), max_length=200, help_text=_("What was tested."))
    environment = models.CharField(
        _("environment"), max_length=100, blank=True, help_text=_("e.g. 测试机, 仿真数据库")
    )
    result = models.CharField(_("result"), max_length=4, choices=TestResult.choices)
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tester"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="release_tests",
    )
    tested_at = models.DateTimeField(_("tested at"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("release test record")
        verbose_name_plural = _("release test records")
        ordering = ["release", "-tested_at", "-id"]
        indexes = [models.Index(fields=["release", "build"], name="release_test_build")]

    def __str__(self):
        return f"{self.case}: {self.get_result_display()}"

    @property
    def passed(self) -> bool:
        return self.result == TestResult.PASSED


class ReleaseApproval(SlotDecision):
    """One slot's decision on authorising one release, in one approval round."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="release_approvals",
    )

    class Meta:
        verbose_name = _("release authorisation")
        verbose_name_plural = _("release authorisations")
        ordering = ["release", "round", "order", "pk"]
        indexes = [models.Index(fields=["release", "round"], name="release_approval_round")]
