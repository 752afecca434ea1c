"""Satisfaction surveys (满意度调查, plan §2.4, §3.2 C): the questionnaire as data, one round
per period with its audience, the invitations and the answers.

Answers are stored without the person: a response names the round and the respondent's
department only, and the invitation records that (not what) the person answered. So the
results can only ever be shown aggregated, and "one response per person" is the
invitation's conditional claim (answered_at IS NULL → now)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import ROUND_COLOURS, QuestionKind, RoundStatus

USER = settings.AUTH_USER_MODEL


class Survey(TimeStampedModel):
    """A questionnaire (满意度调查表), reused round after round so results compare."""

    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["title"]

    def __str__(self):
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(
        Survey, models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    options = models.TextField(
        _("options"), blank=True, help_text=_("For a single choice: one option per line.")
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "order", "pk"]

    def __str__(self):
        return self.text

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class RoundQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import round_rows

        return round_rows(self, user, action)


class SurveyRound(LockVersioned, TimeStampedModel):
    """One period's survey (e.g. 2026 Q3): published, then open for answers, then closed."""

    survey = models.ForeignKey(
        Survey, models.PROTECT, related_name="rounds", verbose_name=_("survey")
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"), db_index=True)
    closes_on = models.DateField(_("closes on"), db_index=True)
    # No departments: every active end user is invited.
    departments = models.ManyToManyField(
        "servicedesk.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    status = FSMField(
        _("status"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    created_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-opens_on", "-pk"]
        indexes = [models.Index(fields=["status", "opens_on"], name="quality_round_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quality:round_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return ROUND_COLOURS.get(self.status, "secondary")

    # --- state machine: state and stamps only -------------------------------------
    @transition(field=status, source=RoundStatus.DRAFT, target=RoundStatus.PUBLISHED)
    def publish(self, *, at):
        self.published_at = at

    @transition(field=status, source=RoundStatus.PUBLISHED, target=RoundStatus.OPEN)
    def open(self, *, at):
        self.opened_at = at

    @transition(field=status, source=RoundStatus.OPEN, target=RoundStatus.CLOSED)
    def close(self, *, at):
        self.closed_at = at


class InvitationQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import invitation_rows

        return invitation_rows(self, user, action)


class Invitation(models.Model):
    """One person invited to one round: created once (unique), told once, reminded once."""

    round = models.ForeignKey(
        SurveyRound, models.CASCADE, related_name="invitations", verbose_name=_("survey round")
    )
    user = models.ForeignKey(
        USER, models.CASCADE, related_name="survey_invitations", verbose_name=_("user")
    )
    # The department when invited: the results are grouped by it.
    department = models.ForeignKey(
        "servicedesk.Department",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    invited_at = models.DateTimeField(_("invited at"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["-invited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="quality_invitation_once")
        ]

    def __str__(self):
        return f"{self.round} – {self.user}"

    def get_absolute_url(self):
        return reverse("quality:answer", args=[self.pk])


class ResponseQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import results_rows

        return results_rows(self, user, action)


class SurveyResponse(models.Model):
    """One person's answers, kept without the person (see the module docstring)."""

    round = models.ForeignKey(
        SurveyRound, models.CASCADE, related_name="responses", verbose_name=_("survey round")
    )
    department = models.ForeignKey(
        "servicedesk.Department",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    submitted_on = models.DateField(_("submitted on"))

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["round", "pk"]

    def __str__(self):
        return f"{self.round} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="quality_answer_once"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="quality_answer_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.rating or self.choice or self.text[:30]}"
