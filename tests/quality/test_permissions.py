"""For every role the lists (restrict) and the object checks (permits, pages, API) agree."""

from datetime import date

import pytest
from django.urls import reverse

from itsm.permissions import permits
from quality import services
from quality.models import ImprovementAction, Invitation, SurveyRound, WeeklyReview

pytestmark = pytest.mark.django_db

ROLES = ["end_user", "agent", "engineer", "supervisor", "approver", "manager", "admin_user"]


@pytest.fixture
def world(make_round, end_users, supervisor, engineer):
    survey_round = make_round()
    review = services.review_create(actor=supervisor, iso_year=2026, iso_week=45)
    action = services.action_add(review=review, actor=supervisor, description="A",
                                 owner=engineer, due_on=date(2026, 11, 13))  # fmt: skip
    return survey_round, review, action


def test_an_end_user_sees_only_their_own_invitations(world, end_users, client):
    survey_round, *_ = world
    mine = Invitation.objects.get(round=survey_round, user=end_users[0])
    other = Invitation.objects.get(round=survey_round, user=end_users[1])
    assert list(Invitation.objects.restrict(end_users[0], "view")) == [mine]
    assert not permits(end_users[0], other)
    client.force_login(end_users[0])
    assert client.get(reverse("quality:answer", args=[other.pk])).status_code == 404
    assert client.get(reverse("quality:answer", args=[mine.pk])).status_code == 200
    rows = client.get("/api/survey-invitations/").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]


@pytest.mark.parametrize("role", ROLES)
def test_survey_results_are_for_the_quality_roles_only(world, role, request, client):
    user = request.getfixturevalue(role)
    survey_round, *_ = world
    quality = role in ("supervisor", "manager", "admin_user")
    assert SurveyRound.objects.restrict(user, "view").exists() == quality
    assert permits(user, survey_round) == quality
    client.force_login(user)
    detail = client.get(reverse("quality:round_detail", args=[survey_round.pk]))
    assert detail.status_code == (200 if quality else 404)
    assert client.get(reverse("quality:round_list")).status_code == (200 if quality else 403)
    assert client.get(reverse("quality:round_csv", args=[survey_round.pk])).status_code == (
        200 if quality else 404
    )
    api = client.get("/api/survey-rounds/")
    assert api.status_code == (200 if quality else 403)


@pytest.mark.parametrize("role", ROLES)
def test_the_weekly_review_is_read_by_the_team_and_kept_by_the_quality_roles(
    world, role, request, client
):
    user = request.getfixturevalue(role)
    _round, review, action = world
    team = role in ("agent", "engineer", "supervisor", "manager", "admin_user")
    keeps = role in ("supervisor", "manager", "admin_user")
    assert WeeklyReview.objects.restrict(user, "view").exists() == team
    assert permits(user, review) == team
    assert permits(user, review, "change") == keeps
    assert permits(user, action, "complete") == (keeps or role == "engineer")  # the owner
    assert ImprovementAction.objects.restrict(user, "view").exists() == team
    client.force_login(user)
    page = client.get(reverse("quality:review_detail", args=[review.pk]))
    assert page.status_code == (200 if team else 404)
    api = client.get("/api/weekly-reviews/")
    assert api.status_code == (200 if team else 403)
    if team:
        assert len(api.json()["results"]) == 1
        assert len(client.get("/api/improvement-actions/").json()["results"]) == 1


def test_a_team_member_cannot_post_to_the_review(world, engineer, client):
    _round, review, _action = world
    client.force_login(engineer)
    response = client.post(reverse("quality:review_detail", args=[review.pk]), {"refresh": "1"})
    assert response.status_code == 403
