import pytest
import time_machine

from quality import demo
from quality.choices import ActionStatus, RoundStatus
from quality.models import ImprovementAction, SurveyResponse, SurveyRound, WeeklyReview
from servicedesk import demo as servicedesk_demo

from .conftest import local

pytestmark = pytest.mark.django_db

PASSWORD = "Demo@2026-x"


def test_demo_loads_a_survey_with_answers_and_two_weekly_reviews_once():
    servicedesk_demo.seed(password=PASSWORD)
    with time_machine.travel(local(2026, 11, 18, 9), tick=False):
        demo.seed(password=PASSWORD)
        last, current = SurveyRound.objects.order_by("opens_on")
        assert (last.status, current.status) == (RoundStatus.CLOSED, RoundStatus.OPEN)
        assert SurveyResponse.objects.filter(round=last).count() > 0
        assert WeeklyReview.objects.count() == 2
        assert ImprovementAction.objects.filter(status=ActionStatus.DONE).count() == 1
        assert ImprovementAction.objects.filter(status=ActionStatus.OPEN).count() == 3
        assert "skipped" in demo.seed(password=PASSWORD)
    assert SurveyRound.objects.count() == 2 and WeeklyReview.objects.count() == 2
