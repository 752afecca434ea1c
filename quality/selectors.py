"""Every read of quality management that depends on who asks, the survey results (always
aggregated: the answers are anonymous) and the figures the reports section shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from servicedesk.models import Department

from .choices import ActionStatus, QuestionKind, RoundStatus
from .models import Answer, ImprovementAction, Invitation, SurveyResponse, SurveyRound, WeeklyReview

# --- surveys ------------------------------------------------------------------------------


def round_list(*, user) -> QuerySet[SurveyRound]:
    return (
        SurveyRound.objects.restrict(user, "view")
        .select_related("survey")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("-opens_on", "-pk")
    )


def round_get(*, user, pk: int) -> SurveyRound | None:
    return SurveyRound.objects.restrict(user, "view").select_related("survey").filter(pk=pk).first()


def invitation_list_mine(*, user) -> QuerySet[Invitation]:
    """The user's own invitations, open rounds first: what the end user's page lists."""
    return (
        Invitation.objects.filter(user=user)
        .select_related("round")
        .exclude(round__status=RoundStatus.DRAFT)
        .order_by("answered_at", "-round__opens_on", "-pk")
    )


def invitation_get(*, user, pk: int) -> Invitation | None:
    return (
        Invitation.objects.restrict(user, "view")
        .select_related("round__survey")
        .filter(pk=pk)
        .first()
    )


def open_invitation_count(*, user) -> int:
    return Invitation.objects.filter(
        user=user, answered_at__isnull=True, round__status=RoundStatus.OPEN
    ).count()


@dataclass
class QuestionResult:
    question: object
    answered: int = 0
    mean: float | None = None
    distribution: list[tuple[str, int]] = field(default_factory=list)  # (value, count)
    texts: list[str] = field(default_factory=list)


@dataclass
class DepartmentResult:
    department_id: int | None
    name: str
    invited: int
    answered: int
    mean: float | None  # over all rating answers of the department's responses

    @property
    def response_rate(self) -> float | None:
        return round(self.answered / self.invited, 4) if self.invited else None


@dataclass
class RoundResults:
    survey_round: SurveyRound
    invited: int
    answered: int
    mean: float | None
    questions: list[QuestionResult]
    departments: list[DepartmentResult]

    @property
    def response_rate(self) -> float | None:
        return round(self.answered / self.invited, 4) if self.invited else None


def _mean(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def round_results(survey_round: SurveyRound) -> RoundResults:
    """Per question (mean and distribution, choice counts, free texts without who wrote
    them) and per department (invited, answered, mean rating): a fixed number of queries."""
    questions = list(survey_round.survey.questions.all())
    answers = Answer.objects.filter(response__round=survey_round)
    ratings = {}
    for row in (
        answers.filter(rating__isnull=False)
        .values("question_id", "rating")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        ratings.setdefault(row["question_id"], {})[row["rating"]] = row["n"]
    choices = {}
    for row in (
        answers.exclude(choice="")
        .values("question_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        choices.setdefault(row["question_id"], {})[row["choice"]] = row["n"]
    texts = {}
    for question_id, text in (
        answers.exclude(text="").order_by("question_id", "pk").values_list("question_id", "text")
    ):
        texts.setdefault(question_id, []).append(text)
    results = []
    for question in questions:
        result = QuestionResult(question)
        if question.kind == QuestionKind.RATING:
            counts = ratings.get(question.pk, {})
            result.answered = sum(counts.values())
            result.distribution = [(str(n), counts.get(n, 0)) for n in range(1, 6)]
            total = sum(n * c for n, c in counts.items())
            result.mean = round(total / result.answered, 2) if result.answered else None
        elif question.kind == QuestionKind.CHOICE:
            counts = choices.get(question.pk, {})
            options = question.option_list + [c for c in counts if c not in question.option_list]
            result.distribution = [(option, counts.get(option, 0)) for option in options]
            result.answered = sum(counts.values())
        else:
            result.texts = texts.get(question.pk, [])
            result.answered = len(result.texts)
        results.append(result)
    invited = dict(
        survey_round.invitations.values("department_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("department_id", "n")
    )
    answered = dict(
        survey_round.invitations.filter(answered_at__isnull=False)
        .values("department_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("department_id", "n")
    )
    means = dict(
        answers.filter(rating__isnull=False)
        .values("response__department_id")
        .annotate(m=Avg("rating"))
        .order_by()
        .values_list("response__department_id", "m")
    )
    names = dict(
        Department.objects.filter(pk__in=[d for d in invited if d]).values_list("pk", "name")
    )
    departments = sorted(
        (
            DepartmentResult(
                d, names.get(d, ""), invited[d], answered.get(d, 0), _mean(means.get(d))
            )
            for d in invited
        ),
        key=lambda r: (r.department_id is None, r.name),
    )
    overall = answers.filter(rating__isnull=False).aggregate(m=Avg("rating"))["m"]
    return RoundResults(
        survey_round,
        invited=sum(invited.values()),
        answered=sum(answered.values()),
        mean=_mean(overall),
        questions=results,
        departments=departments,
    )


@dataclass
class TrendRow:
    survey_round: SurveyRound
    answered: int
    mean: float | None
    by_question: dict[int, float | None]


def survey_trend(survey_round: SurveyRound, *, limit: int = 8) -> list[TrendRow]:
    """The same survey's rounds up to this one (oldest first), with the mean rating per
    rating question: how satisfaction moves from round to round (two queries)."""
    rounds = list(
        SurveyRound.objects.filter(
            survey_id=survey_round.survey_id,
            opens_on__lte=survey_round.opens_on,
            status__in=[RoundStatus.OPEN, RoundStatus.CLOSED],
        )
        .annotate(answered=Count("responses", distinct=True))
        .order_by("-opens_on", "-pk")[:limit]
    )[::-1]
    means = {}
    for row in (
        Answer.objects.filter(response__round__in=rounds, rating__isnull=False)
        .values("response__round_id", "question_id")
        .annotate(m=Avg("rating"))
        .order_by()
    ):
        means.setdefault(row["response__round_id"], {})[row["question_id"]] = _mean(row["m"])
    overall = dict(
        Answer.objects.filter(response__round__in=rounds, rating__isnull=False)
        .values("response__round_id")
        .annotate(m=Avg("rating"))
        .order_by()
        .values_list("response__round_id", "m")
    )
    return [TrendRow(r, r.answered, _mean(overall.get(r.pk)), means.get(r.pk, {})) for r in rounds]


def results_csv_rows(survey_round: SurveyRound) -> list[list]:
    """One row per response (anonymous: department and date only), one column per question."""
    questions = list(survey_round.survey.questions.all())
    header = ["response", "department", "submitted_on", *[q.text for q in questions]]
    rows = [header]
    answers = {}
    for a in Answer.objects.filter(response__round=survey_round).order_by("response_id", "pk"):
        answers.setdefault(a.response_id, {})[a.question_id] = a.rating or a.choice or a.text
    for number, response in enumerate(
        SurveyResponse.objects.filter(round=survey_round)
        .select_related("department")
        .order_by("pk"),
        1,
    ):
        got = answers.get(response.pk, {})
        rows.append(
            [
                number,
                response.department.name if response.department else "",
                response.submitted_on.isoformat(),
                *[got.get(q.pk, "") for q in questions],
            ]
        )
    return rows


# --- the weekly review ------------------------------------------------------------------------


def review_list(*, user) -> QuerySet[WeeklyReview]:
    return (
        WeeklyReview.objects.restrict(user, "view")
        .annotate(
            item_count=Count("items", distinct=True),
            action_count=Count("actions", distinct=True),
            open_action_count=Count(
                "actions", filter=Q(actions__status=ActionStatus.OPEN), distinct=True
            ),
        )
        .order_by("-iso_year", "-iso_week")
    )


def review_get(*, user, pk: int) -> WeeklyReview | None:
    return WeeklyReview.objects.restrict(user, "view").filter(pk=pk).first()


def review_items(review) -> list:
    return list(
        review.items.select_related("work_order", "complaint")
        .prefetch_related("actions__owner__person")
        .order_by("kind", "pk")
    )


def actions_carried(review) -> list[ImprovementAction]:
    """Actions from earlier weeks still open: followed at every meeting until done."""
    return list(
        ImprovementAction.objects.open()
        .filter(
            Q(review__iso_year__lt=review.iso_year)
            | Q(review__iso_year=review.iso_year, review__iso_week__lt=review.iso_week)
        )
        .select_related("review", "owner__person", "item__work_order")
        .order_by("due_on", "pk")
    )


def action_list(*, user, status: str = "", overdue: bool = False, mine: bool = False):
    actions = ImprovementAction.objects.restrict(user, "view").select_related(
        "review", "owner__person", "item__work_order"
    )
    if status:
        actions = actions.filter(status=status)
    if overdue:
        actions = actions.filter(status=ActionStatus.OPEN, due_on__lt=timezone.localdate())
    if mine:
        actions = actions.filter(owner=user)
    return actions.order_by("status", "due_on", "pk")


# --- the reports section (reports reads these) ------------------------------------------------


def _instant(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def action_records(name: str, *, starts_on: date, ends_on: date) -> QuerySet[ImprovementAction]:
    """The improvement actions behind each figure of [starts_on, ends_on] (inclusive days):
    "opened" (recorded in the period), "closed" (done in the period), "open_overdue"
    (recorded by the period's end, not done by then, due before its last day ended)."""
    start, end = _instant(starts_on), _instant(ends_on + timedelta(days=1))
    actions = ImprovementAction.objects.select_related("review", "owner__person")
    if name == "opened":
        actions = actions.filter(created_at__gte=start, created_at__lt=end)
    elif name == "closed":
        actions = actions.filter(done_at__gte=start, done_at__lt=end)
    elif name == "open_overdue":
        actions = actions.filter(created_at__lt=end, due_on__lte=ends_on).filter(
            Q(done_at__isnull=True) | Q(done_at__gte=end)
        )
    else:
        raise KeyError(name)
    return actions.order_by("due_on", "pk")


def latest_round(*, ends_on: date) -> SurveyRound | None:
    """The newest round opened by `ends_on` (a closed one is final; an open one preliminary)."""
    return (
        SurveyRound.objects.filter(
            status__in=[RoundStatus.OPEN, RoundStatus.CLOSED], opens_on__lte=ends_on
        )
        .select_related("survey")
        .order_by("-opens_on", "-pk")
        .first()
    )


def response_records(
    *, round_id: int, department_id: int | None = None
) -> QuerySet[SurveyResponse]:
    responses = SurveyResponse.objects.filter(round_id=round_id).select_related(
        "department", "round"
    )
    if department_id == 0:  # the responses of people without a department
        responses = responses.filter(department__isnull=True)
    elif department_id:
        responses = responses.filter(department_id=department_id)
    return responses.order_by("pk")


def invitation_records(*, round_id: int) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(round_id=round_id)
        .select_related("department", "round")
        .order_by("pk")
    )
