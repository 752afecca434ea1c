"""Drills and facility incidents (§5.1.2): the disaster plan practised and its incidents
(fire, power, water, lightning) written up, reviewed and reported to the authority above."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import NumberedModel, TimeStampedModel, local_minute
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import (
    DRILL_RESULT_COLOURS,
    FACILITY_INCIDENT_COLOURS,
    DrillKind,
    DrillResult,
    FacilityIncidentKind,
    FacilityIncidentStatus,
)

USER = settings.AUTH_USER_MODEL


class FacilityQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import facility_rows

        return facility_rows(self, user, action)


class Drill(NumberedModel, TimeStampedModel):
    """应急演练记录 (D0406): a drill held, who took part, how it went, what was found."""

    FORM_KEY = "emergency_drill"
    FORM_CODE_DEFAULT = "D0406"

    kind = models.CharField(_("kind"), max_length=20, choices=DrillKind.choices)
    held_on = models.DateField(_("held on"), db_index=True)
    place = models.CharField(_("where"), max_length=200, blank=True)
    scenario = models.TextField(_("scenario"))
    participants = models.TextField(_("participants"), help_text=_("One person per line."))
    result = models.CharField(_("result"), max_length=10, choices=DrillResult.choices)
    findings = models.TextField(_("findings"), blank=True)
    improvements = models.TextField(_("improvements"), blank=True)
    recorded_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("drill (应急演练记录)")
        verbose_name_plural = _("drills")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("emergencies:drill", args=[self.number])

    @property
    def result_colour(self) -> str:
        return DRILL_RESULT_COLOURS.get(self.result, "secondary")

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class FacilityIncident(LockVersioned, NumberedModel, TimeStampedModel):
    """设施事件报告 (D0407): a fire, power cut, water damage or lightning strike written up
    (time, place, cause, losses, actions, prevention), reviewed by the department head and
    reported to the authority above (§5.1.2.1)."""

    FORM_KEY = "facility_incident"
    FORM_CODE_DEFAULT = "D0407"

    kind = models.CharField(_("kind"), max_length=12, choices=FacilityIncidentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    ended_at = models.DateTimeField(_("over at"), null=True, blank=True)
    place = models.CharField(_("where"), max_length=200)
    description = models.TextField(_("what happened"))
    cause = models.TextField(_("cause"), blank=True)
    losses = models.TextField(_("losses"), blank=True)
    actions = models.TextField(_("actions taken"), blank=True)
    prevention = models.TextField(_("prevention and improvements"), blank=True)
    emergency = models.ForeignKey(
        "emergencies.Emergency",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="facility_incidents",
        verbose_name=_("emergency"),
    )
    status = FSMField(
        _("status"),
        max_length=10,
        choices=FacilityIncidentStatus.choices,
        default=FacilityIncidentStatus.DRAFT,
        db_index=True,
    )
    written_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("written by")
    )
    reviewed_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reported_to = models.CharField(_("reported to"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("reported by")
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("facility incident report (设施事件报告)")
        verbose_name_plural = _("facility incident reports")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self):
        return f"{self.number} {self.title} {local_minute(self.occurred_at)}"

    def get_absolute_url(self):
        return reverse("emergencies:facility_incident", args=[self.number])

    @property
    def status_colour(self) -> str:
        return FACILITY_INCIDENT_COLOURS.get(self.status, "secondary")

    @transition(
        field=status, source=FacilityIncidentStatus.DRAFT, target=FacilityIncidentStatus.REVIEWED
    )
    def review(self, *, by, at, comment=""):
        self.reviewed_by, self.reviewed_at, self.review_comment = by, at, comment

    @transition(
        field=status,
        source=FacilityIncidentStatus.REVIEWED,
        target=FacilityIncidentStatus.REPORTED,
    )
    def report(self, *, by, at, to):
        self.reported_by, self.reported_at, self.reported_to = by, at, to
