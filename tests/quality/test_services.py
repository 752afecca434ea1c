from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from incidents import services as wo
from itsm.workflow import Conflict, IllegalTransition
from quality import selectors, services
from quality.choices import ActionStatus, ItemKind, RoundStatus
from quality.models import Answer, ImprovementAction, Invitation, SurveyResponse
from servicedesk.models import Notification

from .conftest import answers_for, local

pytestmark = pytest.mark.django_db


# --- surveys -----------------------------------------------------------------------------


def test_opening_a_round_invites_every_end_user_once_and_tells_each_once(
    make_round, end_users, supervisor, make_person
):
    survey_round = make_round()
    assert set(survey_round.invitations.values_list("user_id", flat=True)) == {
        u.pk for u in end_users
    }
    assert Notification.objects.filter(recipient__in=end_users).count() == 3
    # Inviting again tells nobody twice; a newcomer is invited and told once.
    assert services.invitations_send(survey_round=survey_round, actor=supervisor) == 0
    newcomer = make_person(username="newcomer")
    assert services.invitations_send(survey_round=survey_round, actor=supervisor) == 1
    assert Invitation.objects.filter(round=survey_round).count() == 4
    assert Notification.objects.filter(recipient=newcomer).count() == 1
    assert Notification.objects.filter(recipient__in=end_users).count() == 3


def test_a_department_round_invites_only_that_departments_end_users(
    make_round, end_users, other_department, supervisor, engineer
):
    survey_round = make_round(departments=[other_department])
    assert list(survey_round.invitations.values_list("user__username", flat=True)) == ["u3"]


def test_an_invited_user_answers_once_and_the_response_names_no_person(
    make_round, end_users, survey
):
    survey_round = make_round()
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    response = services.response_submit(
        invitation=invitation, actor=end_users[0], answers=answers_for(survey, 2, 4, text="慢")
    )
    assert {f.name for f in SurveyResponse._meta.concrete_fields} == {
        "id", "round", "department", "submitted_on"
    }  # fmt: skip
    assert response.department == end_users[0].person.department
    assert Answer.objects.filter(response=response).count() == 4
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    with pytest.raises(PermissionDenied, match="already answered"):
        services.response_submit(
            invitation=invitation, actor=end_users[0], answers=answers_for(survey, 5, 5)
        )
    assert SurveyResponse.objects.count() == 1


def test_someone_elses_invitation_cannot_be_answered(make_round, end_users, survey):
    survey_round = make_round()
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    with pytest.raises(PermissionDenied):
        services.response_submit(
            invitation=invitation, actor=end_users[1], answers=answers_for(survey, 5, 5)
        )


def test_a_missing_or_bad_answer_is_refused_and_nothing_is_saved(make_round, end_users, survey):
    survey_round = make_round()
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    answers = answers_for(survey, 9, 4, choice="传真")
    first_rating = next(iter(answers))
    with pytest.raises(ValidationError) as error:
        services.response_submit(invitation=invitation, actor=end_users[0], answers=answers)
    assert set(error.value.message_dict) == {f"q{first_rating}", f"q{list(answers)[2]}"}
    invitation.refresh_from_db()
    assert invitation.answered_at is None and SurveyResponse.objects.count() == 0


def test_a_closed_round_takes_no_answers(make_round, end_users, survey, supervisor):
    survey_round = make_round()
    services.round_close(survey_round=survey_round, actor=supervisor)
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    with pytest.raises(PermissionDenied, match="not open"):
        services.response_submit(
            invitation=invitation, actor=end_users[0], answers=answers_for(survey, 5, 5)
        )


def test_the_lifecycle_refuses_steps_out_of_order_and_stale_pages(make_round, supervisor):
    survey_round = make_round(open_=False)
    assert survey_round.status == RoundStatus.PUBLISHED
    with pytest.raises(IllegalTransition):
        services.round_close(survey_round=survey_round, actor=supervisor)
    with pytest.raises(Conflict):
        services.round_open(survey_round=survey_round, actor=supervisor, lock_version=1)
    survey_round = services.round_open(
        survey_round=survey_round, actor=supervisor, lock_version=survey_round.lock_version
    )
    assert survey_round.status == RoundStatus.OPEN


def test_only_quality_roles_run_surveys(survey, engineer, agent):
    for user in (engineer, agent):
        with pytest.raises(PermissionDenied):
            services.round_create(actor=user, survey=survey, title="x",
                                  opens_on=date(2026, 7, 1), closes_on=date(2026, 7, 2))  # fmt: skip


def test_a_round_needs_a_title_and_a_close_after_its_opening(survey, supervisor):
    with pytest.raises(ValidationError) as error:
        services.round_create(actor=supervisor, survey=survey, title=" ",
                              opens_on=date(2026, 7, 9), closes_on=date(2026, 7, 1))  # fmt: skip
    assert set(error.value.message_dict) == {"title", "closes_on"}


def test_results_per_question_and_department(make_round, end_users, survey, other_department):
    survey_round = make_round()
    for user, ratings, choice in ((end_users[0], (2, 4), "电话"), (end_users[2], (5, 5), "网页")):
        invitation = Invitation.objects.get(round=survey_round, user=user)
        services.response_submit(invitation=invitation, actor=user,
                                 answers=answers_for(survey, *ratings, choice=choice))  # fmt: skip
    results = selectors.round_results(survey_round)
    assert (results.invited, results.answered, results.mean) == (3, 2, 4.0)
    first, second, choice, text = results.questions
    assert (first.mean, first.answered) == (3.5, 2)
    assert first.distribution == [("1", 0), ("2", 1), ("3", 0), ("4", 0), ("5", 1)]
    assert choice.distribution == [("电话", 1), ("网页", 1)]
    by_name = {d.name: d for d in results.departments}
    assert (by_name["财务处"].invited, by_name["财务处"].answered, by_name["财务处"].mean) == (
        2, 1, 3.0
    )  # fmt: skip
    assert (by_name["办公室"].response_rate, by_name["办公室"].mean) == (1.0, 5.0)


def test_the_trend_lists_the_surveys_rounds_oldest_first(make_round, end_users, survey):
    q2 = make_round(title="Q2", opens_on=date(2026, 4, 1), closes_on=date(2026, 4, 20))
    q3 = make_round(title="Q3", opens_on=date(2026, 7, 1), closes_on=date(2026, 7, 20))
    for survey_round, rating in ((q2, 3), (q3, 5)):
        invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
        services.response_submit(invitation=invitation, actor=end_users[0],
                                 answers=answers_for(survey, rating, rating))  # fmt: skip
    trend = selectors.survey_trend(q3)
    assert [(row.survey_round.title, row.answered, row.mean) for row in trend] == [
        ("Q2", 1, 3.0), ("Q3", 1, 5.0)
    ]  # fmt: skip
    assert [row.survey_round.title for row in selectors.survey_trend(q2)] == ["Q2"]


def test_the_scan_opens_reminds_once_and_closes_on_the_rounds_days(make_round, end_users, survey):
    survey_round = make_round(opens_on=date(2026, 7, 1), closes_on=date(2026, 7, 10), open_=False)
    with time_machine.travel(local(2026, 6, 30, 9), tick=False):
        assert services.quality_scan()["opened"] == 0
    with time_machine.travel(local(2026, 7, 1, 9), tick=False):
        assert services.quality_scan()["opened"] == 1
        assert services.quality_scan()["opened"] == 0
    survey_round.refresh_from_db()
    assert survey_round.status == RoundStatus.OPEN
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    services.response_submit(invitation=invitation, actor=end_users[0],
                             answers=answers_for(survey, 4, 4))  # fmt: skip
    with time_machine.travel(local(2026, 7, 8, 9), tick=False):
        assert services.quality_scan()["reminded"] == 2  # the two who have not answered
        assert services.quality_scan()["reminded"] == 0
    with time_machine.travel(local(2026, 7, 10, 23), tick=False):
        assert services.quality_scan()["closed"] == 0  # open through its last day
    with time_machine.travel(local(2026, 7, 11, 1), tick=False):
        assert services.quality_scan()["closed"] == 1
    survey_round.refresh_from_db()
    assert survey_round.status == RoundStatus.CLOSED


# --- the weekly review -------------------------------------------------------------------------

# ISO week 2026-W45: Monday 2 November to Sunday 8 November.


def test_the_review_lists_the_weeks_low_ratings_and_complaints_once(
    rated_order, supervisor, agent, end_user
):
    low = rated_order(at=local(2026, 11, 3, 10), rating=2)
    called_low = rated_order(at=local(2026, 11, 4, 10), callback=3)
    rated_order(at=local(2026, 11, 4, 11), rating=4)  # not low
    rated_order(at=local(2026, 11, 4, 12), callback=2, rating=5)  # the user's own 5 counts
    rated_order(at=local(2026, 11, 10, 10), rating=1)  # the next week
    with time_machine.travel(local(2026, 11, 5, 9), tick=False):
        complaint = wo.complaint_raise(actor=end_user, description="工程师迟到", work_order=low)
    review = services.review_create(actor=supervisor, iso_year=2026, iso_week=45, threshold=3)
    listed = {(i.kind, i.work_order_id, i.score) for i in review.items.all()}
    assert listed == {
        (ItemKind.LOW_RATING, low.pk, 2),
        (ItemKind.LOW_RATING, called_low.pk, 3),
        (ItemKind.COMPLAINT, low.pk, None),
    }
    assert review.items.get(kind=ItemKind.COMPLAINT).complaint == complaint
    assert services.review_items_refresh(review=review, actor=supervisor) == 0
    with pytest.raises(ValidationError, match="already has a review"):
        services.review_create(actor=supervisor, iso_year=2026, iso_week=45)


def test_a_lower_threshold_lists_fewer(rated_order, supervisor):
    rated_order(at=local(2026, 11, 3, 10), rating=2)
    rated_order(at=local(2026, 11, 3, 11), rating=3)
    review = services.review_create(actor=supervisor, iso_year=2026, iso_week=45, threshold=2)
    assert review.items.count() == 1


def test_only_quality_roles_keep_the_review(engineer, agent):
    for user in (engineer, agent):
        with pytest.raises(PermissionDenied):
            services.review_create(actor=user, iso_year=2026, iso_week=45)


def test_an_action_is_done_by_its_owner_with_a_note(supervisor, engineer, make_person):
    from servicedesk.choices import Role

    other = make_person(Role.ENGINEER, username="engineer9")
    review = services.review_create(actor=supervisor, iso_year=2026, iso_week=45)
    action = services.action_add(review=review, actor=supervisor, description="上门前电话告知",
                                 owner=engineer, due_on=date(2026, 11, 13))  # fmt: skip
    assert Notification.objects.filter(recipient=engineer).count() == 1
    with pytest.raises(PermissionDenied):
        services.action_complete(action=action, actor=other, note="做了")
    with pytest.raises(ValidationError):
        services.action_complete(action=action, actor=engineer, note=" ")
    action = services.action_complete(action=action, actor=engineer, note="已加入流程")
    assert (action.status, action.done_by, action.done_note) == (
        ActionStatus.DONE, engineer, "已加入流程"
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="already done"):
        services.action_complete(action=action, actor=supervisor, note="again")


def test_open_actions_carry_over_to_later_weeks_until_done(supervisor, engineer):
    w45 = services.review_create(actor=supervisor, iso_year=2026, iso_week=45)
    w46 = services.review_create(actor=supervisor, iso_year=2026, iso_week=46)
    kept = services.action_add(review=w45, actor=supervisor, description="A", owner=engineer,
                               due_on=date(2026, 11, 13))  # fmt: skip
    done = services.action_add(review=w45, actor=supervisor, description="B", owner=engineer,
                               due_on=date(2026, 11, 13))  # fmt: skip
    services.action_complete(action=done, actor=engineer, note="ok")
    assert [a.pk for a in selectors.actions_carried(w46)] == [kept.pk]
    assert selectors.actions_carried(w45) == []


def test_the_scan_reminds_an_overdue_actions_owner_once_per_due_date(supervisor, engineer):
    review = services.review_create(actor=supervisor, iso_year=2026, iso_week=45)
    action = services.action_add(review=review, actor=supervisor, description="A",
                                 owner=engineer, due_on=date(2026, 11, 13))  # fmt: skip
    told = Notification.objects.filter(recipient=engineer)
    with time_machine.travel(local(2026, 11, 13, 18), tick=False):
        assert services.quality_scan()["overdue"] == 0  # due today: not yet overdue
    with time_machine.travel(local(2026, 11, 14, 9), tick=False):
        assert services.quality_scan()["overdue"] == 1
        assert services.quality_scan()["overdue"] == 0
    assert told.count() == 2  # the assignment and one reminder
    ImprovementAction.objects.filter(pk=action.pk).update(due_on=date(2026, 11, 16))
    with time_machine.travel(local(2026, 11, 17, 9), tick=False):
        assert services.quality_scan()["overdue"] == 1  # a new due date, a new reminder
