from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import OPEN_STATUSES, STATUS_COLOURS, FishboneCategory, ProblemStatus


class ProblemQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def _restrict(self, user, action: str):
        # The rule itself lives with the refusal messages in problems.permissions.
        from ..permissions import problem_filter

        condition = problem_filter(user, action)
        return self.none() if condition is None else self.filter(condition)


class Problem(ConcurrentTransitionMixin, LockVersioned, NumberedModel, TimeStampedModel):
    """A problem (问题, form D0301): the unknown cause behind one or more work orders.

    Transition methods move the state and stamp fields only; who may fire them, the
    knowledge record and the notifications are the services' business (services.py).
    """

    FORM_KEY = "problem"
    FORM_CODE_DEFAULT = "D0301"

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        "servicedesk.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    device = models.ForeignKey(
        "cmdb.ConfigurationItem",
        verbose_name=_("device"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_problems",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ProblemStatus.choices,
        default=ProblemStatus.NEW,
        db_index=True,
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    workaround = models.TextField(_("workaround"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    work_orders = models.ManyToManyField(
        "incidents.WorkOrder",
        verbose_name=_("work orders"),
        through="ProblemWorkOrder",
        related_name="problems",
        blank=True,
    )
    # An id, not a key: the knowledge app comes later in the dependency order.
    knowledge_record_id = models.PositiveBigIntegerField(
        _("knowledge record"), null=True, blank=True
    )
    investigation_started_at = models.DateTimeField(
        _("investigation started at"), null=True, blank=True
    )
    root_cause_at = models.DateTimeField(_("root cause found at"), null=True, blank=True)
    workaround_published_at = models.DateTimeField(
        _("workaround published at"), null=True, blank=True
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="problem_status_recent")]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("problems:detail", args=[self.number])

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # --- state machine: state and stamps only -------------------------------------
    @transition(field=status, source=ProblemStatus.NEW, target=ProblemStatus.INVESTIGATING)
    def investigate(self, *, at):
        self.investigation_started_at = at

    @transition(
        field=status,
        source=[ProblemStatus.INVESTIGATING, ProblemStatus.ROOT_CAUSE_KNOWN],
        target=ProblemStatus.ROOT_CAUSE_KNOWN,
    )
    def record_root_cause(self, *, root_cause, at):
        self.root_cause = root_cause
        self.root_cause_at = self.root_cause_at or at

    @transition(
        field=status,
        source=[ProblemStatus.ROOT_CAUSE_KNOWN, ProblemStatus.KNOWN_ERROR],
        target=ProblemStatus.KNOWN_ERROR,
    )
    def publish_workaround(self, *, workaround, at):
        self.workaround = workaround
        self.workaround_published_at = at

    @transition(
        field=status,
        source=[ProblemStatus.ROOT_CAUSE_KNOWN, ProblemStatus.KNOWN_ERROR],
        target=ProblemStatus.RESOLVED,
    )
    def resolve(self, *, resolution, at):
        self.resolution = resolution
        self.resolved_at = at

    @transition(field=status, source=ProblemStatus.RESOLVED, target=ProblemStatus.CLOSED)
    def close(self, *, at):
        self.closed_at = at


class ProblemWorkOrder(models.Model):
    """A work order caused by the problem."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="work_order_links")
    work_order = models.ForeignKey(
        "incidents.WorkOrder", on_delete=models.CASCADE, related_name="problem_links"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("problem work order")
        verbose_name_plural = _("problem work orders")
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "work_order"], name="problem_work_order_unique"
            )
        ]
        indexes = [models.Index(fields=["work_order", "problem"], name="problem_wo_by_order")]

    def __str__(self):
        return f"{self.problem_id} ← {self.work_order_id}"


class FishboneCause(models.Model):
    """One cause line on one bone of the problem's fishbone diagram."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="causes"
    )
    category = models.CharField(_("category"), max_length=20, choices=FishboneCategory.choices)
    text = models.CharField(_("cause"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("fishbone cause")
        verbose_name_plural = _("fishbone causes")
        ordering = ["category", "pk"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.text}"
