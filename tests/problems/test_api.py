import pytest
from rest_framework.test import APIClient

from problems import services

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_supervisor_raises_and_moves_a_problem_through_the_api(supervisor, engineer, file_order):
    order = file_order()
    created = _api(supervisor).post(
        "/api/problems/", {"title": "卡纸", "work_orders": [order.number]}, format="json"
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["work_orders"] == [order.number]
    moved = _api(engineer).post(
        f"/api/problems/{number}/investigate/", {"lock_version": 1}, format="json"
    )
    assert moved.status_code == 200
    response = _api(engineer).post(
        f"/api/problems/{number}/root-cause/",
        {"root_cause": "c", "lock_version": moved.json()["lock_version"]},
        format="json",
    )
    assert response.json()["status"] == "root_cause_known"


def test_engineer_cannot_raise_problems_through_the_api(engineer):
    assert _api(engineer).post("/api/problems/", {"title": "x"}, format="json").status_code == 403


def test_end_user_cannot_list_problems(end_user):
    assert _api(end_user).get("/api/problems/").status_code == 403


def test_an_impossible_transition_answers_409(supervisor):
    problem = services.problem_create(actor=supervisor, title="x")
    response = _api(supervisor).post(
        f"/api/problems/{problem.number}/close/", {"lock_version": 1}, format="json"
    )
    assert response.status_code == 409


def test_a_transition_without_lock_version_is_a_400_saying_what_to_send(supervisor):
    problem = services.problem_create(actor=supervisor, title="x")
    response = _api(supervisor).post(f"/api/problems/{problem.number}/investigate/")
    assert response.status_code == 400
    assert "lock_version" in response.json()
    assert "as you last read it" in response.json()["lock_version"][0]


def test_a_stale_lock_version_is_a_409(supervisor):
    problem = services.problem_create(actor=supervisor, title="x")
    services.problem_investigate(problem=problem, actor=supervisor, lock_version=1)
    response = _api(supervisor).post(
        f"/api/problems/{problem.number}/investigate/", {"lock_version": 1}, format="json"
    )
    assert response.status_code == 409


def test_fishbone_causes_are_added_through_the_api(supervisor):
    problem = services.problem_create(actor=supervisor, title="x")
    response = _api(supervisor).post(
        f"/api/problems/{problem.number}/causes/",
        {"category": "machine", "text": "老化"},
        format="json",
    )
    assert response.status_code == 201
    assert problem.causes.count() == 1
