"""Demo quality records: the quarterly satisfaction survey (last quarter's round closed
with answers, this quarter's open with a few) and two weekly rating reviews with
improvement actions, one done. Idempotent: skipped once a survey exists."""

import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from . import services
from .choices import QuestionKind
from .models import Invitation, Survey, WeeklyReview

QUESTIONS = [
    (QuestionKind.RATING, "您对服务台受理（电话、网页）的总体满意度", ""),
    (QuestionKind.RATING, "您对工程师上门服务的及时性满意度", ""),
    (QuestionKind.RATING, "您对故障处理质量的满意度", ""),
    (QuestionKind.CHOICE, "您最常用的报障方式", "电话\n网页\n邮件\n现场"),
    (QuestionKind.TEXT, "您对运维服务的意见和建议", ""),
]
SUGGESTIONS = ["打印机故障希望能更快处理", "工程师服务态度很好", "希望多做电脑使用培训", ""]


def seed(*, password: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _seed()


def _quarter_start(day):
    return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)


def _seed() -> str:
    if Survey.objects.exists():
        return "survey exists, skipped"
    users = get_user_model().objects.in_bulk(
        ["supervisor", "manager", "agent", "engineer", "engineer2"], field_name="username"
    )
    supervisor = users.get("supervisor")
    if supervisor is None:
        return "demo staff missing, skipped"
    survey = Survey.objects.create(
        title="季度用户满意度调查",
        introduction="为持续提升IT运维服务质量，请您抽出几分钟完成本次调查。",
    )
    for order, (kind, text, options) in enumerate(QUESTIONS):
        survey.questions.create(
            order=order, kind=kind, text=text, options=options, required=kind != QuestionKind.TEXT
        )
    questions = list(survey.questions.all())
    rng = random.Random(18)  # noqa: S311 (repeatable demo answers, not secrets)
    today = timezone.localdate()
    this_quarter = _quarter_start(today)
    last_quarter = _quarter_start(this_quarter - timedelta(days=1))
    rounds = []
    # Last quarter's round is closed; this quarter's is open for another two weeks.
    for opens_on, closes_on, title, share in (
        (
            last_quarter,
            last_quarter + timedelta(days=20),
            f"{last_quarter.year}年第{(last_quarter.month - 1) // 3 + 1}季度",
            0.7,
        ),
        (
            this_quarter,
            today + timedelta(days=14),
            f"{this_quarter.year}年第{(this_quarter.month - 1) // 3 + 1}季度",
            0.3,
        ),
    ):
        survey_round = services.round_create(
            actor=supervisor,
            survey=survey,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
        )
        services.round_publish(survey_round=survey_round, actor=supervisor)
        services.round_open(survey_round=survey_round, actor=supervisor)
        for invitation in Invitation.objects.filter(round=survey_round).select_related("user"):
            if rng.random() > share:
                continue
            answers = {}
            for question in questions:
                if question.kind == QuestionKind.RATING:
                    answers[question.pk] = str(rng.choice([3, 4, 4, 5, 5, 5]))
                elif question.kind == QuestionKind.CHOICE:
                    answers[question.pk] = rng.choice(question.option_list)
                else:
                    answers[question.pk] = rng.choice(SUGGESTIONS)
            services.response_submit(invitation=invitation, actor=invitation.user, answers=answers)
        if closes_on < today:
            services.round_close(survey_round=survey_round, actor=supervisor)
        rounds.append(survey_round)
    reviews = _reviews(users, today)
    return f"survey with {len(rounds)} rounds, {reviews} weekly reviews"


def _reviews(users, today) -> int:
    supervisor = users["supervisor"]
    staff = [u for u in users.values() if u is not None]
    made = 0
    for weeks_ago, done in ((2, True), (1, False)):
        year, week, _day = (today - timedelta(weeks=weeks_ago)).isocalendar()
        if WeeklyReview.objects.filter(iso_year=year, iso_week=week).exists():
            continue
        review = services.review_create(
            actor=supervisor,
            iso_year=year,
            iso_week=week,
            held_on=today - timedelta(weeks=weeks_ago) + timedelta(days=4 - today.weekday()),
            attendees=staff,
            other_attendees="信息中心 刘主任",
        )
        items = list(review.items.all())
        for item in items[:2]:
            services.item_cause_record(
                item=item, actor=supervisor, cause="工程师未及时告知处理进度，用户等待时间长"
            )
        owner = users.get("engineer") or supervisor
        first = services.action_add(
            review=review,
            actor=supervisor,
            item=items[0] if items else None,
            description="上门前电话告知用户预计到达时间，处理超过1小时的每30分钟同步一次进度",
            owner=owner,
            due_on=review.week_end + timedelta(days=7),
        )
        services.action_add(
            review=review,
            actor=supervisor,
            description="整理打印机卡纸常见处理方法，补充到知识库并培训服务台",
            owner=users.get("agent") or supervisor,
            due_on=review.week_end + timedelta(days=3),
        )
        if done:
            services.action_complete(
                action=first,
                actor=owner,
                note="已在服务台流程中加入到达时间告知，本周回访无同类投诉",
            )
        made += 1
    return made
