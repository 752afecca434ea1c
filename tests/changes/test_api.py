import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def _act(user, url, data=None):
    """POST an action as a client does: with the lock_version it last read."""
    client = _api(user)
    detail = url.rstrip("/").rsplit("/", 1)[0] + "/"
    seen = client.get(detail).json()["lock_version"]
    return client.post(url, {**(data or {}), "lock_version": seen}, format="json")


def test_the_cab_approves_through_the_api(awaiting, supervisor, ops_approver, info_approver):
    change = awaiting()
    for signer in (supervisor, ops_approver, info_approver):
        response = _act(signer, f"/api/changes/{change.number}/approve/", {"comment": "同意"})
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert [a["decision"] for a in response.json()["approvals"]] == ["approved"] * 3


def test_approving_twice_through_the_api_is_a_400_with_the_reason(awaiting, ops_approver):
    change = awaiting()
    _act(ops_approver, f"/api/changes/{change.number}/approve/")
    response = _act(ops_approver, f"/api/changes/{change.number}/approve/")
    assert response.status_code == 400
    assert "already decided" in str(response.json())


def test_an_outsider_approving_gets_403(awaiting, agent):
    change = awaiting()
    assert _act(agent, f"/api/changes/{change.number}/approve/").status_code == 403


def test_engineer_raises_and_submits_a_change_through_the_api(engineer, printer):
    created = _api(engineer).post(
        "/api/changes/",
        {
            "summary": "更换定影组件",
            "affected_items": ["PR-301"],
            "implementation_plan": "换",
            "rollback_plan": "装回",
            "planned_start": "2031-03-10T18:00:00+08:00",
            "planned_end": "2031-03-10T20:00:00+08:00",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    response = _act(engineer, f"/api/changes/{number}/submit/")
    assert response.json()["status"] == "submitted"


def test_end_users_cannot_read_changes(end_user):
    assert _api(end_user).get("/api/changes/").status_code == 403


def test_approving_your_own_change_through_the_api_says_why(awaiting, make_person):
    from servicedesk.choices import Role

    boss = make_person(Role.SUPERVISOR, username="boss")
    change = awaiting(actor=boss, owner=boss)
    response = _act(boss, f"/api/changes/{change.number}/approve/")
    assert response.status_code == 403
    assert "You requested this change; another approver must decide." in str(response.json())


def test_a_transition_without_lock_version_is_a_400_saying_what_to_send(make_change, engineer):
    change = make_change()
    response = _api(engineer).post(f"/api/changes/{change.number}/submit/")
    assert response.status_code == 400
    assert "as you last read it" in response.json()["lock_version"][0]


def test_a_stale_lock_version_is_a_409(make_change, engineer):
    change = make_change()
    response = _api(engineer).post(
        f"/api/changes/{change.number}/submit/", {"lock_version": 99}, format="json"
    )
    assert response.status_code == 409
