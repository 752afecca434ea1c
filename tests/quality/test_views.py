from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from quality import services
from quality.choices import RoundStatus
from quality.models import ImprovementAction, Invitation, SurveyResponse, WeeklyReview

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def _get(client, url, language):
    return client.get(url, headers={"accept-language": language})


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", ["Satisfaction surveys", "By department"]), ("zh-hans", ["满意度调查", "按部门"])],
)
def test_the_survey_pages_read_in_both_languages(make_round, end_users, supervisor, client,
                                                 language, words):  # fmt: skip
    survey_round = make_round()
    client.force_login(supervisor)
    with translation.override(language):
        listing = _get(client, reverse("quality:round_list"), language)
        detail = _get(client, reverse("quality:round_detail", args=[survey_round.pk]), language)
    assert words[0] in listing.content.decode()
    assert words[1] in detail.content.decode()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Improvement actions agreed this week"), ("zh-hans", "本周议定的改进措施")],
)
def test_the_review_page_reads_in_both_languages(supervisor, client, language, words):
    review = services.review_create(actor=supervisor, iso_year=2026, iso_week=45)
    client.force_login(supervisor)
    with translation.override(language):
        page = _get(client, reverse("quality:review_detail", args=[review.pk]), language)
    assert words in page.content.decode()


def test_an_end_user_answers_on_the_page_and_a_missing_answer_is_explained(
    make_round, end_users, survey, client
):
    survey_round = make_round()
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    client.force_login(end_users[0])
    url = reverse("quality:answer", args=[invitation.pk])
    answers = {f"q{pk}": value for pk, value in answers_for(survey, 4, 5).items()}
    first = next(iter(answers))
    partial = {**answers, first: ""}
    page = client.post(url, partial, headers={"accept-language": "zh-hans"})
    assert page.status_code == 200 and "该字段是必填项" in page.content.decode()
    assert SurveyResponse.objects.count() == 0
    assert client.post(url, answers).status_code == 302
    assert SurveyResponse.objects.count() == 1
    again = client.get(url, headers={"accept-language": "en"})
    assert "already answered" in again.content.decode()
    mine = client.get(reverse("quality:my_surveys"), headers={"accept-language": "en"})
    assert survey_round.title in mine.content.decode() and "Answered" in mine.content.decode()


def test_user_text_is_escaped(make_round, end_users, survey, supervisor, client):
    survey_round = make_round()
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    services.response_submit(invitation=invitation, actor=end_users[0],
                             answers=answers_for(survey, 4, 5, text="<script>x</script>"))  # fmt: skip
    client.force_login(supervisor)
    page = client.get(reverse("quality:round_detail", args=[survey_round.pk])).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_the_csv_export_is_anonymous_and_defuses_formulas(make_round, end_users, survey,
                                                         supervisor, client):  # fmt: skip
    survey_round = make_round()
    invitation = Invitation.objects.get(round=survey_round, user=end_users[0])
    services.response_submit(invitation=invitation, actor=end_users[0],
                             answers=answers_for(survey, 4, 5, text="=HYPERLINK(1)"))  # fmt: skip
    client.force_login(supervisor)
    body = client.get(reverse("quality:round_csv", args=[survey_round.pk])).content.decode()
    assert "'=HYPERLINK(1)" in body and "财务处" in body
    assert end_users[0].username not in body and "王芳" not in body


def test_the_round_buttons_move_it_through_its_lifecycle(make_round, end_users, supervisor, client):
    survey_round = make_round(open_=False)
    client.force_login(supervisor)
    url = reverse("quality:round_act", args=[survey_round.pk, "open"])
    client.post(url, {"lock_version": survey_round.lock_version})
    survey_round.refresh_from_db()
    assert survey_round.status == RoundStatus.OPEN and survey_round.invitations.count() == 3
    stale = client.post(reverse("quality:round_act", args=[survey_round.pk, "close"]),
                        {"lock_version": 1}, follow=True,
                        headers={"accept-language": "en"})  # fmt: skip
    assert "changed by someone else" in stale.content.decode()
    survey_round.refresh_from_db()
    assert survey_round.status == RoundStatus.OPEN


def test_the_review_page_records_causes_and_actions(rated_order, supervisor, engineer, client):
    from .conftest import local

    rated_order(at=local(2026, 11, 3, 10), rating=1)
    client.force_login(supervisor)
    page = client.post(reverse("quality:review_create"), {
        "week": "2026-W45", "held_on": "2026-11-06", "attendees": [engineer.pk], "threshold": 3,
    })  # fmt: skip
    review = WeeklyReview.objects.get()
    assert page.status_code == 302 and review.items.count() == 1
    item = review.items.get()
    url = reverse("quality:review_detail", args=[review.pk])
    client.post(url, {"cause": "备件不足", "item": item.pk})
    item.refresh_from_db()
    assert item.cause == "备件不足"
    bad = client.post(url, {"add_action": "1", "item": item.pk, "description": "补充备件",
                            "owner": engineer.pk, "due_on": ""})  # fmt: skip
    assert bad.status_code == 200 and not ImprovementAction.objects.exists()
    client.post(url, {"add_action": "1", "item": item.pk, "description": "补充备件",
                      "owner": engineer.pk, "due_on": "2026-11-13"})  # fmt: skip
    action = ImprovementAction.objects.get()
    assert action.item == item and action.owner == engineer
    client.force_login(engineer)
    client.post(reverse("quality:action_done", args=[action.pk]),
                {"note": "已补充", "lock_version": action.lock_version})  # fmt: skip
    action.refresh_from_db()
    assert action.done_note == "已补充"
    duplicate = client.post(reverse("quality:review_create"), {
        "week": "2026-W45", "held_on": "2026-11-06", "threshold": 3})  # fmt: skip
    assert duplicate.status_code == 403  # an engineer does not keep the review


def _counts(client, urls):
    result = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        result.append(len(queries))
    return result


def test_list_pages_keep_a_flat_query_count(make_round, end_users, survey, supervisor, engineer,
                                            client):  # fmt: skip
    client.force_login(supervisor)
    urls = [reverse("quality:round_list"), reverse("quality:review_list"),
            reverse("quality:action_list")]  # fmt: skip
    week = iter(range(1, 50))

    def add_rows(n):
        for _ in range(n):
            w = next(week)
            survey_round = make_round(title=f"W{w}", opens_on=date(2026, 1, 1))
            invitation = Invitation.objects.filter(round=survey_round).first()
            services.response_submit(invitation=invitation, actor=invitation.user,
                                     answers=answers_for(survey, 4, 4))  # fmt: skip
            review = services.review_create(actor=supervisor, iso_year=2026, iso_week=w)
            services.action_add(review=review, actor=supervisor, description="A",
                                owner=engineer, due_on=date(2026, 1, 2))  # fmt: skip

    add_rows(2)
    detail = lambda: [reverse("quality:round_detail", args=[SurveyRound_last().pk]),  # noqa: E731
                      reverse("quality:review_detail", args=[WeeklyReview.objects.first().pk])]  # fmt: skip
    _counts(client, urls + detail())  # warm: the menu is drawn once (itsm.navigation)
    small = _counts(client, urls + detail())
    add_rows(3)
    assert _counts(client, urls + detail()) == small


def SurveyRound_last():  # noqa: N802
    from quality.models import SurveyRound

    return SurveyRound.objects.order_by("-pk").first()


def test_an_end_users_survey_list_keeps_a_flat_query_count(make_round, end_users, client):
    client.force_login(end_users[0])
    make_round(title="A")
    _counts(
        client, [reverse("quality:my_surveys")]
    )  # warm: the menu is drawn once (itsm.navigation)
    small = _counts(client, [reverse("quality:my_surveys")])
    for title in ("B", "C", "D"):
        make_round(title=title)
    assert _counts(client, [reverse("quality:my_surveys")]) == small
