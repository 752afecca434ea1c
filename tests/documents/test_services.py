"""Controlled documents: the rules the services guarantee, whoever calls them."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from documents import services
from documents.choices import ApplicationStatus, BorrowStatus, DocumentStatus
from documents.models import ControlledDocument, DocumentChangeApplication, DocumentVersion
from itsm import workflow
from itsm.actors import system_user
from itsm.models import TransitionLog
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _messages(exc) -> str:
    return " ".join(str(m) for m in exc.value.messages)


# --- numbers and registration ----------------------------------------------------------


def test_registered_document_is_a_draft_with_version_one(make_document, agent):
    document = make_document("B02", release=False)
    assert document.status == DocumentStatus.DRAFT
    assert document.level == "B"
    assert document.current_version.sequence == 1
    assert document.current_version.label == "1.0"
    assert document.current_version.original_name == "B02.pdf"
    assert document.registered_by == agent


def test_c_and_d_numbers_need_their_procedure_in_the_catalogue(make_document):
    with pytest.raises(ValidationError) as exc:
        make_document("D0201")
    assert "Procedure B02 is not in the catalogue" in _messages(exc)
    procedure = make_document("B02")
    form = make_document("D0201")
    assert form.procedure == procedure


def test_wrong_number_for_the_level_is_refused_with_the_expected_pattern(agent):
    with pytest.raises(ValidationError) as exc:
        services.document_register(
            actor=agent, level="C", number="C01", name="x", document_type="form"
        )
    assert "expected C, the procedure's two digits and two digits" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.document_register(
            actor=agent, level="A", number="B01", name="x", document_type="plan"
        )
    assert exc.value.message_dict["number"]


def test_blank_number_takes_the_next_free_one_and_numbers_are_never_reused(
    make_document, agent, approve_all
):
    make_document("B01")
    procedure = make_document("B02")
    make_document("D0201")
    document = services.document_register(
        actor=agent, level="D", procedure=procedure, name="工单跟踪记录", document_type="form"
    )
    assert document.number == "D0202"
    services.scrap_apply(document=document, actor=agent, reason="不再使用")
    approve_all(document.documentscrapapplications.get())
    with pytest.raises(ValidationError) as exc:
        make_document("D0202")
    assert "already in the catalogue" in _messages(exc)
    nxt = services.document_register(
        actor=agent, level="D", procedure=procedure, name="新表单", document_type="form"
    )
    assert nxt.number == "D0203"


def test_end_users_and_approvers_cannot_register(end_user, approver):
    for user in (end_user, approver):
        with pytest.raises(PermissionDenied):
            services.document_register(actor=user, level="A", name="x", document_type="plan")


def test_html_file_is_refused_before_anything_is_stored(agent, upload):
    with pytest.raises(ValidationError) as exc:
        services.document_register(
            actor=agent,
            level="A",
            number="A01",
            name="运维服务方案",
            document_type="plan",
            file=upload("x.html", b"<script>alert(1)</script>", "text/html"),
        )
    assert "not an allowed document type" in _messages(exc)
    assert not ControlledDocument.objects.exists()


# --- release ---------------------------------------------------------------------------


def test_information_centre_releases_and_the_first_check_is_due_after_the_interval(
    make_document, info_centre
):
    document = make_document("A01")
    assert document.status == DocumentStatus.EFFECTIVE
    assert document.release_date == date(2026, 12, 1)
    assert document.next_check_on == date(2027, 12, 1)
    assert document.released_by == info_centre
    assert DocumentVersion.objects.get(pk=document.current_version_id).effective_on == date(
        2026, 12, 1
    )


def test_only_the_information_centre_releases_and_never_its_own_registration(
    make_document, supervisor, approver, info_centre, admin_user
):
    document = make_document("A01", release=False)
    with pytest.raises(PermissionDenied):
        services.document_release(document=document, actor=supervisor)
    own = make_document("A02", release=False, actor=admin_user)
    with pytest.raises(PermissionDenied) as exc:
        services.document_release(document=own, actor=admin_user)
    assert "another approver" in str(exc.value)
    with pytest.raises(PermissionDenied) as exc:
        services.document_release(document=document, actor=approver)
    assert str(exc.value) == (
        "A01 is for Information centre to decide; you sign for Operations department."
    )
    services.document_release(document=document, actor=info_centre)
    with pytest.raises(workflow.IllegalTransition) as exc:
        services.document_release(document=document, actor=info_centre)
    assert "already effective" in _messages(exc)


# --- change applications ---------------------------------------------------------------


def test_completed_change_makes_version_two_current_and_keeps_version_one(
    make_document, engineer, approver, info_centre, complete_change, upload
):
    document = make_document("B02")
    first = document.current_version
    application = services.change_apply(
        document=document,
        actor=engineer,
        reason="派工时限调整",
        content="第 4 节改为 10 分钟",
        file=upload("服务台管理程序 V2.0.pdf"),
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.UNDER_CHANGE
    assert application.new_version_label == "2.0"
    assert Notification.objects.filter(recipient=approver).exists()
    assert Notification.objects.filter(recipient=info_centre).exists()

    complete_change(application, file=upload("服务台管理程序 V2.0.pdf"))
    document.refresh_from_db()
    assert document.status == DocumentStatus.EFFECTIVE
    assert document.current_version.label == "2.0"
    assert document.current_version.sequence == 2
    assert document.current_version.original_name == "服务台管理程序 V2.0.pdf"
    assert document.current_version.change_application == application
    first.refresh_from_db()
    assert first.superseded_on == date(2026, 12, 1)
    assert list(document.versions.order_by("sequence").values_list("label", flat=True)) == [
        "1.0",
        "2.0",
    ]
    assert Notification.objects.filter(recipient=engineer, subject__contains="approved").exists()
    assert Notification.objects.filter(recipient=engineer, subject__contains="completed").exists()


def test_requester_cannot_approve_their_own_application(
    make_document, upload, approver, admin_user
):
    document = make_document("B02")
    application = services.change_apply(
        document=document, actor=approver, reason="r", content="c", file=upload()
    )
    with pytest.raises(PermissionDenied) as exc:
        services.application_approve(application=application, actor=approver)
    assert "another approver must decide it" in str(exc.value)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_approving_twice_is_refused_with_a_clear_message(
    make_document, engineer, approver, info_centre, make_person, upload
):
    from servicedesk.choices import ApprovalBody, Role

    second_ops = make_person(
        Role.APPROVER, username="ops2", approval_body=ApprovalBody.OPS_DEPARTMENT
    )
    document = make_document("B02")
    application = services.change_apply(
        document=document, actor=engineer, reason="r", content="c", file=upload()
    )
    services.application_approve(application=application, actor=approver)
    for user in (approver, second_ops):  # the same body again, by anyone of it
        with pytest.raises(workflow.IllegalTransition) as exc:
            services.application_approve(application=application, actor=user)
        assert _messages(exc) == (
            f"Operations department has already decided {application.number} "
            "(approved by 赵敏); nothing was changed."
        )
    services.application_approve(application=application, actor=info_centre)
    with pytest.raises(workflow.IllegalTransition) as exc:
        services.application_approve(application=application, actor=second_ops)
    assert _messages(exc) == f"{application.number} is already approved; nothing was changed."
    assert document.versions.count() == 1


def test_only_one_change_at_a_time_and_rejection_returns_the_document_to_effective(
    make_document, engineer, supervisor, approver, upload
):
    document = make_document("B02")
    application = services.change_apply(
        document=document, actor=engineer, reason="r", content="c", file=upload()
    )
    with pytest.raises(ValidationError) as exc:
        services.change_apply(
            document=document, actor=supervisor, reason="r", content="c", file=upload()
        )
    assert application.number in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.application_reject(application=application, actor=approver, note="")
    assert "Say why" in _messages(exc)
    services.application_reject(application=application, actor=approver, note="内容不完整")
    document.refresh_from_db()
    assert document.status == DocumentStatus.EFFECTIVE
    assert document.current_version.label == "1.0"
    assert document.versions.count() == 1


def test_change_needs_reason_and_content_and_its_result_the_revised_file(
    make_document, engineer, agent, approve_all
):
    document = make_document("B02")
    with pytest.raises(ValidationError) as exc:
        services.change_apply(document=document, actor=engineer, reason=" ", content="", file=None)
    assert set(exc.value.message_dict) == {"reason", "content"}
    application = approve_all(
        services.change_apply(document=document, actor=engineer, reason="r", content="c")
    )
    with pytest.raises(ValidationError) as exc:
        services.change_result_record(
            application=application,
            actor=agent,
            change_process="",
            change_made="",
            change_result="",
        )
    assert set(exc.value.message_dict) == {"change_process", "change_made", "change_result", "file"}


def test_a_draft_cannot_be_changed_and_a_version_label_is_never_repeated(
    make_document, engineer, upload
):
    draft = make_document("A01", release=False)
    with pytest.raises(ValidationError) as exc:
        services.change_apply(
            document=draft, actor=engineer, reason="r", content="c", file=upload()
        )
    assert "Only an effective document" in _messages(exc)
    document = make_document("B02")
    with pytest.raises(ValidationError) as exc:
        services.change_apply(
            document=document,
            actor=engineer,
            reason="r",
            content="c",
            file=upload(),
            new_version_label="1.0",
        )
    assert exc.value.message_dict["new_version_label"] == ["Version 1.0 exists already."]


def test_withdraw_is_the_applicants_alone(make_document, engineer, supervisor, upload):
    document = make_document("B02")
    application = services.change_apply(
        document=document, actor=engineer, reason="r", content="c", file=upload()
    )
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, actor=supervisor)
    services.application_withdraw(application=application, actor=engineer)
    document.refresh_from_db()
    assert document.status == DocumentStatus.EFFECTIVE


def test_stale_lock_version_is_a_conflict(make_document, engineer, approver, upload):
    document = make_document("B02")
    application = services.change_apply(
        document=document, actor=engineer, reason="r", content="c", file=upload()
    )
    with pytest.raises(workflow.Conflict):
        services.application_approve(
            application=application, actor=approver, lock_version=application.lock_version + 5
        )


# --- scrapping -------------------------------------------------------------------------


def test_approved_scrap_keeps_the_document_as_history(make_document, engineer, approve_all):
    document = make_document("B02")
    application = services.scrap_apply(document=document, actor=engineer, reason="程序合并")
    approve_all(application)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SCRAPPED
    assert document.next_check_on is None
    assert ControlledDocument.objects.filter(number="B02").exists()
    with pytest.raises(ValidationError):
        services.document_update(document=document, actor=engineer, name="新名称")


def test_scrap_is_refused_while_a_change_is_pending(make_document, engineer, supervisor, upload):
    document = make_document("B02")
    services.change_apply(document=document, actor=engineer, reason="r", content="c", file=upload())
    with pytest.raises(ValidationError) as exc:
        services.scrap_apply(document=document, actor=supervisor, reason="x")
    assert "pending change" in _messages(exc)


# --- borrowing -------------------------------------------------------------------------


def test_borrow_approve_lend_return(make_document, engineer, approver, agent):
    make_document("B01")
    document = make_document("C0101")
    loan = services.borrow_apply(
        document=document, actor=engineer, purpose="编写月报", due_on=date(2026, 12, 8)
    )
    assert loan.borrower == engineer
    services.application_approve(application=loan, actor=approver)
    services.borrow_lend(application=loan, actor=agent)
    loan.refresh_from_db()
    assert loan.status == BorrowStatus.LENT
    assert loan.lent_by == agent
    services.borrow_return(application=loan, actor=agent)
    loan.refresh_from_db()
    assert loan.status == BorrowStatus.RETURNED
    assert loan.returned_to == agent
    transitions = list(
        TransitionLog.objects.filter(object_id=str(document.pk)).values_list(
            "transition", flat=True
        )
    )
    assert transitions[-4:] == [
        "borrow_submitted",
        "borrow_approved",
        "borrow_lent",
        "borrow_returned",
    ]


def test_borrow_due_date_must_be_ahead_and_within_the_limit(make_document, engineer):
    document = make_document("A01")
    with pytest.raises(ValidationError) as exc:
        services.borrow_apply(
            document=document, actor=engineer, purpose="x", due_on=date(2026, 11, 30)
        )
    assert exc.value.message_dict["due_on"] == ["The return date cannot be in the past."]
    with pytest.raises(ValidationError):
        services.borrow_apply(
            document=document, actor=engineer, purpose="x", due_on=date(2027, 6, 1)
        )


def test_a_loan_is_not_handed_over_before_approval_nor_by_the_approver(
    make_document, engineer, approver
):
    document = make_document("A01")
    loan = services.borrow_apply(
        document=document, actor=engineer, purpose="x", due_on=date(2026, 12, 3)
    )
    with pytest.raises(PermissionDenied):
        services.borrow_lend(application=loan, actor=approver)
    with pytest.raises(workflow.IllegalTransition) as exc:
        services.borrow_lend(application=loan, actor=engineer)
    assert "cannot be handed over" in _messages(exc)


def test_overdue_scan_reminds_once_per_due_date(make_document, engineer, approver, agent):
    document = make_document("A01")
    loan = services.borrow_apply(
        document=document, actor=engineer, purpose="x", due_on=date(2026, 12, 3)
    )
    services.application_approve(application=loan, actor=approver)
    services.borrow_lend(application=loan, actor=agent)
    Notification.objects.all().delete()
    assert services.overdue_borrowings_scan(actor=system_user(), today=date(2026, 12, 3)) == 0
    assert services.overdue_borrowings_scan(actor=system_user(), today=date(2026, 12, 4)) == 1
    assert services.overdue_borrowings_scan(actor=system_user(), today=date(2026, 12, 4)) == 0
    assert services.overdue_borrowings_scan(actor=system_user(), today=date(2026, 12, 9)) == 0
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"engineer", "agent"}
    assert Notification.objects.filter(recipient=engineer).count() == 1
    # A new due date (e.g. corrected by an admin) is reminded again, once.
    type(loan).objects.filter(pk=loan.pk).update(due_on=date(2026, 12, 10))
    assert services.overdue_borrowings_scan(actor=system_user(), today=date(2026, 12, 11)) == 1
    assert services.overdue_borrowings_scan(actor=system_user(), today=date(2026, 12, 11)) == 0


def test_returned_loans_are_not_reminded(make_document, engineer, approver, agent):
    document = make_document("A01")
    loan = services.borrow_apply(
        document=document, actor=engineer, purpose="x", due_on=date(2026, 12, 3)
    )
    services.application_approve(application=loan, actor=approver)
    services.borrow_lend(application=loan, actor=agent)
    services.borrow_return(application=loan, actor=agent)
    assert services.overdue_borrowings_scan(actor=system_user(), today=date(2026, 12, 20)) == 0


# --- validity checks and backups ----------------------------------------------------------


def test_check_sets_the_next_date_and_needs_a_note_unless_valid(make_document, agent):
    document = make_document("A01", check_interval_months=6)
    with pytest.raises(ValidationError) as exc:
        services.check_record(document=document, actor=agent, result="needs_change")
    assert exc.value.message_dict["note"]
    check = services.check_record(document=document, actor=agent, result="valid")
    document.refresh_from_db()
    assert check.next_check_on == document.next_check_on == date(2027, 6, 1)
    assert document.last_checked_on == date(2026, 12, 1)
    assert check.version_label == "1.0"


def test_validity_scan_reminds_the_custodian_once_per_due_date(make_document, agent):
    document = make_document("A01", check_interval_months=1)  # due 2027-01-01
    Notification.objects.all().delete()
    assert services.validity_check_scan(actor=system_user(), today=date(2026, 12, 20)) == 0
    assert (
        services.validity_check_scan(actor=system_user(), today=date(2026, 12, 25)) == 1
    )  # a week ahead
    assert services.validity_check_scan(actor=system_user(), today=date(2026, 12, 26)) == 0
    assert services.validity_check_scan(actor=system_user(), today=date(2027, 1, 5)) == 0
    assert Notification.objects.filter(recipient=agent).count() == 1
    with time_machine.travel(datetime(2027, 1, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        services.check_record(document=document, actor=agent, result="valid")
    assert (
        services.validity_check_scan(actor=system_user(), today=date(2027, 1, 30)) == 1
    )  # the next due date


def test_scrapped_and_draft_documents_are_not_checked(make_document, agent):
    draft = make_document("A01", release=False)
    with pytest.raises(ValidationError):
        services.check_record(document=draft, actor=agent, result="valid")
    ControlledDocument.objects.filter(pk=draft.pk).update(next_check_on=date(2026, 1, 1))
    assert services.validity_check_scan(actor=system_user(), today=date(2026, 12, 1)) == 0


def test_backup_record_and_verification(make_document, agent, supervisor, end_user):
    document = make_document("A01")
    backup = services.backup_create(
        actor=agent,
        content="运维体系文件电子版",
        documents=[document],
        backed_up_on=date(2026, 11, 30),
        medium="disk",
        location="信息中心机房",
    )
    assert backup.number.startswith("D0905-20261201")
    assert list(backup.documents.all()) == [document]
    services.backup_verify(backup=backup, actor=supervisor)
    with pytest.raises(ValidationError) as exc:
        services.backup_verify(backup=backup, actor=supervisor)
    assert "already verified" in _messages(exc)
    with pytest.raises(ValidationError) as exc:
        services.backup_create(
            actor=agent,
            content="",
            backed_up_on=date(2026, 12, 2),
            medium="floppy",
            location="",
        )
    assert set(exc.value.message_dict) == {"content", "location", "medium", "backed_up_on"}
    with pytest.raises(PermissionDenied):
        services.backup_create(
            actor=end_user, content="x", backed_up_on=date(2026, 12, 1), medium="disk", location="x"
        )


def test_application_numbers_use_the_configured_form_codes(make_document, engineer, upload):
    from itsm.models import FormCode

    FormCode.objects.filter(key="document_borrow").update(code="D0999")
    document = make_document("A01")
    loan = services.borrow_apply(
        document=document, actor=engineer, purpose="x", due_on=date(2026, 12, 1) + timedelta(days=1)
    )
    change = services.change_apply(
        document=document, actor=engineer, reason="r", content="c", file=upload()
    )
    assert loan.number == "D0999-2026120101"
    assert change.number == "D0902-2026120101"


def _confirming(document, engineer, agent, approve_all, upload):
    application = approve_all(
        services.change_apply(document=document, actor=engineer, reason="r", content="c")
    )
    return services.change_result_record(
        application=application,
        actor=agent,
        change_process="p",
        change_made="m",
        change_result="r",
        file=upload("v2.pdf"),
    )


def _race(users, application_pk, service):
    refusals, barrier = [], threading.Barrier(len(users))

    def run(user):
        try:
            barrier.wait()
            service(
                application=DocumentChangeApplication.objects.get(pk=application_pk), actor=user
            )
        except (workflow.IllegalTransition, workflow.Conflict) as exc:
            refusals.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [" ".join(getattr(r, "messages", [str(r)])) for r in refusals]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_two_approvers_of_one_body_racing_make_one_version_and_one_clear_refusal(
    make_document, engineer, agent, approver, info_centre, make_person, approve_all, upload
):
    from servicedesk.choices import ApprovalBody, Role

    other = make_person(Role.APPROVER, username="ops2", approval_body=ApprovalBody.OPS_DEPARTMENT)
    document = make_document("B02")
    application = _confirming(document, engineer, agent, approve_all, upload)
    services.change_result_confirm(application=application, actor=info_centre)
    refusals = _race([approver, other], application.pk, services.change_result_confirm)
    assert len(refusals) == 1
    assert "is already completed" in refusals[0] or "has already decided" in refusals[0]
    assert document.versions.count() == 2


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_both_bodies_confirming_at_once_make_exactly_one_version(
    make_document, engineer, agent, approver, info_centre, approve_all, upload
):
    document = make_document("B02")
    application = _confirming(document, engineer, agent, approve_all, upload)
    assert _race([approver, info_centre], application.pk, services.change_result_confirm) == []
    application.refresh_from_db()
    assert application.status == ApplicationStatus.COMPLETED
    assert document.versions.count() == 2
