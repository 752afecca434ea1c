from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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


# The figures a quarter's target set is about (issue 18 item 4): the contract's headline
# figures; the others stay general commitments.
QUARTER_KEYS = (
    CommitmentKey.RESPONSE_RATE,
    CommitmentKey.SATISFIED_RATE,
    CommitmentKey.FIRST_CONTACT_RATE,
    CommitmentKey.AVAILABILITY,
    CommitmentKey.RESTORE_TIME,
)


class QuarterTargets(models.Model):
    """The service targets agreed for one quarter (季度服务目标), e.g. 2027-Q1.

    Its rows are ordinary ServiceCommitment rows valid from the quarter's first day, so
    the one reading of commitments (servicedesk.selectors.commitments_by_level) applies:
    on any day the quarter's row for a figure is in force, and a figure the quarter does
    not set keeps the latest earlier row (an earlier quarter's or the contract's).
    """

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Where the targets were agreed, e.g. “Quarterly review 2027-03-28”."),
    )

    class Meta:
        verbose_name = _("quarterly service targets")
        verbose_name_plural = _("quarterly service targets")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="quarter_targets_once"),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="quarter_targets_1_4"
            ),
        ]

    def __str__(self):
        return self.slug

    @property
    def slug(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1, 1)


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
    quarter = models.ForeignKey(
        QuarterTargets,
        verbose_name=_("quarterly targets"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commitments",
        help_text=_("Set: the row is that quarter's target and valid from its first day."),
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

    def save(self, *args, **kwargs):
        self._follow_quarter()
        super().save(*args, **kwargs)

    def clean(self):
        self._follow_quarter()
        if self.quarter_id or "quarter" in self._state.fields_cache:
            if self.quarter is not None and self.key not in QUARTER_KEYS:
                raise ValidationError(
                    {
                        "key": _(
                            "A quarter's targets are response rate, satisfaction, "
                            "first-contact resolution, availability and restore time."
                        )
                    }
                )
            clash = ServiceCommitment.objects.filter(
                key=self.key, service_level_id=self.service_level_id, valid_from=self.valid_from
            ).exclude(pk=self.pk)
            if self.valid_from and clash.exists():
                raise ValidationError(
                    _(
                        "Another commitment for this figure and level already starts on "
                        "%(day)s: edit that one."
                    )
                    % {"day": self.valid_from}
                )
        if self.op == CommitmentOp.BETWEEN and self.upper is None:
            raise ValidationError({"upper": _("A range needs an upper bound.")})
        if self.op != CommitmentOp.BETWEEN and self.upper is not None:
            raise ValidationError({"upper": _("Only a range has an upper bound.")})

    def _follow_quarter(self) -> None:
        # The quarter may still be unsaved (added in the same admin form as its rows).
        quarter = self.quarter if self.quarter_id or "quarter" in self._state.fields_cache else None
        if quarter is not None and quarter.year and quarter.quarter:
            self.valid_from = quarter.starts_on
