"""The quality section for a hand-built November: the Q4 survey round (two of three
answered) and the weekly reviews' improvement actions agreed, done and overdue."""

from datetime import date

import pytest
import time_machine

from quality import services
from quality.choices import QuestionKind
from quality.models import Invitation, Survey
from reports.periods import Period
from reports.sections import quality as section
from servicedesk.choices import Role
from servicedesk.models import Department

from ..quality.conftest import answers_for, local
from .drill_checks import check_section, figure

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


@pytest.fixture
def survey_round(make_person, end_user, supervisor):
    office = Department.objects.create(name="办公室", code="office")
    others = [make_person(Role.END_USER, username="u2"),
              make_person(Role.END_USER, username="u3", department=office)]  # fmt: skip
    survey = Survey.objects.create(title="季度满意度调查")
    survey.questions.create(order=1, kind=QuestionKind.RATING, text="总体满意度")
    survey.questions.create(order=2, kind=QuestionKind.RATING, text="及时性")
    survey.questions.create(order=3, kind=QuestionKind.CHOICE, text="方式", options="电话\n网页")
    survey.questions.create(order=4, kind=QuestionKind.TEXT, text="建议", required=False)
    survey_round = services.round_create(actor=supervisor, survey=survey, title="2026年第4季度",
                                         opens_on=date(2026, 11, 2), closes_on=date(2026, 11, 20))  # fmt: skip
    services.round_publish(survey_round=survey_round, actor=supervisor)
    services.round_open(survey_round=survey_round, actor=supervisor)
    for user, ratings in ((end_user, (3, 4)), (others[1], (5, 5))):
        invitation = Invitation.objects.get(round=survey_round, user=user)
        services.response_submit(invitation=invitation, actor=user,
                                 answers=answers_for(survey, *ratings))  # fmt: skip
    return survey_round


@pytest.fixture
def actions(supervisor, engineer):
    with time_machine.travel(local(2026, 10, 30, 10), tick=False):
        october = services.review_create(actor=supervisor, iso_year=2026, iso_week=44)
        late = services.action_add(review=october, actor=supervisor, description="十月逾期",
                                   owner=engineer, due_on=date(2026, 11, 6))  # fmt: skip
        services.action_add(review=october, actor=supervisor, description="十月按期",
                            owner=engineer, due_on=date(2026, 12, 6))  # fmt: skip
    with time_machine.travel(local(2026, 11, 6, 10), tick=False):
        november = services.review_create(actor=supervisor, iso_year=2026, iso_week=45)
        done = services.action_add(review=november, actor=supervisor, description="十一月完成",
                                   owner=engineer, due_on=date(2026, 11, 13))  # fmt: skip
        services.action_add(review=november, actor=supervisor, description="十一月逾期",
                            owner=engineer, due_on=date(2026, 11, 30))  # fmt: skip
    with time_machine.travel(local(2026, 11, 12, 10), tick=False):
        services.action_complete(action=done, actor=engineer, note="已完成")
    with time_machine.travel(local(2026, 12, 2, 10), tick=False):
        services.action_complete(action=late, actor=engineer, note="十二月才完成")


def test_the_section_shows_the_latest_survey_and_the_actions_with_matching_drills(
    survey_round, actions
):
    built = check_section(section.build(NOVEMBER, options={}))
    values = {f.key: f.value for f in built.figures}
    assert values["quality.survey_invited"] == 3
    assert values["quality.survey_answered"] == 2
    assert values["quality.survey_response_rate"] == 0.6667
    assert values["quality.survey_mean"] == 4.25
    assert values["quality.actions_opened"] == 2  # agreed in November
    assert values["quality.actions_closed"] == 1  # done in November (the other in December)
    # Still open at November's end and due by then: October's late one (done in December)
    # and November's due on the 30th.
    assert values["quality.actions_open_overdue"] == 2
    assert "still open" in " ".join(built.notes)
    by_department = next(t for t in built.tables if t.key == "quality.survey_departments")
    assert [row[:3] for row in by_department.rows] == [["办公室", 1, 1], ["财务处", 2, 1]]


def test_an_earlier_period_without_a_round_says_so(survey_round):
    built = check_section(section.build(Period.month(2026, 10), options={}))
    assert "quality.survey_invited" not in {f.key for f in built.figures}
    assert figure(built, "quality.actions_opened").value == 0
    assert built.notes == ["No satisfaction survey round had opened by the end of the period."]


def test_the_service_summary_and_the_operations_reports_include_the_section():
    from reports.registry import OPERATIONS_SECTIONS, REPORT_TYPES

    assert REPORT_TYPES["service_summary"].sections == ("service", "quality")
    assert "quality" in OPERATIONS_SECTIONS
