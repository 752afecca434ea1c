from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from itsm.workflow import LockVersioned

from ..choices import STATUS_COLOURS, ApprovalStatus, ApprovalStep, Decision

_NEXT = {
    ApprovalStatus.AWAITING_SUPERVISOR: ApprovalStatus.AWAITING_OPS,
    ApprovalStatus.AWAITING_OPS: ApprovalStatus.AWAITING_INFO,
    ApprovalStatus.AWAITING_INFO: ApprovalStatus.APPROVED,
}


class ApprovalFlow(LockVersioned):
    """draft → 服务主管 → 运维部 → 信息中心 → approved; a rejection returns it to draft.

    Shared by the plan and the report, which the customer approves the same way.
    """

    status = FSMField(
        _("status"),
        max_length=30,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.DRAFT,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        abstract = True

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @transition(
        field=status, source=ApprovalStatus.DRAFT, target=ApprovalStatus.AWAITING_SUPERVISOR
    )
    def submit(self, *, at):
        self.submitted_at = at

    @transition(field=status, source=list(_NEXT), target=RETURN_VALUE(*_NEXT.values()))
    def approve(self, *, at):
        target = _NEXT[self.status]
        if target == ApprovalStatus.APPROVED:
            self.approved_at = at
        return target

    @transition(field=status, source=list(_NEXT), target=ApprovalStatus.DRAFT)
    def reject(self, *, reason):
        self.rejection_reason = reason


class InspectionApproval(models.Model):
    """One signature on a plan or a report: who, for which body, when, with what comment."""

    plan = models.ForeignKey(
        "inspections.InspectionPlan",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    report = models.ForeignKey(
        "inspections.InspectionReport",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    step = models.CharField(_("step"), max_length=30, choices=ApprovalStep.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="inspection_approvals",
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("inspection approval")
        verbose_name_plural = _("inspection approvals")
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False, report__isnull=True)
                | Q(plan__isnull=True, report__isnull=False),
                name="inspections_approval_one_subject",
            )
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.get_decision_display()}"
