from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitmentKey(models.TextChoices):
    """The figures the contract commits to. Rates are ratios (0.95 = 95 %); times are
    business minutes; availability is a ratio of scheduled service time."""

    RESPONSE_RATE = "response_rate", _("Response rate")
    RESPONSE_ATTAINMENT = "response_attainment", _("Responded in time")
    RESOLUTION_ATTAINMENT = "resolution_attainment", _("Resolved in time")
    FIRST_CONTACT_RATE = "first_contact_rate", _("First-contact resolution")
    SATISFIED_RATE = "satisfied_rate", _("Satisfied users")
    AVAILABILITY = "availability", _("Availability")
    RESPONSE_TIME = "response_time", _("Response time (business minutes)")
    RESTORE_TIME = "restore_time", _("Restore time (business minutes)")


class CommitmentOp(models.TextChoices):
    AT_LEAST = ">=", "≥"
    ABOVE = ">", ">"
    AT_MOST = "<=", "≤"
    BELOW = "<", "<"
    BETWEEN = "between", _("between")


class ServiceCommitment(models.Model):
    """One commitment of the contract (§6.2.1, §6.3.3), valid from a day until a later
    row for the same figure and service level replaces it.

    The targets are data because the customer's own text contradicts itself (VIP
    satisfaction "> 100 %"; §6.2.2 (a) "1 h response" against the 2 h of 标准): the
    admin records which reading applies, with `source` saying where it came from, and
    every report states the commitments it was measured against.
    """

    key = models.CharField(_("figure"), max_length=30, choices=CommitmentKey.choices)
    service_level = models.ForeignKey(
        "servicedesk.ServiceLevel",
        verbose_name=_("service level"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
        help_text=_("Empty: applies to every service level without a row of its own."),
    )
    op = models.CharField(_("comparison"), max_length=8, choices=CommitmentOp.choices)
    value = models.FloatField(_("value"), help_text=_("Rates as ratios: 0.95 is 95 %."))
    upper = models.FloatField(_("upper bound"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the commitment comes from and how it was read, e.g. “Contract §6.3.3”."),
    )

    class Meta:
        verbose_name = _("service commitment")
        verbose_name_plural = _("service commitments")
        ordering = ["key", "service_level__rank", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "service_level", "valid_from"], name="commitment_once_per_day"
            ),
            models.UniqueConstraint(
                fields=["key", "valid_from"],
                condition=models.Q(service_level__isnull=True),
                name="commitment_general_once_per_day",
            ),
            models.CheckConstraint(
                condition=~models.Q(op="between")
                | models.Q(upper__isnull=False, upper__gte=models.F("value")),
                name="commitment_between_has_upper",
                violation_error_message=_("A range needs an upper bound at least the value."),
            ),
        ]

    def __str__(self):
        level = f" {self.service_level}" if self.service_level_id else ""
        return f"{self.get_key_display()}{level} {self.op} {self.value}"

    def clean(self):
        if self.op == CommitmentOp.BETWEEN and self.upper is None:
            raise ValidationError({"upper": _("A range needs an upper bound.")})
        if self.op != CommitmentOp.BETWEEN and self.upper is not None:
            raise ValidationError({"upper": _("Only a range has an upper bound.")})
