import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_schema_is_openapi_3_and_lists_the_endpoints(api, agent):
    api.force_authenticate(agent)
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/people/" in schema["paths"]
    assert "/api/service-levels/" in schema["paths"]


def test_schema_validates():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_and_docs_need_a_login(api):
    assert api.get("/api/schema/").status_code in (401, 403)
    assert api.get("/api/docs/").status_code in (401, 403)


def test_docs_work_offline(api, agent):
    api.force_authenticate(agent)
    body = api.get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    assert "/static/drf_spectacular_sidecar/" in body
    assert "cdn.jsdelivr" not in body


def test_api_needs_authentication(api):
    assert api.get("/api/people/").status_code in (401, 403)


def test_token_auth_works(api, agent):
    from itsm.tokens import token_issue

    _token, key = token_issue(actor=agent, user=agent, name="监控脚本")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/people/")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_end_user_cannot_list_people(api, end_user):
    api.force_authenticate(end_user)
    assert api.get("/api/people/").status_code == 403


def test_every_user_reads_their_own_profile(api, end_user):
    api.force_authenticate(end_user)
    response = api.get("/api/people/me/")
    assert response.status_code == 200
    assert response.json()["name"] == "王芳"
    assert response.json()["effective_service_level"] == "standard"


def test_desk_finds_a_caller_by_phone(api, agent, make_person):
    make_person(phone="010-88001234", name="来电人")
    api.force_authenticate(agent)
    rows = api.get("/api/people/", {"q": "88001234"}).json()["results"]
    assert [r["name"] for r in rows] == ["来电人"]


def test_api_calendar_edit_is_marked_manual(api, admin_user):
    api.force_authenticate(admin_user)
    response = api.post(
        "/api/calendar-days/", {"date": "2027-02-12", "kind": "holiday", "name": "春节调整"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "manual"


def test_engineer_cannot_edit_the_calendar(api, engineer):
    api.force_authenticate(engineer)
    response = api.post("/api/calendar-days/", {"date": "2027-02-12", "kind": "holiday"})
    assert response.status_code == 403
