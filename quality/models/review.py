"""The weekly rating review (回访与总结例会, plan §3.2 C, PDCA): one record per ISO week
listing the week's low ratings and complaints, their causes, and improvement actions with
an owner and a due date, followed until done across the weeks."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from itsm.mixins import TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import ACTION_COLOURS, ActionStatus, ItemKind

USER = settings.AUTH_USER_MODEL


class ReviewQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import review_rows

        return review_rows(self, user, action)


class WeeklyReview(LockVersioned, TimeStampedModel):
    iso_year = models.PositiveSmallIntegerField(_("year"))
    iso_week = models.PositiveSmallIntegerField(_("week"))
    held_on = models.DateField(_("held on"))
    attendees = models.ManyToManyField(
        USER, blank=True, related_name="+", verbose_name=_("attendees")
    )
    other_attendees = models.CharField(
        _("other attendees"), max_length=300, blank=True, help_text=_("People without an account.")
    )
    # Ratings at or below this were listed (kept with the record: the setting may change).
    threshold = models.PositiveSmallIntegerField(_("low rating threshold"))
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly rating review")
        verbose_name_plural = _("weekly rating reviews")
        ordering = ["-iso_year", "-iso_week"]
        constraints = [
            models.UniqueConstraint(fields=["iso_year", "iso_week"], name="quality_review_week")
        ]

    def __str__(self):
        return f"{self.iso_year}-W{self.iso_week:02d}"

    def get_absolute_url(self):
        return reverse("quality:review_detail", args=[self.pk])

    @property
    def week_start(self) -> date:
        return date.fromisocalendar(self.iso_year, self.iso_week, 1)

    @property
    def week_end(self) -> date:
        """The week's Sunday (inclusive)."""
        return self.week_start + timedelta(days=6)


class ReviewItem(models.Model):
    """A low rating or a complaint of the week, with the cause the meeting found."""

    review = models.ForeignKey(
        WeeklyReview, models.CASCADE, related_name="items", verbose_name=_("review")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    work_order = models.ForeignKey(
        "incidents.WorkOrder",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )
    complaint = models.ForeignKey(
        "incidents.Complaint",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint"),
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    remark = models.TextField(_("what the user said"), blank=True)
    cause = models.TextField(_("cause"), blank=True)

    class Meta:
        verbose_name = _("review item")
        verbose_name_plural = _("review items")
        ordering = ["review", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "work_order"],
                condition=models.Q(kind="low_rating"),
                name="quality_item_rating_once",
            ),
            models.UniqueConstraint(
                fields=["review", "complaint"],
                condition=models.Q(kind="complaint"),
                name="quality_item_complaint_once",
            ),
        ]

    def __str__(self):
        return f"{self.review} {self.get_kind_display()}"

    @property
    def label(self) -> str:
        """How the item is named in the action form (work_order selected with it)."""
        number = self.work_order.number if self.work_order_id else ""
        if self.kind == ItemKind.LOW_RATING:
            return _("Rating %(score)s on %(number)s") % {"score": self.score, "number": number}
        if number:
            return _("Complaint about %(number)s") % {"number": number}
        return (
            _("Complaint of %(date)s") % {"date": f"{self.complaint.created_at:%Y-%m-%d}"}
            if self.complaint_id
            else str(self)
        )


class ActionQuerySet(RestrictedQuerySet):
    def open(self):
        return self.filter(status=ActionStatus.OPEN)

    def _restrict(self, user, action: str):
        from ..permissions import action_rows

        return action_rows(self, user, action)


class ImprovementAction(LockVersioned, TimeStampedModel):
    """An improvement action (改进措施) with its owner and due date, open until done."""

    review = models.ForeignKey(
        WeeklyReview, models.CASCADE, related_name="actions", verbose_name=_("review")
    )
    item = models.ForeignKey(
        ReviewItem,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("review item"),
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(USER, models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = FSMField(
        _("status"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, db_index=True)
    done_by = models.ForeignKey(
        USER, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("done by")
    )
    done_note = models.TextField(_("result"), blank=True)
    # The due date the owner was last reminded of: once per due point.
    reminded_for = models.DateField(_("reminded for"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, models.PROTECT, related_name="+", verbose_name=_("created by")
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="quality_action_due")]

    def __str__(self):
        return self.description[:60]

    def get_absolute_url(self):
        return reverse("quality:review_detail", args=[self.review_id]) + f"#action-{self.pk}"

    @property
    def status_colour(self) -> str:
        return ACTION_COLOURS.get(self.status, "secondary")

    def is_overdue(self, today: date) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today

    @transition(field=status, source=ActionStatus.OPEN, target=ActionStatus.DONE)
    def complete(self, *, by, at, note):
        self.done_by, self.done_at, self.done_note = by, at, note
