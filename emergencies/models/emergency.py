"""The emergency (启动应急流程申请单) and what hangs off it during the response."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel, local_minute
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import (
    OPEN_STATUSES,
    STATUS_COLOURS,
    ApprovalChannel,
    ApprovalMode,
    EmergencyType,
    MeasureKind,
    Severity,
    Status,
    TeamRole,
)

USER = settings.AUTH_USER_MODEL


class EmergencyQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def _restrict(self, user, action: str):
        from ..permissions import emergency_rows

        return emergency_rows(self, user, action)


class Emergency(LockVersioned, NumberedModel, TimeStampedModel):
    """One major incident handled through the emergency process (plan §5.2)."""

    FORM_KEY = "emergency"
    FORM_CODE_DEFAULT = "D0401"

    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=EmergencyType.choices)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.HIGH
    )
    scope = models.TextField(_("scope"), help_text=_("Who and what is affected, where."))
    status = FSMField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    commander = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("incident commander")
    )
    declared_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("declared by")
    )
    work_order = models.OneToOneField(
        "incidents.WorkOrder",
        models.PROTECT,
        related_name="emergency",
        verbose_name=_("originating work order"),
        help_text=_("The parent work order: users reporting the same outage attach to it."),
    )
    service = models.ForeignKey(
        "cmdb.ConfigurationItem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("failed service"),
    )
    affected_items = models.ManyToManyField(
        "cmdb.ConfigurationItem", blank=True, related_name="+", verbose_name=_("affected items")
    )
    # Approval by the information centre, in the portal or orally (then confirmed in writing).
    approval_mode = models.CharField(
        _("approval"), max_length=10, choices=ApprovalMode.choices, blank=True
    )
    approved_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approval_channel = models.CharField(
        _("channel"), max_length=12, choices=ApprovalChannel.choices, blank=True
    )
    approval_recorded_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("recorded by")
    )
    confirmation_due_at = models.DateTimeField(
        _("written confirmation due"), null=True, blank=True, db_index=True
    )
    confirmation_reminded_at = models.DateTimeField(
        _("confirmation last reminded"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed in writing at"), null=True, blank=True)
    # The status-update timer: the next update is due then; the scan notifies once per point.
    next_update_due_at = models.DateTimeField(
        _("next status update due"), null=True, blank=True, db_index=True
    )
    overdue_notified_for = models.DateTimeField(_("overdue notified for"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cause = models.TextField(_("cause"), blank=True)
    result = models.TextField(_("result"), blank=True)

    objects = EmergencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("emergency (启动应急流程申请单)")
        verbose_name_plural = _("emergencies")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("emergencies:detail", args=[self.number])

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_confirmation(self) -> bool:
        return self.approval_mode == ApprovalMode.ORAL and self.confirmed_at is None

    # --- state machine: state and stamps only -------------------------------------
    @transition(field=status, source=Status.REQUESTED, target=Status.APPROVED)
    def approve(self, *, by, at, mode, channel="", recorded_by=None, confirmation_due_at=None):
        self.approved_by, self.approved_at, self.approval_mode = by, at, mode
        self.approval_channel = channel
        self.approval_recorded_by = recorded_by
        self.confirmation_due_at = confirmation_due_at
        self.confirmed_at = at if mode == ApprovalMode.PORTAL else None

    @transition(field=status, source=Status.REQUESTED, target=Status.REJECTED)
    def reject(self, *, at):
        self.closed_at = at

    @transition(field=status, source=Status.APPROVED, target=Status.ACTIVE)
    def activate(self, *, at, next_update_due_at):
        self.activated_at = at
        self.next_update_due_at = next_update_due_at

    @transition(field=status, source=Status.ACTIVE, target=Status.EVALUATING)
    def submit_for_evaluation(self):
        pass

    @transition(field=status, source=Status.EVALUATING, target=Status.ACTIVE)
    def next_round(self, *, next_update_due_at):
        self.round += 1
        self.next_update_due_at = next_update_due_at

    @transition(field=status, source=Status.EVALUATING, target=Status.CLOSED)
    def close(self, *, at, result):
        self.closed_at = at
        self.result = result
        self.next_update_due_at = None


class TeamMember(models.Model):
    """A member of the 应急小组: a portal user or an outside person (vendor, third party)."""

    emergency = models.ForeignKey(
        Emergency, models.CASCADE, related_name="team", verbose_name=_("emergency")
    )
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices)
    user = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    # A supplier representative comes from the repairs app's vendors (its contact and
    # blacklist standing); others are typed in.
    vendor = models.ForeignKey(
        "repairs.Vendor",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vendor"),
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    joined_at = models.DateTimeField(_("joined at"))
    added_by = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("added by"))

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["emergency", "user"],
                condition=models.Q(user__isnull=False),
                name="emergency_member_once",
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id:
            person = getattr(self.user, "person", None)
            return getattr(person, "name", "") or self.user.get_username()
        return self.name


class Plan(models.Model):
    """The team's 应急处理方案 for one round."""

    emergency = models.ForeignKey(
        Emergency, models.CASCADE, related_name="plans", verbose_name=_("emergency")
    )
    round = models.PositiveSmallIntegerField(_("round"))
    content = models.TextField(_("plan"))
    author = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("response plan (应急处理方案)")
        verbose_name_plural = _("response plans")
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(fields=["emergency", "round"], name="emergency_plan_per_round")
        ]

    def __str__(self):
        return f"{self.emergency.number} #{self.round}"


class ProcessEntry(models.Model):
    """One line of the 应急处理过程记录: who did what, when; on site with the customer's sign-off."""

    emergency = models.ForeignKey(
        Emergency, models.CASCADE, related_name="entries", verbose_name=_("emergency")
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        USER, models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=20, default="action")
    text = models.TextField(_("what was done"))
    on_site = models.BooleanField(_("on site"), default=False)
    signed_by = models.CharField(_("customer sign-off by"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("process record entry (应急处理过程记录)")
        verbose_name_plural = _("process record entries")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.emergency.number} {local_minute(self.at)}"


class StatusUpdate(models.Model):
    """A status update sent to the affected users: the communication log."""

    emergency = models.ForeignKey(
        Emergency, models.CASCADE, related_name="updates", verbose_name=_("emergency")
    )
    author = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("author"))
    body = models.TextField(_("update"))
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.emergency.number} {local_minute(self.sent_at)}"


class EmergencyChange(models.Model):
    """An emergency change (变更请求表) approved by the team instead of the CAB."""

    emergency = models.ForeignKey(
        Emergency, models.CASCADE, related_name="change_links", verbose_name=_("emergency")
    )
    change = models.OneToOneField(
        "changes.ChangeRequest",
        models.PROTECT,
        related_name="emergency_link",
        verbose_name=_("change"),
    )
    approved_by = models.ForeignKey(
        USER,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by the team"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("emergency change")
        verbose_name_plural = _("emergency changes")

    def __str__(self):
        return str(self.change)


class DisasterMeasure(models.Model):
    """§5.1 disaster measures as data: contacts and checklists an admin keeps current."""

    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("steps or details"), blank=True, help_text=_("One step per line."))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("disaster measure")
        verbose_name_plural = _("disaster measures")
        ordering = ["kind", "order", "pk"]

    def __str__(self):
        return self.title

    @property
    def steps(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]
