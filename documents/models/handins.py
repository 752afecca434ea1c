"""Technical documents handed in by engineers (plan §6.3.6: 维护工程师每周提交技术文档;
§6.3.1: 每月审核项目组的技术月报，整理后录入知识库).

`HandInDuty` is the schedule as data: who hands in what (a weekly technical document per
engineer, the monthly technical report per team), and when it is due. `TechnicalHandIn`
is one period of a duty: a row appears when the reminder scan reaches the period or when
the engineer hands in, whichever comes first. The due list derives "due / late /
received" from duties and rows, so a period nobody touched still shows as late.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from itsm.mixins import TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from .. import handin_periods
from ..choices import HANDIN_STATUS_COLOURS, HandInKind, HandInStatus
from .catalogue import StoredFile, _user


class HandInDuty(TimeStampedModel):
    """《技术文档提交要求》: `assignee` hands in a `kind` document every period."""

    kind = models.CharField(_("what"), max_length=10, choices=HandInKind.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed in by"),
        on_delete=models.CASCADE,
        related_name="handin_duties",
    )
    team = models.ForeignKey(
        "servicedesk.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("For the monthly report: the team whose work it reports."),
    )
    due_weekday = models.PositiveSmallIntegerField(
        _("weekly: due on weekday"),
        default=4,
        validators=[MaxValueValidator(6)],
        help_text=_("0 Monday … 4 Friday … 6 Sunday of the same week."),
    )
    due_day = models.PositiveSmallIntegerField(
        _("monthly: due on day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the following month (1–28)."),
    )
    starts_on = models.DateField(_("from"), help_text=_("The first period that is due."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("hand-in duty")
        verbose_name_plural = _("hand-in duties")
        ordering = ["kind", "assignee__username", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "assignee", "team"],
                name="doc_handin_duty_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        who = getattr(getattr(self.assignee, "person", None), "name", "") or self.assignee
        team = f" ({self.team})" if self.team_id else ""
        return f"{self.get_kind_display()}: {who}{team}"

    def due_on(self, start):
        return handin_periods.due_on(
            self.kind, start, due_weekday=self.due_weekday, due_day=self.due_day
        )


class HandInQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import role_allows

        rule = {"view": "read", "review": "review_handins"}.get(action, "read")
        if not role_allows(user, rule):
            return self.none()
        if action == "review":
            return self.filter(status=HandInStatus.SUBMITTED).exclude(duty__assignee=user)
        return self


class TechnicalHandIn(LockVersioned, TimeStampedModel, StoredFile):
    """One period's technical document or monthly report: a file, a link or a knowledge
    record, with a summary. A monthly report is reviewed; accepted, it is entered into
    the knowledge base (`entered_record_number`)."""

    duty = models.ForeignKey(
        HandInDuty, verbose_name=_("duty"), on_delete=models.PROTECT, related_name="handins"
    )
    period_start = models.DateField(_("period"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = FSMField(
        _("status"),
        max_length=12,
        choices=HandInStatus.choices,
        default=HandInStatus.DUE,
        db_index=True,
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    knowledge_record_number = models.CharField(_("knowledge record"), max_length=64, blank=True)
    submitted_by = _user(_("handed in by"))
    submitted_at = models.DateTimeField(_("handed in at"), null=True, blank=True)
    reviewed_by = _user(_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    entered_record_number = models.CharField(
        _("entered as knowledge record"), max_length=64, blank=True, editable=False
    )
    # The due date a reminder was sent for, and whether "late" was sent: claimed by the
    # scan with a conditional UPDATE, so reruns send nothing twice.
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    late_reminded = models.BooleanField(default=False, editable=False)

    objects = HandInQuerySet.as_manager()

    class Meta:
        verbose_name = _("technical hand-in")
        verbose_name_plural = _("technical hand-ins")
        ordering = ["-due_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "period_start"], name="doc_handin_period")
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="doc_handin_status_due")]
        permissions = [
            (
                "review_technicalhandin",
                _("Can review technical monthly reports and enter them into the knowledge base"),
            ),
        ]

    def __str__(self):
        return f"{self.duty} {self.period_label}"

    def get_absolute_url(self):
        return reverse("documents:handin_detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return handin_periods.label(self.duty.kind, self.period_start)

    @property
    def status_colour(self) -> str:
        return HANDIN_STATUS_COLOURS.get(self.status, "secondary")

    # --- state machine: state and stamps only -------------------------------------
    @transition(
        field=status,
        source=[HandInStatus.DUE, HandInStatus.RETURNED, HandInStatus.RECEIVED],
        target=RETURN_VALUE(HandInStatus.RECEIVED, HandInStatus.SUBMITTED),
    )
    def hand_in(self, *, by, at, kind):
        """A weekly document is received as it is; a monthly report awaits review."""
        self.submitted_by = by
        self.submitted_at = at
        self.reviewed_by, self.reviewed_at, self.review_note = None, None, ""
        return HandInStatus.SUBMITTED if kind == HandInKind.MONTHLY else HandInStatus.RECEIVED

    @transition(field=status, source=HandInStatus.SUBMITTED, target=HandInStatus.ACCEPTED)
    def accept(self, *, by, at, review_note, record_number):
        self.reviewed_by, self.reviewed_at, self.review_note = by, at, review_note
        self.entered_record_number = record_number

    @transition(field=status, source=HandInStatus.SUBMITTED, target=HandInStatus.RETURNED)
    def send_back(self, *, by, at, review_note):
        self.reviewed_by, self.reviewed_at, self.review_note = by, at, review_note
