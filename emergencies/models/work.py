"""Resource requests, evaluations with their follow-up tasks, and the D0405 report."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import Outcome, ReportPeriod, ResourceKind, ResourceStatus

USER = settings.AUTH_USER_MODEL


class ResourceRequestQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import resource_rows

        return resource_rows(self, user, action)


class ResourceRequest(LockVersioned, NumberedModel, TimeStampedModel):
    """资源申请单: coordination or a purchase, approved and then confirmed by the team."""

    FORM_KEY = "emergency_resource"
    FORM_CODE_DEFAULT = "D0403"

    emergency = models.ForeignKey(
        "emergencies.Emergency",
        models.CASCADE,
        related_name="resource_requests",
        verbose_name=_("emergency"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ResourceKind.choices)
    description = models.TextField(_("what is needed"))
    from_whom = models.CharField(_("from whom"), max_length=200, blank=True)
    product = models.CharField(_("product"), max_length=200, blank=True)
    model_spec = models.CharField(_("model / specification"), max_length=200, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=12, decimal_places=2, default=0)
    status = FSMField(
        _("status"), max_length=10, choices=ResourceStatus.choices, default=ResourceStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    decided_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    result = models.TextField(_("result"), blank=True)
    result_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("result by")
    )
    result_at = models.DateTimeField(_("result at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = ResourceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource request (资源申请单)")
        verbose_name_plural = _("resource requests")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("emergencies:detail", args=[self.emergency.number]) + "#resources"

    @transition(field=status, source=ResourceStatus.REQUESTED, target=ResourceStatus.APPROVED)
    def approve(self, *, by, at, note=""):
        self.decided_by, self.decided_at, self.decision_note = by, at, note

    @transition(field=status, source=ResourceStatus.REQUESTED, target=ResourceStatus.REJECTED)
    def reject(self, *, by, at, note):
        self.decided_by, self.decided_at, self.decision_note = by, at, note

    @transition(field=status, source=ResourceStatus.APPROVED, target=ResourceStatus.DONE)
    def record_result(self, *, by, at, result, cost=None):
        self.result_by, self.result_at, self.result = by, at, result
        if cost is not None:
            self.cost = cost

    @transition(field=status, source=ResourceStatus.DONE, target=ResourceStatus.CONFIRMED)
    def confirm(self, *, by, at):
        self.confirmed_by, self.confirmed_at = by, at


class Evaluation(NumberedModel):
    """应急流程评估单: the team's verdict on one round."""

    FORM_KEY = "emergency_evaluation"
    FORM_CODE_DEFAULT = "D0404"

    emergency = models.ForeignKey(
        "emergencies.Emergency",
        models.CASCADE,
        related_name="evaluations",
        verbose_name=_("emergency"),
    )
    round = models.PositiveSmallIntegerField(_("round"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    opinion = models.TextField(_("opinion"))
    evaluated_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("evaluated by")
    )
    evaluated_at = models.DateTimeField(_("evaluated at"))
    problem = models.ForeignKey(
        "problems.Problem",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("problem opened"),
    )
    change = models.ForeignKey(
        "changes.ChangeRequest",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("change raised"),
    )

    class Meta:
        verbose_name = _("evaluation (应急流程评估单)")
        verbose_name_plural = _("evaluations")
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(
                fields=["emergency", "round"], name="emergency_evaluation_per_round"
            )
        ]

    def __str__(self):
        return f"{self.number} #{self.round}"


class FollowUpTask(models.Model):
    """A follow-up the evaluation assigns (e.g. register changed CIs); closing needs an owner each."""

    emergency = models.ForeignKey(
        "emergencies.Emergency",
        models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("emergency"),
    )
    description = models.CharField(_("task"), max_length=300)
    assignee = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("assignee")
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.description


class EmergencyReport(NumberedModel, TimeStampedModel):
    """应急流程管理报告 (D0405): the period's figures are read live from the selectors."""

    FORM_KEY = "emergency_report"
    FORM_CODE_DEFAULT = "D0405"

    period = models.CharField(_("period"), max_length=8, choices=ReportPeriod.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to (inclusive)"))
    problems_and_suggestions = models.TextField(_("problems and suggestions"), blank=True)
    reporter = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("reporter"))
    supervisor = models.ForeignKey(
        USER,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service supervisor"),
    )
    supervisor_signed_at = models.DateTimeField(
        _("confirmed by the supervisor at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("emergency process report (应急流程管理报告)")
        verbose_name_plural = _("emergency process reports")
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("emergencies:report", args=[self.number])
