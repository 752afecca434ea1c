from datetime import UTC, datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel, local_minute
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import (
    OPEN_STATUSES,
    STATUS_COLOURS,
    CancelReason,
    Channel,
    CloseReason,
    HoldReason,
    Level3,
    Priority,
    ResponseMode,
    ServiceType,
    Status,
)

# Sort keys past every real due instant: paused open work, then everything no longer
# open. The open-work queue reads the index range below QUEUE_NEVER only.
QUEUE_PAUSED = datetime(9999, 12, 30, tzinfo=UTC)
QUEUE_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
# `sla_scan_at` of a row nobody has placed yet (bulk inserts, the migration): the next
# SLA scan looks at it and moves it on.
SCAN_NOW = datetime(2000, 1, 1, tzinfo=UTC)
# The threshold instants the SLA scan acts on (incidents.scans.RULES, one rule each).
SCAN_INSTANTS = (
    "response_warn_at",
    "response_due_at",
    "response_escalate_at",
    "resolve_warn_at",
    "resolve_due_at",
    "resolve_escalate_at",
    "dispatch_due_at",
    "accept_due_at",
    "manager_escalation_due_at",
    "redispatch_due_at",
    "guidance_due_at",
)


class WorkOrderQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def _restrict(self, user, action: str):
        # The one rule for who may see or do what: incidents.permissions.work_order_q.
        from ..permissions import EVERY, NONE, work_order_q

        condition = work_order_q(user, action)
        if condition is EVERY:
            return self
        if condition is NONE:
            return self.none()
        return self.filter(condition)


class WorkOrder(ConcurrentTransitionMixin, LockVersioned, NumberedModel, TimeStampedModel):
    """A service work order (运维工作单, form D0201): one reported fault or request.

    The transition methods only move the state and stamp times; who may fire them, the
    SLA clocks, events and notifications are the services' business (services.py).
    ConcurrentTransitionMixin makes a save fail if someone else moved the state since
    this instance was read, and `lock_version` (itsm.workflow) does the same for every
    other edit.
    """

    FORM_KEY = "work_order"
    FORM_CODE_DEFAULT = "D0201"

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.PROTECT,
        related_name="requested_work_orders",
    )
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "servicedesk.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_orders",
    )
    location = models.ForeignKey(
        "servicedesk.Location",
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.ForeignKey(
        "servicedesk.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    device = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_orders",
    )
    impact = models.CharField(
        _("impact"), max_length=10, choices=Level3.choices, default=Level3.LOW
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Level3.choices, default=Level3.MEDIUM
    )
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, db_index=True
    )
    service_level = models.ForeignKey(
        "servicedesk.ServiceLevel",
        verbose_name=_("service level"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    hold_reason = models.CharField(
        _("waiting for"), max_length=10, choices=HoldReason.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_work_orders",
    )
    team = models.ForeignKey(
        "servicedesk.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_orders",
    )
    # How the work is delivered (§6.2.2): set at intake or dispatch; blank = not recorded
    # (orders from before these were asked, or not yet decided).
    service_type = models.CharField(
        _("service type"), max_length=10, choices=ServiceType.choices, blank=True
    )
    response_mode = models.CharField(
        _("response mode"), max_length=10, choices=ResponseMode.choices, blank=True
    )
    # §6.3.3: at dispatch the desk decides whether a vehicle is needed (None = not asked).
    vehicle_needed = models.BooleanField(_("vehicle needed"), null=True, blank=True)

    # Milestones.
    assigned_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("execution confirmed at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated by engineer at"), null=True, blank=True)
    manager_notified_at = models.DateTimeField(_("manager notified at"), null=True, blank=True)

    # SLA clocks: instants from services.sla_recompute; indexed for the queue and the scan.
    response_due_at = models.DateTimeField(_("response due"), null=True, blank=True, db_index=True)
    response_warn_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    response_escalate_at = models.DateTimeField(
        null=True, blank=True, db_index=True, editable=False
    )
    resolve_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True, db_index=True)
    resolve_warn_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    resolve_escalate_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    # The queue's sort key: the resolution due instant of open work, the far future when
    # paused or no longer open. Never NULL, so one index walked in order serves "open
    # work, soonest due first" on SQLite and PostgreSQL alike (NULLS LAST would not).
    queue_due_at = models.DateTimeField(default=QUEUE_NEVER, editable=False)
    # When the SLA scan must next look at this order: the earliest threshold it has not
    # acted on yet. Every save moves it back to the earliest instant (the scan then moves
    # it on); the scan reads only rows at or past it, so a steady-state run over 100,000
    # open orders reads the few whose time came, not every order past a told threshold.
    sla_scan_at = models.DateTimeField(default=SCAN_NOW, editable=False)
    response_breached = models.BooleanField(_("response breached"), default=False, db_index=True)
    resolution_breached = models.BooleanField(
        _("resolution breached"), default=False, db_index=True
    )
    dispatch_due_at = models.DateTimeField(_("dispatch due"), null=True, blank=True, db_index=True)
    accept_due_at = models.DateTimeField(
        _("confirmation due"), null=True, blank=True, db_index=True
    )
    manager_escalation_due_at = models.DateTimeField(
        _("manager escalation due"), null=True, blank=True, db_index=True
    )
    # An engineer said they will be late or cannot come: the desk re-dispatches within
    # 10 minutes (§6.3.3); a new dispatch clears the clock.
    late_reported_at = models.DateTimeField(_("engineer reported late at"), null=True, blank=True)
    redispatch_due_at = models.DateTimeField(
        _("re-dispatch due"), null=True, blank=True, db_index=True
    )
    # Remote guidance by the desk (§6.3.3: at most 5 minutes): started when the desk
    # begins guiding the caller, measured when the order is resolved.
    guidance_started_at = models.DateTimeField(
        _("remote guidance started at"), null=True, blank=True
    )
    guidance_due_at = models.DateTimeField(
        _("remote guidance due"), null=True, blank=True, db_index=True
    )
    guidance_seconds = models.PositiveIntegerField(
        _("remote guidance took (seconds)"), null=True, blank=True
    )

    # Outcome.
    resolution = models.TextField(_("resolution"), blank=True)
    first_contact_resolution = models.BooleanField(_("resolved at first contact"), default=False)
    knowledge_record_id = models.PositiveBigIntegerField(
        _("knowledge record used"), null=True, blank=True
    )
    # The requester's confirmation (or the 3-day silence taken as one): with the callback
    # rule on the order then waits for the desk's callback instead of closing.
    confirmed_at = models.DateTimeField(_("fix confirmed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("close reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    cancel_reason = models.CharField(
        _("cancel reason"), max_length=20, choices=CancelReason.choices, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    rating_comment = models.TextField(_("rating comment"), blank=True)
    # The user's answer on the desk's call-back (回访), kept apart from `rating` (the
    # user's own rating in the portal) so neither overwrites the other.
    callback_satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction on call-back"), null=True, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    # A historic record from the customer's previous system (incidents.history_import):
    # its old number, kept as a reference (the portal numbers it anew), and when it came in.
    external_number = models.CharField(
        _("previous system's number"), max_length=64, blank=True, db_index=True
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("One outage affecting many users: the children follow the parent."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )

    objects = WorkOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at"]
        permissions = [
            # Granted per person or group: e.g. a department head who follows its faults.
            # Not "view_…": the roles' "incidents.view_*" patterns must not grant it.
            ("see_department_work_orders", _("Can see the work orders of their department")),
        ]
        indexes = [
            # Not partial: SQLite cannot match a partial index's condition against bound
            # parameters. Orders that are not open sort last (QUEUE_NEVER) instead.
            models.Index(fields=["queue_due_at", "id"], name="wo_open_queue"),
            models.Index(fields=["sla_scan_at", "id"], name="wo_sla_scan"),
            # The daily volumes' refresh reads the orders changed since its last run.
            models.Index(fields=["updated_at"], name="wo_updated"),
            models.Index(fields=["-created_at", "-id"], name="wo_recent"),
            models.Index(fields=["status", "resolve_due_at"], name="wo_status_due"),
            models.Index(fields=["assignee", "status"], name="wo_assignee_status"),
            models.Index(fields=["requester", "status"], name="wo_requester_status"),
            models.Index(fields=["team", "status"], name="wo_team_status"),
            models.Index(fields=["device", "created_at"], name="wo_device_created"),
            models.Index(fields=["category", "created_at"], name="wo_category_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="work_order_rating_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["external_number"],
                condition=~models.Q(external_number=""),
                name="work_order_external_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(callback_satisfaction__isnull=True)
                | models.Q(callback_satisfaction__gte=1, callback_satisfaction__lte=5),
                name="work_order_callback_satisfaction_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        # The queue's sort key follows from the status and the fix-due instant, so no
        # write can leave a closed order in the open queue or an open one out of it.
        self.queue_due_at = (self.resolve_due_at or QUEUE_PAUSED) if self.is_open else QUEUE_NEVER
        instants = [getattr(self, name) for name in SCAN_INSTANTS]
        instants = [instant for instant in instants if instant is not None]
        self.sla_scan_at = min(instants) if self.is_open and instants else QUEUE_NEVER
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "queue_due_at", "sla_scan_at"}
        super().save(*args, **kwargs)

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def guidance_minutes(self) -> int | None:
        """Remote guidance in whole minutes, rounded up (4 min 10 s is past 4 minutes)."""
        if self.guidance_seconds is None:
            return None
        return -(-self.guidance_seconds // 60)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # --- state machine: state and stamps only -------------------------------------
    @transition(
        field=status, source=[Status.NEW, Status.ASSIGNED, Status.REOPENED], target=Status.ASSIGNED
    )
    def assign(self, *, assignee, at):
        self.assignee = assignee
        self.assigned_at = at
        self.accepted_at = None

    @transition(field=status, source=[Status.ASSIGNED, Status.REOPENED], target=Status.IN_PROGRESS)
    def start(self, *, at):
        self.accepted_at = self.accepted_at or at

    @transition(field=status, source=Status.IN_PROGRESS, target=Status.ON_HOLD)
    def hold(self, *, reason):
        self.hold_reason = reason

    @transition(field=status, source=Status.ON_HOLD, target=Status.IN_PROGRESS)
    def resume(self):
        self.hold_reason = ""

    @transition(
        field=status,
        source=[Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED],
        target=Status.RESOLVED,
    )
    def resolve(self, *, resolution, at):
        self.resolution = resolution
        self.resolved_at = at

    @transition(field=status, source=Status.RESOLVED, target=Status.REOPENED)
    def reopen(self):
        self.resolved_at = None
        self.confirmed_at = None
        self.reopen_count += 1

    @transition(field=status, source=Status.RESOLVED, target=Status.CLOSED)
    def close(self, *, reason, at):
        self.close_reason = reason
        self.closed_at = at

    @transition(field=status, source=[Status.NEW, Status.ASSIGNED], target=Status.CANCELLED)
    def cancel(self, *, reason, at):
        self.cancel_reason = reason
        self.closed_at = at

    @transition(field=status, source=OPEN_STATUSES, target=Status.CANCELLED)
    def merge_into(self, *, target, at):
        self.merged_into = target
        self.cancel_reason = CancelReason.DUPLICATE
        self.closed_at = at


class HoldPeriod(models.Model):
    """A stretch on hold; the SLA clocks replay these to exclude paused time."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(_("waiting for"), max_length=10, choices=HoldReason.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("hold period")
        verbose_name_plural = _("hold periods")
        ordering = ["started_at"]

    def __str__(self):
        return f"{self.work_order_id} {self.reason} {local_minute(self.started_at)}"


class WorkOrderLink(models.Model):
    """A link from a work order to a record of another process (problem, change, release…).

    Generic, so the later process apps link without the incident app importing them.
    """

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work order link")
        verbose_name_plural = _("work order links")
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "content_type", "object_id"], name="work_order_link_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.work_order_id} → {self.content_type_id}:{self.object_id}"
