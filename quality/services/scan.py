"""The periodic scan (beat): opens and closes survey rounds on their days, reminds the
invited who have not answered, lists new low ratings and complaints on the current
weeks' reviews, and reminds owners of overdue improvement actions. Idempotent: each step
claims its work with a conditional UPDATE or a state transition, so a rerun does nothing."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from itsm.actors import system_user
from itsm.workflow import Conflict, IllegalTransition
from servicedesk.notifications import notify, notify_many

from ..choices import ActionStatus, RoundStatus
from ..models import ImprovementAction, Invitation, SurveyRound, WeeklyReview
from .reviews import _refresh
from .surveys import round_close, round_open

# The invited who have not answered are reminded once, this many days before the close.
REMIND_BEFORE = timedelta(days=3)


def quality_scan(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    system = system_user()
    done = {"opened": 0, "closed": 0, "reminded": 0, "listed": 0, "overdue": 0}
    for survey_round in SurveyRound.objects.filter(
        status=RoundStatus.PUBLISHED, opens_on__lte=today
    ):
        try:
            round_open(survey_round=survey_round, actor=system)
            done["opened"] += 1
        except (Conflict, IllegalTransition):  # another run moved it first
            pass
    for survey_round in SurveyRound.objects.filter(status=RoundStatus.OPEN, closes_on__lt=today):
        try:
            round_close(survey_round=survey_round, actor=system)
            done["closed"] += 1
        except (Conflict, IllegalTransition):
            pass
    done["reminded"] = _remind_unanswered(today)
    done["listed"] = _list_current_weeks(today)
    done["overdue"] = _remind_overdue_actions(today)
    return done


def _remind_unanswered(today) -> int:
    told = 0
    rounds = SurveyRound.objects.filter(
        status=RoundStatus.OPEN, closes_on__lte=today + REMIND_BEFORE
    )
    for survey_round in rounds:
        with transaction.atomic():
            survey_round = workflow.lock(survey_round, expected=None)
            pending = list(
                Invitation.objects.filter(
                    round=survey_round, answered_at__isnull=True, reminded_at__isnull=True
                ).select_related("user")
            )
            Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(
                reminded_at=timezone.now()
            )
            subject = _("Reminder: satisfaction survey %(title)s") % {"title": survey_round.title}
            body = _("The survey closes on %(date)s. It takes a few minutes.") % {
                "date": survey_round.closes_on.isoformat()
            }
            told += notify_many(([i.user], subject, body, i.get_absolute_url()) for i in pending)
    return told


def _list_current_weeks(today) -> int:
    # This week's and last week's records pick up ratings given since they were made.
    weeks = {tuple(today.isocalendar()[:2]), tuple((today - timedelta(days=7)).isocalendar()[:2])}
    condition = Q()
    for year, week in weeks:
        condition |= Q(iso_year=year, iso_week=week)
    listed = 0
    for review in WeeklyReview.objects.filter(condition):
        with transaction.atomic():
            listed += _refresh(workflow.lock(review, expected=None))
    return listed


def _remind_overdue_actions(today) -> int:
    told = 0
    overdue = ImprovementAction.objects.filter(status=ActionStatus.OPEN, due_on__lt=today).exclude(
        reminded_for=F("due_on")
    )
    for action in overdue.select_related("owner"):
        claimed = (
            ImprovementAction.objects.filter(pk=action.pk, status=ActionStatus.OPEN)
            .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=action.due_on))
            .update(reminded_for=action.due_on)
        )
        if not claimed:
            continue
        notify(
            recipients=[action.owner],
            subject=_("Improvement action overdue since %(date)s")
            % {"date": action.due_on.isoformat()},
            body=action.description,
            url=action.get_absolute_url(),
        )
        told += 1
    return told
