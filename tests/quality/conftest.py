from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from incidents import services as wo
from quality import services
from quality.choices import QuestionKind
from quality.models import Survey
from servicedesk.choices import Role


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the translators did to the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


def local(*args):
    """A Beijing wall-clock time (UTC+8)."""
    return datetime(*args, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def survey(db):
    survey = Survey.objects.create(title="季度满意度调查")
    survey.questions.create(order=1, kind=QuestionKind.RATING, text="服务台满意度")
    survey.questions.create(order=2, kind=QuestionKind.RATING, text="工程师满意度")
    survey.questions.create(
        order=3, kind=QuestionKind.CHOICE, text="报障方式", options="电话\n网页"
    )
    survey.questions.create(order=4, kind=QuestionKind.TEXT, text="建议", required=False)
    return survey


@pytest.fixture
def make_round(survey, supervisor):
    def make(*, title="2026 Q3", opens_on=date(2026, 7, 1), closes_on=date(2026, 7, 20),
             departments=(), open_=True):  # fmt: skip
        survey_round = services.round_create(
            actor=supervisor, survey=survey, title=title, opens_on=opens_on,
            closes_on=closes_on, departments=departments,
        )  # fmt: skip
        survey_round = services.round_publish(survey_round=survey_round, actor=supervisor)
        if open_:
            survey_round = services.round_open(survey_round=survey_round, actor=supervisor)
        return survey_round

    return make


def answers_for(survey, *ratings, choice="电话", text=""):
    questions = list(survey.questions.all())
    result = {}
    ratings = iter(ratings)
    for q in questions:
        if q.kind == QuestionKind.RATING:
            result[q.pk] = str(next(ratings))
        elif q.kind == QuestionKind.CHOICE:
            result[q.pk] = choice
        else:
            result[q.pk] = text
    return result


@pytest.fixture
def other_department(db):
    from servicedesk.models import Department

    return Department.objects.create(name="办公室", code="office")


@pytest.fixture
def end_users(make_person, end_user, other_department):
    """王芳 (财务处) and two more end users: one of 财务处, one of 办公室."""
    return [
        end_user,
        make_person(Role.END_USER, username="u2"),
        make_person(Role.END_USER, username="u3", department=other_department),
    ]


@pytest.fixture
def rated_order(db, end_user, agent):
    """A work order resolved at `at` and scored: by the user (rating) or on the call-back."""

    def make(*, at, rating=None, callback=None, title="打印机卡纸"):
        with time_machine.travel(at, tick=False):
            order = wo.work_order_create(actor=end_user, requester=end_user, title=title,
                                         description="三楼打印机")  # fmt: skip
            order = wo.work_order_resolve(work_order=order, actor=agent, resolution="已处理")
            if callback is not None:
                wo.callback_record(work_order=order, actor=agent, reached=True,
                                   satisfaction=callback, close=False)  # fmt: skip
                order.refresh_from_db()
            if rating is not None:
                order = wo.work_order_rate(work_order=order, actor=end_user, rating=rating,
                                           comment="等了很久")  # fmt: skip
        order.refresh_from_db()
        return order

    return make
