"""The documents API: the pages' rules, refusals as 400/403/409, files only as downloads."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from documents import services
from documents.choices import DocumentStatus
from documents.models import ControlledDocument

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _lv(url: str) -> int:
    """The current lock_version of the document or application an action URL names."""
    from documents.models import (
        DocumentBorrowApplication,
        DocumentChangeApplication,
        DocumentScrapApplication,
    )

    parts = url.split("?")[0].strip("/").split("/")
    number = parts[2]
    if parts[1] == "documents":
        return ControlledDocument.objects.get(number=number).lock_version
    for model in (DocumentChangeApplication, DocumentScrapApplication, DocumentBorrowApplication):
        found = model.objects.filter(number=number).first()
        if found is not None:
            return found.lock_version
    return 1


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


def test_register_by_multipart_and_release_by_the_information_centre(
    agent, approver, info_centre, upload
):
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
    assert [(d["body"], d["decision"]) for d in body["release_decisions"]] == [
        ("information_centre", "pending")
    ]
    assert (
        _api(agent)
        .post("/api/documents/A01/release/", {"lock_version": _lv("/api/documents/A01/release/")})
        .status_code
        == 403
    )
    response = _api(approver).post(
        "/api/documents/A01/release/",
        {"lock_version": _lv("/api/documents/A01/release/")},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "A01 is for Information centre to decide; you sign for Operations department."
    )
    response = _api(info_centre).post(
        "/api/documents/A01/release/",
        {"lock_version": _lv("/api/documents/A01/release/"), "note": "同意发布"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "effective"
    decision = response.json()["release_decisions"][0]
    assert (decision["decision"], decision["decided_by"], decision["comment"]) == (
        "approved",
        "孙磊",
        "同意发布",
    )
    assert decision["decided_at"].startswith("2026-12-01T10:00:00")
    response = _api(info_centre).post(
        "/api/documents/A01/release/",
        {"lock_version": _lv("/api/documents/A01/release/")},
        format="json",
    )
    assert response.status_code == 409
    assert "already effective" in response.json()["detail"]


def test_release_turned_down_and_handed_in_again_opens_a_new_round(agent, info_centre):
    services.document_register(actor=agent, level="A", name="运维服务方案", document_type="plan")
    response = _api(info_centre).post(
        "/api/documents/A01/reject-release/",
        {"lock_version": _lv("/api/documents/A01/reject-release/")},
        format="json",
    )
    assert response.status_code == 400 and "note" in response.json()
    response = _api(info_centre).post(
        "/api/documents/A01/reject-release/",
        {"lock_version": _lv("/api/documents/A01/reject-release/"), "note": "缺少附录"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["release_decisions"][0]["decision"] == "rejected"
    response = _api(info_centre).post(
        "/api/documents/A01/release/",
        {"lock_version": _lv("/api/documents/A01/release/")},
        format="json",
    )
    assert response.status_code == 409
    assert "turned down" in response.json()["detail"]
    assert (
        _api(info_centre)
        .post(
            "/api/documents/A01/resubmit-release/",
            {"lock_version": _lv("/api/documents/A01/resubmit-release/")},
        )
        .status_code
        == 403
    )
    response = _api(agent).post(
        "/api/documents/A01/resubmit-release/",
        {"lock_version": _lv("/api/documents/A01/resubmit-release/"), "note": "已补充附录"},
        format="json",
    )
    assert response.status_code == 200
    assert [(d["round"], d["decision"]) for d in response.json()["release_decisions"]] == [
        (2, "pending")
    ]
    response = _api(info_centre).post(
        "/api/documents/A01/release/",
        {"lock_version": _lv("/api/documents/A01/release/")},
        format="json",
    )
    assert response.json()["status"] == "effective"


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


def test_change_application_two_bodies_result_and_confirmation(
    make_document, engineer, agent, approver, info_centre, upload
):
    make_document("B02")
    response = _api(engineer).post(
        "/api/documents/B02/change-applications/",
        {"reason": "调整", "content": "第 4 节"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    number = response.json()["number"]
    assert response.json()["status"] == "submitted"
    assert response.json()["awaiting"] == ["ops_department", "information_centre"]
    url = f"/api/document-change-applications/{number}"

    own = _api(engineer).post(f"{url}/approve/", {"lock_version": _lv(f"{url}/approve/")})
    assert own.status_code == 403

    response = _api(approver).post(
        f"{url}/approve/", {"lock_version": _lv(f"{url}/approve/"), "note": "同意"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert response.json()["awaiting"] == ["information_centre"]
    again = _api(approver).post(f"{url}/approve/", {"lock_version": _lv(f"{url}/approve/")})
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"Operations department has already decided {number} (approved by 赵敏); "
        "nothing was changed."
    )
    early = _api(agent).post(
        f"{url}/result/",
        {
            "lock_version": _lv(f"{url}/result/"),
            "change_process": "p",
            "change_made": "m",
            "change_result": "r",
            "file": upload(),
        },
        format="multipart",
    )
    assert early.status_code == 409
    response = _api(info_centre).post(
        f"{url}/approve/", {"lock_version": _lv(f"{url}/approve/")}, format="json"
    )
    assert response.json()["status"] == "approved"

    response = _api(agent).post(
        f"{url}/result/",
        {
            "lock_version": _lv(f"{url}/result/"),
            "change_process": "p",
            "change_made": "m",
            "change_result": "r",
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["file"] == ["Attach the revised document."]
    response = _api(agent).post(
        f"{url}/result/",
        {
            "lock_version": _lv(f"{url}/result/"),
            "change_process": "按申请修改",
            "change_made": "第 4 节",
            "change_result": "已完成",
            "file": upload("B02 V2.0.pdf", b"v2"),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["carried_out_by"], body["change_result"]) == (
        "confirming",
        "李静",
        "已完成",
    )
    assert body["awaiting"] == ["ops_department", "information_centre"]
    response = _api(approver).post(f"{url}/approve/", {"lock_version": _lv(f"{url}/approve/")})
    assert response.status_code == 409
    assert "confirm it instead" in response.json()["detail"]
    response = _api(approver).post(
        f"{url}/confirm/", {"lock_version": _lv(f"{url}/confirm/"), "note": "确认"}, format="json"
    )
    assert response.json()["status"] == "confirming"
    assert _api(engineer).get("/api/documents/B02/").json()["version"] == "1.0"
    response = _api(info_centre).post(
        f"{url}/confirm/", {"lock_version": _lv(f"{url}/confirm/")}, format="json"
    )
    assert response.json()["status"] == "completed"
    stages = [(d["stage"], d["body"], d["decision"]) for d in response.json()["decisions"]]
    assert stages == [
        ("approval", "ops_department", "approved"),
        ("approval", "information_centre", "approved"),
        ("confirmation", "ops_department", "approved"),
        ("confirmation", "information_centre", "approved"),
    ]

    detail = _api(engineer).get("/api/documents/B02/").json()
    assert detail["version"] == "2.0"
    assert [v["label"] for v in detail["versions"]] == ["2.0", "1.0"]
    old = detail["versions"][1]
    response = _api(engineer).get(f"/api/documents/B02/versions/{old['id']}/file/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"


def test_application_list_reads_a_flat_number_of_queries(make_document, engineer, approver, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(start, n):
        for i in range(start, start + n):
            document = make_document(f"A{i:02d}")
            loan = services.borrow_apply(
                document=document, actor=engineer, purpose="p", due_on=date(2026, 12, 3)
            )
            if i % 2:
                services.application_approve(application=loan, actor=approver)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = _api(agent).get("/api/document-borrowings/")
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    grow(1, 2)
    few, rows = count()
    grow(3, 6)
    assert count() == (few, rows + 6)


def test_approver_cannot_approve_their_own_application(make_document, approver, upload):
    make_document("B02")
    response = _api(approver).post(
        "/api/documents/B02/change-applications/",
        {"reason": "r", "content": "c", "file": upload()},
        format="multipart",
    )
    number = response.json()["number"]
    response = _api(approver).post(
        f"/api/document-change-applications/{number}/approve/",
        {"lock_version": _lv(f"/api/document-change-applications/{number}/approve/")},
    )
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
    assert (
        _api(approver)
        .post(
            f"/api/document-borrowings/{number}/approve/",
            {"lock_version": _lv(f"/api/document-borrowings/{number}/approve/")},
        )
        .status_code
        == 200
    )
    assert (
        _api(approver)
        .post(
            f"/api/document-borrowings/{number}/lend/",
            {"lock_version": _lv(f"/api/document-borrowings/{number}/lend/")},
        )
        .status_code
        == 403
    )
    assert (
        _api(agent)
        .post(
            f"/api/document-borrowings/{number}/lend/",
            {"lock_version": _lv(f"/api/document-borrowings/{number}/lend/")},
        )
        .status_code
        == 200
    )
    with time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI), tick=False):
        rows = _api(agent).get("/api/document-borrowings/?overdue=1").json()["results"]
        assert [row["number"] for row in rows] == [number]
        assert rows[0]["is_overdue"] is True
        assert [
            d["number"] for d in _api(agent).get("/api/documents/?overdue=1").json()["results"]
        ] == ["A01"]
    response = _api(agent).post(
        f"/api/document-borrowings/{number}/return/",
        {"lock_version": _lv(f"/api/document-borrowings/{number}/return/")},
    )
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


def test_scrap_check_and_backup(make_document, engineer, approver, info_centre, agent):
    document = make_document("B03")
    response = _api(agent).post(
        "/api/documents/B03/check/",
        {
            "lock_version": _lv("/api/documents/B03/check/"),
            "result": "obsolete",
            "note": "已被 B05 取代",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["next_check_on"] == "2027-12-01"
    response = _api(engineer).post(
        "/api/documents/B03/scrap-applications/", {"reason": "已被取代"}, format="json"
    )
    number = response.json()["number"]
    response = _api(approver).post(
        f"/api/document-scrap-applications/{number}/reject/",
        {"lock_version": _lv(f"/api/document-scrap-applications/{number}/reject/"), "note": ""},
        format="json",
    )
    assert response.status_code == 400
    for user in (approver, info_centre):
        response = _api(user).post(
            f"/api/document-scrap-applications/{number}/approve/",
            {"lock_version": _lv(f"/api/document-scrap-applications/{number}/approve/")},
        )
        assert response.status_code == 200
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


def test_stale_lock_version_is_a_409(make_document, agent):
    document = make_document("A01")
    response = _api(agent).patch(
        "/api/documents/A01/",
        {"storage_location": "档案室", "lock_version": document.lock_version - 1},
        format="json",
    )
    assert response.status_code == 409
    response = _api(agent).patch(
        "/api/documents/A01/",
        {"storage_location": "档案室", "lock_version": document.lock_version},
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


def test_list_filters_in_the_query_string_do_not_hide_an_actions_answer(
    make_document, engineer, approver
):
    """`?status=` narrows the list; an action answered through the same URL still finds its row."""
    make_document("A01")
    response = _api(engineer).post(
        "/api/documents/A01/borrowings/",
        {"purpose": "月报", "due_on": "2026-12-20", "borrow_form": "copy"},
        format="json",
    )
    number = response.json()["number"]
    url = f"/api/document-borrowings/{number}/approve/?status=lent&overdue=1"
    response = _api(approver).post(url, {"lock_version": _lv(url)})
    assert response.status_code == 200, response.content
    assert response.json()["number"] == number


def test_state_changing_calls_require_the_lock_version(make_document, info_centre, agent):
    make_document("A01", release=False)
    response = _api(info_centre).post("/api/documents/A01/release/", {}, format="json")
    assert response.status_code == 400
    assert "lock_version" in response.json()
    response = _api(agent).patch("/api/documents/A01/", {"name": "新名称"}, format="json")
    assert response.status_code == 400
    assert "lock_version" in response.json()
    assert ControlledDocument.objects.get(number="A01").name == "文件 A01"


DOCUMENT_PATHS = {
    "/api/documents/",
    "/api/documents/{number}/",
    "/api/documents/{number}/borrowings/",
    "/api/documents/{number}/change-applications/",
    "/api/documents/{number}/check/",
    "/api/documents/{number}/reject-release/",
    "/api/documents/{number}/release/",
    "/api/documents/{number}/resubmit-release/",
    "/api/documents/{number}/scrap-applications/",
    "/api/documents/{number}/versions/{version_id}/file/",
    "/api/document-backups/",
    "/api/document-backups/{number}/",
    "/api/document-backups/{number}/verify/",
    "/api/document-borrowings/",
    "/api/document-borrowings/{number}/",
    "/api/document-borrowings/{number}/approve/",
    "/api/document-borrowings/{number}/lend/",
    "/api/document-borrowings/{number}/reject/",
    "/api/document-borrowings/{number}/return/",
    "/api/document-borrowings/{number}/withdraw/",
    "/api/document-change-applications/",
    "/api/document-change-applications/{number}/",
    "/api/document-change-applications/{number}/approve/",
    "/api/document-change-applications/{number}/confirm/",
    "/api/document-change-applications/{number}/file/",
    "/api/document-change-applications/{number}/reject/",
    "/api/document-change-applications/{number}/result/",
    "/api/document-change-applications/{number}/withdraw/",
    "/api/document-scrap-applications/",
    "/api/document-scrap-applications/{number}/",
    "/api/document-scrap-applications/{number}/approve/",
    "/api/document-scrap-applications/{number}/reject/",
    "/api/document-scrap-applications/{number}/withdraw/",
}


def test_the_openapi_document_keeps_the_document_paths_after_the_move(agent):
    import yaml

    response = _api(agent).get("/api/schema/")
    assert response.status_code == 200
    paths = yaml.safe_load(response.content)["paths"]
    assert {path for path in paths if "/api/document" in path} == DOCUMENT_PATHS
