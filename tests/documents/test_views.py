"""Controlled-document pages: who sees what, the whole flow in a browser's requests, flat queries."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import services
from documents.choices import ApplicationStatus, DocumentStatus
from documents.models import ControlledDocument, DocumentChangeApplication

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _grow(make_document, engineer, approver, agent, upload, start: int, n: int):
    """n more documents under B01, each with a pending change, a loan, a check and a backup."""
    for i in range(start, start + n):
        document = make_document(f"D01{i:02d}")
        services.change_apply(
            document=document, actor=engineer, reason="r", content="c", file=upload()
        )
        loan = services.borrow_apply(
            document=document, actor=engineer, purpose="p", due_on=date(2026, 12, 2)
        )
        services.application_approve(application=loan, actor=approver)
        services.borrow_lend(application=loan, actor=agent)
        services.check_record(document=document, actor=agent, result="valid")
        services.backup_create(
            actor=agent,
            content="x",
            documents=[document],
            backed_up_on=date(2026, 12, 1),
            medium="disk",
            location="机房",
        )


@pytest.mark.parametrize(
    "params",
    [{}, {"level": "D"}, {"check_due": "on"}, {"overdue": "on"}, {"pending": "on"}, {"q": "文件"}],
)
def test_catalogue_list_query_count_is_flat(
    client, make_document, engineer, approver, agent, upload, params
):
    make_document("B01")
    _grow(make_document, engineer, approver, agent, upload, 1, 2)
    client.force_login(approver)
    url = reverse("documents:document_list")
    few = _queries(client, url, params)
    _grow(make_document, engineer, approver, agent, upload, 3, 6)
    assert _queries(client, url, params) == few


def test_backup_list_query_count_is_flat(client, make_document, engineer, approver, agent, upload):
    make_document("B01")
    _grow(make_document, engineer, approver, agent, upload, 1, 2)
    client.force_login(agent)
    url = reverse("documents:document_backups")
    few = _queries(client, url)
    _grow(make_document, engineer, approver, agent, upload, 3, 5)
    assert _queries(client, url) == few


def test_detail_query_count_is_flat_as_history_grows(
    client, make_document, engineer, approver, agent, upload, supervisor, complete_change
):
    make_document("B01")
    document = make_document("C0101")
    client.force_login(approver)
    url = document.get_absolute_url()

    def round_of_history():
        change = services.change_apply(
            document=document, actor=engineer, reason="r", content="c", file=upload()
        )
        complete_change(change)
        scrap = services.scrap_apply(document=document, actor=engineer, reason="r")
        services.application_reject(application=scrap, actor=approver, note="仍在使用")
        loan = services.borrow_apply(
            document=document, actor=engineer, purpose="p", due_on=date(2026, 12, 5)
        )
        services.application_approve(application=loan, actor=approver)
        services.borrow_lend(application=loan, actor=agent)
        services.borrow_return(application=loan, actor=agent)
        services.check_record(document=document, actor=agent, result="valid")
        services.backup_create(
            actor=supervisor,
            content="x",
            documents=[document],
            backed_up_on=date(2026, 12, 1),
            medium="disk",
            location="机房",
        )
        services.document_update(document=document, actor=agent, description=f"d{upload().size}")

    round_of_history()
    # And one change under way (approved by the ops department, awaiting the centre).
    pending = services.change_apply(document=document, actor=engineer, reason="r", content="c")
    services.application_approve(application=pending, actor=approver)
    few = _queries(client, url)
    services.application_withdraw(application=pending, actor=engineer)
    for _ in range(4):
        round_of_history()
    pending = services.change_apply(document=document, actor=engineer, reason="r", content="c")
    services.application_approve(application=pending, actor=approver)
    assert _queries(client, url) == few


def test_end_users_have_no_access(client, make_document, end_user):
    document = make_document("A01")
    client.force_login(end_user)
    assert client.get(reverse("documents:document_list")).status_code == 403
    assert client.get(document.get_absolute_url()).status_code == 404
    version_url = reverse(
        "documents:document_version_download", args=[document.number, document.current_version_id]
    )
    assert client.get(version_url).status_code == 404


def test_knowledge_list_links_to_the_documents_for_staff(client, agent):
    client.force_login(agent)
    response = client.get(reverse("knowledge:list"))
    assert reverse("documents:document_list").encode() in response.content


def _act(client, kind, number, action, **data):
    url = reverse("documents:document_application_act", args=[kind, number, action])
    return client.post(url, data)


def test_change_goes_through_both_bodies_on_the_pages_and_keeps_version_one(
    client, agent, engineer, approver, info_centre, upload
):
    client.force_login(agent)
    response = client.post(
        reverse("documents:document_register"),
        {
            "level": "B",
            "number": "B02",
            "name": "服务台管理程序",
            "document_class": "operations",
            "document_type": "procedure",
            "version_label": "1.0",
            "check_interval_months": "12",
            "storage_location": "运维办公室 文件柜 A",
            "file": upload("服务台管理程序 V1.0.pdf"),
        },
    )
    assert response.status_code == 302, response.content[:800]
    assert (
        _messages(response)[-1]
        == "B02 registered: awaiting the release decision of Information centre."
    )
    document = ControlledDocument.objects.get(number="B02")
    assert document.status == DocumentStatus.DRAFT

    # The ops department is not asked to release: it is told who is.
    client.force_login(approver)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "B02 is for Information centre to decide; you sign for Operations department." in page
    response = client.post(
        reverse("documents:document_release", args=["B02"]), {"lock_version": document.lock_version}
    )
    assert (
        _messages(response)[-1]
        == "B02 is for Information centre to decide; you sign for Operations department."
    )
    client.force_login(info_centre)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Approve the release for Information centre" in page
    response = client.post(
        reverse("documents:document_release", args=["B02"]), {"lock_version": document.lock_version}
    )
    assert _messages(response)[-1] == "Released: the document is effective."
    document.refresh_from_db()
    assert document.status == DocumentStatus.EFFECTIVE

    client.force_login(engineer)
    response = client.post(
        reverse("documents:document_apply", args=["B02", "change"]),
        {"reason": "派工时限调整", "content": "第 4 节改为 10 分钟"},
    )
    assert response.status_code == 302, response.content[:800]
    assert (
        "awaiting the decision of Operations department and Information centre"
        in (_messages(response)[-1])
    )
    application = DocumentChangeApplication.objects.get()

    # Stage 1: the ops department approves; the centre is still awaited.
    client.force_login(approver)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "1. Approval of the change" in page and "3. Confirmation of the result" in page
    assert "Approve for Operations department" in page
    response = _act(
        client,
        "change",
        application.number,
        "approve",
        note="同意",
        lock_version=application.lock_version,
    )
    assert _messages(response)[-1] == "Approval recorded."
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Operations department has already decided" in page
    assert 'data-body="information_centre" data-decision="pending"' in page

    client.force_login(info_centre)
    response = _act(
        client, "change", application.number, "approve", lock_version=application.lock_version
    )
    assert _messages(response)[-1] == "Approval recorded."
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    document.refresh_from_db()
    assert document.current_version.label == "1.0"

    # Stage 2: the desk records the change made, with the revised file.
    client.force_login(agent)
    page = client.get(document.get_absolute_url()).content.decode()
    result_url = reverse("documents:document_change_result", args=[application.number])
    assert result_url in page
    response = client.post(result_url, {"change_process": "修改第 4 节", "change_made": "时限"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    response = client.post(
        result_url,
        {
            "change_process": "按批准的申请修改第 4 节",
            "change_made": "第 4 节改为 10 分钟",
            "change_result": "已修改并校对",
            "file": upload("服务台管理程序 V2.0.docx", b"PK docx"),
            "lock_version": application.lock_version,
        },
    )
    assert response.status_code == 302, response.content[:800]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CONFIRMING

    # Stage 3: both bodies confirm; the version is current only after the second.
    client.force_login(approver)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Confirm the result for Operations department" in page
    response = _act(client, "change", application.number, "confirm", note="确认")
    assert _messages(response)[-1] == "Confirmation recorded."
    document.refresh_from_db()
    assert document.current_version.label == "1.0"
    client.force_login(info_centre)
    response = _act(client, "change", application.number, "confirm")
    assert _messages(response)[-1] == "Confirmation recorded."
    document.refresh_from_db()
    assert document.current_version.label == "2.0"
    assert document.status == DocumentStatus.EFFECTIVE
    page = client.get(document.get_absolute_url()).content.decode()
    assert "服务台管理程序 V1.0.pdf" in page and "服务台管理程序 V2.0.docx" in page

    old = document.versions.get(label="1.0")
    response = client.get(reverse("documents:document_version_download", args=["B02", old.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%9C%8D%E5%8A%A1" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"

    # Approving again from a stale page is refused and says why.
    response = _act(client, "change", application.number, "approve")
    assert _messages(response)[-1] == f"{application.number} is completed and cannot be approved."
    # A stale lock_version gives the reload message.
    response = _act(client, "change", application.number, "confirm", lock_version=1)
    assert (
        _messages(response)[-1]
        == "This document was changed by someone else. Please reload the page and try again."
    )


def test_approver_cannot_approve_own_application_on_the_page(
    client, make_document, approver, upload
):
    document = make_document("B02")
    application = services.change_apply(
        document=document, actor=approver, reason="r", content="c", file=upload()
    )
    client.force_login(approver)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "yourself: another approver must decide it." in page
    response = client.post(
        reverse(
            "documents:document_application_act", args=["change", application.number, "approve"]
        )
    )
    assert "another approver must decide it" in _messages(response)[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_borrow_and_return_on_the_page_and_overdue_filter(
    client, make_document, engineer, approver, agent
):
    document = make_document("A01")
    client.force_login(engineer)
    response = client.post(
        reverse("documents:document_apply", args=["A01", "borrow"]),
        {"purpose": "编写月报", "borrow_form": "copy", "due_on": "2026-12-03"},
    )
    assert response.status_code == 302
    loan = document.documentborrowapplications.get()
    client.force_login(approver)
    client.post(
        reverse("documents:document_application_act", args=["borrow", loan.number, "approve"])
    )
    client.force_login(agent)
    client.post(reverse("documents:document_application_act", args=["borrow", loan.number, "lend"]))
    with time_machine.travel(datetime(2026, 12, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(agent)  # the session of 1 December has expired
        page = client.get(reverse("documents:document_list"), {"overdue": "on"}).content.decode()
        assert "A01" in page and "Overdue loan" in page
        response = client.post(
            reverse("documents:document_application_act", args=["borrow", loan.number, "return"])
        )
    assert _messages(response) == ["Returned."]
    loan.refresh_from_db()
    assert loan.status == "returned"


def test_unavailable_actions_say_why(client, make_document, manager, engineer, upload):
    document = make_document("B02")
    change = services.change_apply(
        document=document, actor=engineer, reason="r", content="c", file=upload()
    )
    client.force_login(engineer)
    page = client.get(document.get_absolute_url()).content.decode()
    assert f"B02 already has change application {change.number} in progress." in page
    client.force_login(manager)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Only the document keepers (IT staff) can edit the catalogue." in page


def test_bad_input_is_refused_with_field_messages(client, make_document, agent):
    client.force_login(agent)
    response = client.post(
        reverse("documents:document_register"),
        {
            "level": "C",
            "number": "C99",
            "name": "x",
            "document_class": "operations",
            "document_type": "form",
            "version_label": "1.0",
            "check_interval_months": "12",
        },
    )
    assert response.status_code == 200
    assert "is not a valid number for this level" in response.content.decode()
    assert not ControlledDocument.objects.exists()


def test_script_in_any_field_shows_as_text(client, make_document, engineer, agent):
    script = "<script>alert(1)</script>"
    document = make_document("A01", name=script, description=script, storage_location=script)
    services.borrow_apply(
        document=document, actor=engineer, purpose=script, due_on=date(2026, 12, 1) + timedelta(1)
    )
    client.force_login(agent)
    for url in (document.get_absolute_url(), reverse("documents:document_list")):
        page = client.get(url).content.decode()
        assert script not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_approvers_sub_navigation_leaves_out_the_staff_only_record_list(client, approver, agent):
    client.force_login(approver)
    page = client.get(reverse("documents:document_list")).content.decode()
    assert f'href="{reverse("knowledge:list")}"' not in page
    client.force_login(agent)
    page = client.get(reverse("documents:document_list")).content.decode()
    assert f'href="{reverse("knowledge:list")}"' in page


def test_a_lock_version_of_odd_digits_is_ignored_not_a_crash(client, make_document, info_centre):
    """'²' passes str.isdigit() but not int(): the form field is treated as absent."""
    document = make_document("B07", release=False)
    client.force_login(info_centre)
    response = client.post(
        reverse("documents:document_release", args=[document.number]), {"lock_version": "²"}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == "effective"


def test_old_knowledge_addresses_redirect_permanently_to_the_documents_app(client, agent):
    client.force_login(agent)
    response = client.get("/knowledge/documents/B02/?tab=versions")
    assert response.status_code == 301
    assert response["Location"] == "/documents/B02/?tab=versions"
    assert client.get("/knowledge/documents/")["Location"] == "/documents/"
    assert reverse("documents:document_list") == "/documents/"
