import pytest
import time_machine
from rest_framework.test import APIClient

from changes.models import Release

from .conftest import at

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


def test_a_release_through_the_api_from_plan_to_deployment(
    engineer, ops_approver, info_approver, printer, make_change
):
    change = make_change(items=[printer])
    created = _api(engineer).post(
        "/api/releases/",
        {
            "application": "登记系统",
            "release_version": "V3.2",
            "title": "年度版本",
            "type": "major",
            "changes": [change.number],
            "items": ["PR-301"],
            "deployment_plan": "停服升级",
            "rollback_plan": "恢复快照",
            "planned_start": "2031-03-10T18:00:00+08:00",
            "planned_end": "2031-03-10T20:00:00+08:00",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["changes"] == [change.number]
    url = f"/api/releases/{number}"
    assert _act(engineer, f"{url}/build/").status_code == 200
    refused = _act(engineer, f"{url}/deploy/")
    assert refused.status_code == 400
    assert "Not tested" in str(refused.json())
    tested = _act(engineer, f"{url}/test-records/", {"case": "登记流程回归", "result": "pass"})
    assert tested.status_code == 201, tested.content
    assert tested.json()["test_records"][0]["result"] == "pass"
    assert _act(engineer, f"{url}/mark-tested/").json()["status"] == "tested"
    for signer in (ops_approver, info_approver):
        response = _act(signer, f"{url}/authorise/", {"comment": "同意"})
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "authorised"
    # The bundled change is still a draft: deploying says so.
    with time_machine.travel(at(10, 19), tick=False):
        blocked = _act(engineer, f"{url}/deploy/")
    assert blocked.status_code == 400 and change.number in str(blocked.json())


def test_approving_twice_through_the_api_is_a_400_with_the_reason(tested_release, ops_approver):
    release = tested_release()
    _act(ops_approver, f"/api/releases/{release.number}/authorise/")
    response = _act(ops_approver, f"/api/releases/{release.number}/authorise/")
    assert response.status_code == 400
    assert "already decided" in str(response.json())


def test_a_stale_version_is_a_409(make_release, engineer):
    release = make_release()
    response = _api(engineer).patch(
        f"/api/releases/{release.number}/", {"title": "新", "lock_version": 99}, format="json"
    )
    assert response.status_code == 409
    ok = _api(engineer).patch(
        f"/api/releases/{release.number}/", {"title": "新", "lock_version": 1}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["title"] == "新"


def test_list_filters_by_status_and_application(make_release, supervisor, engineer):
    make_release(application="登记系统")
    built = make_release(application="公文系统")
    _act(engineer, f"/api/releases/{built.number}/build/")
    rows = _api(supervisor).get("/api/releases/?status=built").json()
    results = rows["results"] if isinstance(rows, dict) else rows
    assert [r["application"] for r in results] == ["公文系统"]
    rows = _api(supervisor).get("/api/releases/?application=登记系统").json()
    results = rows["results"] if isinstance(rows, dict) else rows
    assert [r["application"] for r in results] == ["登记系统"]


def test_end_users_cannot_read_releases(end_user):
    assert _api(end_user).get("/api/releases/").status_code == 403


def test_an_approver_cannot_plan_a_release(approver):
    response = _api(approver).post(
        "/api/releases/",
        {"application": "x", "release_version": "1", "title": "t"},
        format="json",
    )
    assert response.status_code == 403
    assert not Release.objects.exists()


@pytest.mark.parametrize("manager", ["approver", None])
def test_the_release_manager_is_an_engineer_or_supervisor_as_on_the_page(
    engineer, ops_approver, manager
):
    """An approver as manager could never sign their own release; none could deploy it."""
    response = _api(engineer).post(
        "/api/releases/",
        {
            "application": "登记系统",
            "release_version": "V9.9",
            "title": "年度版本",
            "manager": ops_approver.pk if manager == "approver" else None,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "manager" in response.json()
    assert not Release.objects.filter(release_version="V9.9").exists()


def test_a_write_without_lock_version_is_a_400_saying_what_to_send(make_release, engineer):
    release = make_release()
    patched = _api(engineer).patch(
        f"/api/releases/{release.number}/", {"title": "新"}, format="json"
    )
    assert patched.status_code == 400
    assert "as you last read it" in patched.json()["lock_version"][0]
    built = _api(engineer).post(f"/api/releases/{release.number}/build/")
    assert built.status_code == 400 and "lock_version" in built.json()
    release.refresh_from_db()
    assert release.title != "新" and release.build == 0
