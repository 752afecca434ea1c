"""The documents API: the pages' rules, refusals as 400/403/409, files only as downloads."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from knowledge.choices import DocumentStatus
from knowledge.documents import services
from knowledge.models import ControlledDocument

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_end_user_gets_403_and_staff_read_the_catalogue(make_document, end_user, agent, approver):
    make_document("A01")
    assert _api(end_user).get("/api/documents/").status_code == 403
    for user in (agent, approver):
        response = _api(user).get("/api/documents/")
        assert response.status_code == 200
        assert [row["number"] for row in response.json()["results"]] == ["A01"]


def test_register_by_multipart_and_release(agent, approver, upload):
    response = _api(agent).post(
        "/api/documents/",
        {
            "level": "A",
            "name": "运维服务方案",
            "document_type": "plan",
            "file": upload("运维服务方案.pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "A01"
    assert body["status"] == "draft"
    assert body["versions"][0]["original_name"] == "运维服务方案.pdf"
    assert _api(agent).post("/api/documents/A01/release/", {}).status_code == 403
    response = _api(approver).post("/api/documents/A01/release/", {}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "effective"
    response = _api(approver).post("/api/documents/A01/release/", {}, format="json")
    assert response.status_code == 409
    assert "already effective" in response.json()["detail"]


def test_bad_number_is_a_400_naming_the_field(agent):
    response = _api(agent).post(
        "/api/documents/",
        {"level": "D", "number": "D0201", "name": "运维工作单", "document_type": "form"},
        format="json",
    )
    assert response.status_code == 400
    assert "Procedure B02 is not in the catalogue" in response.json()["number"][0]
    response = _api(agent).post(
        "/api/documents/", {"level": "Z", "name": "x", "document_type": "form"}, format="json"
    )
    assert response.status_code == 400
    assert "level" in response.json()


def test_change_application_approval_and_own_refusal(make_document, engineer, approver, upload):
    make_document("B02")
    response = _api(engineer).post(
        "/api/documents/B02/change-applications/",
        {"reason": "调整", "content": "第 4 节", "file": upload("B02 V2.0.pdf", b"v2")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    assert response.json()["status"] == "submitted"

    own = _api(engineer).post(f"/api/document-change-applications/{number}/approve/", {})
    assert own.status_code == 403

    response = _api(approver).post(
        f"/api/document-change-applications/{number}/approve/", {"note": "同意"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    again = _api(approver).post(f"/api/document-change-applications/{number}/approve/", {})
    assert again.status_code == 409
    assert again.json()["detail"] == f"{number} is already approved; nothing was changed."

    detail = _api(engineer).get("/api/documents/B02/").json()
    assert detail["version"] == "2.0"
    assert [v["label"] for v in detail["versions"]] == ["2.0", "1.0"]
    old = detail["versions"][1]
    response = _api(engineer).get(f"/api/documents/B02/versions/{old['id']}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"


def test_approver_cannot_approve_their_own_application(make_document, approver, upload):
    make_document("B02")
    response = _api(approver).post(
        "/api/documents/B02/change-applications/",
        {"reason": "r", "content": "c", "file": upload()},
        format="multipart",
    )
    number = response.json()["number"]
    response = _api(approver).post(f"/api/document-change-applications/{number}/approve/", {})
    assert response.status_code == 403
    assert "another approver must decide it" in response.json()["detail"]


def test_borrowing_lifecycle_and_overdue_filter(make_document, engineer, approver, agent):
    make_document("A01")
    response = _api(engineer).post(
        "/api/documents/A01/borrowings/",
        {"purpose": "月报", "due_on": "2026-12-02", "borrow_form": "copy"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    assert _api(approver).post(f"/api/document-borrowings/{number}/approve/", {}).status_code == 200
    assert _api(approver).post(f"/api/document-borrowings/{number}/lend/", {}).status_code == 403
    assert _api(agent).post(f"/api/document-borrowings/{number}/lend/", {}).status_code == 200
    with time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        rows = _api(agent).get("/api/document-borrowings/?overdue=1").json()["results"]
        assert [row["number"] for row in rows] == [number]
        assert rows[0]["is_overdue"] is True
        assert [
            d["number"] for d in _api(agent).get("/api/documents/?overdue=1").json()["results"]
        ] == ["A01"]
    response = _api(agent).post(f"/api/document-borrowings/{number}/return/", {})
    assert response.status_code == 200
    assert response.json()["status"] == "returned"


def test_past_due_date_is_a_400(make_document, engineer):
    make_document("A01")
    response = _api(engineer).post(
        "/api/documents/A01/borrowings/",
        {"purpose": "x", "due_on": "2026-11-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["due_on"] == ["The return date cannot be in the past."]


def test_scrap_check_and_backup(make_document, engineer, approver, agent):
    document = make_document("B03")
    response = _api(agent).post(
        "/api/documents/B03/check/", {"result": "obsolete", "note": "已被 B05 取代"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["next_check_on"] == "2027-12-01"
    response = _api(engineer).post(
        "/api/documents/B03/scrap-applications/", {"reason": "已被取代"}, format="json"
    )
    number = response.json()["number"]
    response = _api(approver).post(
        f"/api/document-scrap-applications/{number}/reject/", {"note": ""}, format="json"
    )
    assert response.status_code == 400
    assert (
        _api(approver).post(f"/api/document-scrap-applications/{number}/approve/", {}).status_code
        == 200
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.SCRAPPED

    response = _api(agent).post(
        "/api/document-backups/",
        {
            "content": "全部电子版",
            "documents": ["B03"],
            "backed_up_on": "2026-12-01",
            "medium": "disk",
            "location": "机房",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["documents"] == ["B03"]
    backup = response.json()["number"]
    assert _api(approver).post(f"/api/document-backups/{backup}/verify/").status_code == 403
    assert _api(agent).post(f"/api/document-backups/{backup}/verify/").json()["verified"] is True


def test_stale_revision_is_a_409(make_document, agent):
    document = make_document("A01")
    response = _api(agent).patch(
        "/api/documents/A01/",
        {"storage_location": "档案室", "revision": document.revision - 1},
        format="json",
    )
    assert response.status_code == 409
    response = _api(agent).patch(
        "/api/documents/A01/",
        {"storage_location": "档案室", "revision": document.revision},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["storage_location"] == "档案室"


def test_list_query_count_is_flat(make_document, agent, engineer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_document("B01")
    for i in range(1, 3):
        make_document(f"C01{i:02d}")
    client = _api(agent)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/documents/")
    for i in range(3, 12):
        document = make_document(f"C01{i:02d}")
        services.borrow_apply(
            document=document, actor=engineer, purpose="p", due_on=date(2026, 12, 9)
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/documents/")
    assert response.json()["count"] == 12
    assert len(many) == len(few)
    assert ControlledDocument.objects.count() == 12
