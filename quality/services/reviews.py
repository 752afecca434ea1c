"""The weekly rating review (PDCA): the week's record, its items (listed automatically
from incidents' own definitions), causes and improvement actions followed until done."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.metrics import low_scored_orders
from incidents.period_selectors import complaints_in_period
from itsm import workflow
from servicedesk.notifications import notify

from ..choices import ItemKind
from ..models import ImprovementAction, ReviewItem, WeeklyReview
from ..permissions import action_refusal, review_refusal


def low_rating_threshold() -> int:
    """Ratings at or below this are listed for the weekly review (settings.ITSM)."""
    return int(settings.ITSM.get("QUALITY_LOW_RATING", 3))


def week_bounds(iso_year: int, iso_week: int) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) of the ISO week, in the portal's time zone.
    ValueError for a week that does not exist."""
    monday = date.fromisocalendar(iso_year, iso_week, 1)
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(monday, time.min), zone)
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min), zone)
    return start, end


def _conflict():
    return _("This weekly review was changed by someone else. Reload it and try again.")


@transaction.atomic
def review_create(
    *,
    actor,
    iso_year: int,
    iso_week: int,
    held_on=None,
    attendees=(),
    other_attendees: str = "",
    threshold: int | None = None,
) -> WeeklyReview:
    """The week's review record, with the week's low ratings and complaints listed."""
    workflow.require(review_refusal(actor, None, "change"))
    try:
        week_bounds(iso_year, iso_week)
    except (TypeError, ValueError) as exc:
        raise ValidationError({"week": _("There is no such week.")}) from exc
    threshold = low_rating_threshold() if threshold is None else int(threshold)
    if not 1 <= threshold <= 5:
        raise ValidationError({"threshold": _("Choose from 1 to 5.")})
    if WeeklyReview.objects.filter(iso_year=iso_year, iso_week=iso_week).exists():
        raise ValidationError({"week": _("That week already has a review record.")})
    try:
        with transaction.atomic():
            review = WeeklyReview.objects.create(
                iso_year=iso_year,
                iso_week=iso_week,
                held_on=held_on or timezone.localdate(),
                other_attendees=other_attendees.strip(),
                threshold=threshold,
                created_by=actor,
            )
    except IntegrityError as exc:  # created at the same moment by someone else
        raise ValidationError({"week": _("That week already has a review record.")}) from exc
    review.attendees.set(attendees)
    _refresh(review)
    return review


@transaction.atomic
def review_update(
    *,
    review,
    actor,
    held_on,
    attendees,
    other_attendees: str = "",
    summary: str = "",
    lock_version=None,
) -> WeeklyReview:
    """Who attended, when, and the meeting's summary."""
    review = workflow.lock(review, expected=lock_version, conflict=_conflict())
    workflow.require(review_refusal(actor, review, "change"))
    review.held_on = held_on
    review.other_attendees = (other_attendees or "").strip()
    review.summary = (summary or "").strip()
    workflow.save(review)
    review.attendees.set(attendees)
    return review


@transaction.atomic
def review_items_refresh(*, review, actor) -> int:
    """List the week's low ratings and complaints not yet on the record (idempotent: each
    work order and complaint once). Returns how many were added."""
    review = workflow.lock(review, expected=None)
    workflow.require(review_refusal(actor, review, "change"))
    return _refresh(review)


def _refresh(review) -> int:
    start, end = week_bounds(review.iso_year, review.iso_week)
    listed_orders = set(
        review.items.filter(kind=ItemKind.LOW_RATING).values_list("work_order_id", flat=True)
    )
    listed_complaints = set(
        review.items.filter(kind=ItemKind.COMPLAINT).values_list("complaint_id", flat=True)
    )
    rows = [
        ReviewItem(
            review=review,
            kind=ItemKind.LOW_RATING,
            work_order=order,
            score=order.score,
            remark=order.rating_comment,
        )
        for order in low_scored_orders(start=start, end=end, at_most=review.threshold)
        if order.pk not in listed_orders
    ]
    rows += [
        ReviewItem(
            review=review,
            kind=ItemKind.COMPLAINT,
            complaint=complaint,
            work_order=complaint.work_order,
            remark=complaint.description,
        )
        for complaint in complaints_in_period(start=start, end=end)
        if complaint.pk not in listed_complaints
    ]
    ReviewItem.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def item_cause_record(*, item, actor, cause: str) -> ReviewItem:
    """The cause the meeting found for one item."""
    workflow.require(review_refusal(actor, item.review, "change"))
    item = ReviewItem.objects.select_for_update().get(pk=item.pk)
    item.cause = (cause or "").strip()
    item.save(update_fields=["cause"])
    return item


@transaction.atomic
def action_add(*, review, actor, description: str, owner, due_on, item=None) -> ImprovementAction:
    """An improvement action with its owner and due date; the owner is told."""
    workflow.require(review_refusal(actor, review, "change"))
    errors = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe the improvement action.")
    if owner is None:
        errors["owner"] = _("Name who owns the action.")
    if due_on is None:
        errors["due_on"] = _("Give the action a due date.")
    if item is not None and item.review_id != review.pk:
        errors["item"] = _("That item belongs to another week's review.")
    if errors:
        raise ValidationError(errors)
    action = ImprovementAction.objects.create(
        review=review,
        item=item,
        description=description,
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    notify(
        recipients=[owner],
        subject=_("Improvement action for you, due %(date)s") % {"date": due_on.isoformat()},
        body=description,
        url=action.get_absolute_url(),
    )
    return action


@transaction.atomic
def action_complete(*, action, actor, note: str, lock_version=None) -> ImprovementAction:
    """Open → done, with what was done (the Check of PDCA), through the one pipeline."""
    action = workflow.lock(
        action,
        expected=lock_version,
        conflict=_("This action was changed by someone else. Reload it and try again."),
    )
    workflow.require(action_refusal(actor, action, "complete"))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what was done.")})
    # The transition's own `note` goes to the log; the method gets the result as its note.
    workflow.transition(
        action,
        actor=actor,
        name="complete",
        method=lambda: action.complete(by=actor, at=timezone.now(), note=note),
        refused=_("An action that is “%(status)s” cannot be marked done."),
        note=note,
    )
    return action
