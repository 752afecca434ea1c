from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.choices import ApprovalBody, Role

from ..choices import Decision


class ApproverSet(models.Model):
    """The change advisory board (CAB, 变更咨询会议): the slots that must sign a change.

    Admin-edited; the default set applies to every change that asks for approval, the
    one marked `for_releases` to authorising releases.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_default = models.BooleanField(_("default"), default=False)
    for_releases = models.BooleanField(
        _("authorises releases"),
        default=False,
        help_text=_("The set that authorises releases; without one, the default set does."),
    )

    class Meta:
        verbose_name = _("approver set")
        verbose_name_plural = _("approver sets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_approver_set",
            ),
            models.UniqueConstraint(
                fields=["for_releases"],
                condition=models.Q(for_releases=True),
                name="one_release_approver_set",
            ),
        ]

    def __str__(self):
        return self.name


class ApproverSlot(models.Model):
    """One signature the set needs: anyone holding `role`, or an approver of `approval_body`."""

    approver_set = models.ForeignKey(
        ApproverSet, verbose_name=_("approver set"), on_delete=models.CASCADE, related_name="slots"
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("e.g. 服务主管, 运维部, 信息中心")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    approval_body = models.CharField(
        _("approval body"), max_length=30, choices=ApprovalBody.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("approver slot")
        verbose_name_plural = _("approver slots")
        ordering = ["approver_set", "order", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if bool(self.role) == bool(self.approval_body):
            raise ValidationError(_("Choose either a role or an approval body for the slot."))


class SlotDecision(models.Model):
    """One slot's decision in one approval round: the part changes and releases share.

    Subclasses add the foreign key to what is decided and the approver (whose reverse
    name differs); `record` stamps a decision, the services decide whether it may.
    """

    round = models.PositiveSmallIntegerField(_("round"), default=1)
    slot_name = models.CharField(_("slot"), max_length=100)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    approval_body = models.CharField(
        _("approval body"), max_length=30, choices=ApprovalBody.choices, blank=True
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.slot_name}: {self.get_decision_display()}"

    def record(self, *, approver, approve: bool, comment: str, at) -> None:
        self.decision = Decision.APPROVED if approve else Decision.REJECTED
        self.approver = approver
        self.comment = comment
        self.decided_at = at

    @property
    def timeline_note(self) -> str:
        """ "运维部: 批准 — comment", as the subject's timeline shows the signature."""
        text = f"{self.slot_name}: {self.get_decision_display()}"
        return f"{text} — {self.comment}" if self.comment else text


class Approval(SlotDecision):
    """One slot's decision on one change, in one approval round."""

    change = models.ForeignKey(
        "changes.ChangeRequest",
        verbose_name=_("change"),
        on_delete=models.CASCADE,
        related_name="approvals",
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_approvals",
    )

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["change", "round", "order", "pk"]
        indexes = [models.Index(fields=["change", "round"], name="approval_change_round")]
