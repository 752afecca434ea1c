"""Who decides what: each application needs exactly the bodies the operations plan names
(§3.2: 《文件登记表》 information centre; 《文件更改申请单》 ops department and information
centre approve, then both confirm the result; 《报废申请单》 both; 《文件借阅申请单》 ops
department), one decision per body, one rejection rejects."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.urls import reverse

from documents import bodies, services
from documents.choices import ApplicationStatus, BorrowStatus, DocumentStatus
from documents.models import DocumentDecision
from itsm import workflow
from servicedesk.choices import ApprovalBody, Role

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPS, CENTRE = ApprovalBody.OPS_DEPARTMENT, ApprovalBody.INFORMATION_CENTRE


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def _messages(exc) -> str:
    return " ".join(getattr(exc.value, "messages", [str(exc.value)]))


def _file(document, kind, engineer):
    if kind == "change":
        return services.change_apply(document=document, actor=engineer, reason="r", content="c")
    if kind == "scrap":
        return services.scrap_apply(document=document, actor=engineer, reason="r")
    return services.borrow_apply(
        document=document, actor=engineer, purpose="p", due_on=date(2026, 12, 3)
    )


def _bodies(application):
    return [(d.stage, d.body, d.decision) for d in application.decisions.order_by("stage", "order")]


@pytest.mark.parametrize(
    ("kind", "needed", "approved"),
    [
        ("change", [OPS, CENTRE], ApplicationStatus.APPROVED),
        ("scrap", [OPS, CENTRE], ApplicationStatus.APPROVED),
        ("borrow", [OPS], BorrowStatus.APPROVED),
    ],
)
def test_each_kind_needs_exactly_its_bodies(
    make_document, engineer, approver, info_centre, kind, needed, approved
):
    document = make_document("B02")
    application = _file(document, kind, engineer)
    assert _bodies(application) == [("approval", body, "pending") for body in needed]
    deciders = {OPS: approver, CENTRE: info_centre}
    for i, body in enumerate(needed):
        application = services.application_approve(
            application=application, actor=deciders[body], note=f"意见{i}"
        )
        application.refresh_from_db()
        last = i == len(needed) - 1
        assert (application.status == approved) is last, (body, application.status)
    row = application.decisions.get(body=needed[0])
    assert (row.decided_by, row.comment, row.decided_at) == (
        deciders[needed[0]],
        "意见0",
        datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI),
    )
    for body in {OPS, CENTRE} - set(needed):  # the body not asked is refused
        with pytest.raises((PermissionDenied, workflow.IllegalTransition)):
            services.application_approve(application=application, actor=deciders[body])


def test_registration_needs_the_information_centre_only(make_document, approver, info_centre):
    document = make_document("A01", release=False)
    assert [(d.kind, d.body, d.decision) for d in document.decisions.all()] == [
        ("registration", CENTRE, "pending")
    ]
    with pytest.raises(PermissionDenied) as exc:
        services.document_release(document=document, actor=approver)
    assert _messages(exc) == (
        "A01 is for Information centre to decide; you sign for Operations department."
    )
    document = services.document_release(document=document, actor=info_centre, note="同意")
    assert document.status == DocumentStatus.EFFECTIVE
    row = document.decisions.get()
    assert (row.decision, row.decided_by, row.comment) == ("approved", info_centre, "同意")


def test_approver_of_the_wrong_body_or_of_none_is_refused_naming_the_body(
    make_document, engineer, info_centre, make_person
):
    loan = _file(make_document("A01"), "borrow", engineer)
    with pytest.raises(PermissionDenied) as exc:
        services.application_approve(application=loan, actor=info_centre)
    assert _messages(exc) == (
        f"{loan.number} is for Operations department to decide; you sign for Information centre."
    )
    nobody = make_person(Role.APPROVER, username="approver9")
    with pytest.raises(PermissionDenied) as exc:
        services.application_reject(application=loan, actor=nobody, note="x")
    assert _messages(exc) == (
        "Your approver profile names no body you sign for; Operations department must decide "
        f"{loan.number}. An administrator sets it on your profile."
    )
    loan.refresh_from_db()
    assert loan.status == BorrowStatus.SUBMITTED
    assert not loan.decisions.exclude(decision="pending").exists()


def test_one_rejection_rejects_even_after_the_other_body_approved(
    make_document, engineer, approver, info_centre
):
    document = make_document("B02")
    scrap = _file(document, "scrap", engineer)
    services.application_approve(application=scrap, actor=approver)
    with pytest.raises(ValidationError):
        services.application_reject(application=scrap, actor=info_centre, note=" ")
    services.application_reject(application=scrap, actor=info_centre, note="仍在使用")
    scrap.refresh_from_db()
    document.refresh_from_db()
    assert scrap.status == ApplicationStatus.REJECTED
    assert document.status == DocumentStatus.EFFECTIVE
    assert _bodies(scrap) == [("approval", OPS, "approved"), ("approval", CENTRE, "rejected")]
    with pytest.raises(workflow.IllegalTransition) as exc:
        services.application_approve(application=scrap, actor=info_centre)
    assert _messages(exc) == f"{scrap.number} is rejected and cannot be approved."


def test_new_version_is_current_only_after_both_bodies_confirm_the_result(
    make_document, engineer, agent, approver, info_centre, approve_all, upload
):
    document = make_document("B02")
    change = approve_all(_file(document, "change", engineer))
    assert change.status == ApplicationStatus.APPROVED
    with pytest.raises(workflow.IllegalTransition):
        services.change_result_confirm(application=change, actor=approver)
    change = services.change_result_record(
        application=change,
        actor=agent,
        change_process="按申请修改",
        change_made="第 4 节",
        change_result="已完成",
        file=upload("B02 V2.0.pdf"),
    )
    assert change.status == ApplicationStatus.CONFIRMING
    with pytest.raises(PermissionDenied) as exc:
        services.change_result_confirm(application=change, actor=agent)
    assert _messages(exc) == (
        "Only the ops department / information centre (approvers) can decide applications."
    )
    services.change_result_confirm(application=change, actor=info_centre)
    document.refresh_from_db()
    assert (document.status, document.version_label) == (DocumentStatus.UNDER_CHANGE, "1.0")
    change = services.change_result_confirm(application=change, actor=approver, note="确认")
    document.refresh_from_db()
    assert (document.status, document.version_label) == (DocumentStatus.EFFECTIVE, "2.0")
    assert change.status == ApplicationStatus.COMPLETED
    assert document.current_version.original_name == "B02 V2.0.pdf"
    assert document.current_version.created_by == agent
    assert [d.decision for d in change.decisions.filter(stage="confirmation")] == [
        "approved",
        "approved",
    ]


def test_a_result_not_confirmed_rejects_the_change_and_keeps_the_version(
    make_document, engineer, agent, approver, approve_all, upload
):
    document = make_document("B02")
    change = approve_all(_file(document, "change", engineer))
    change = services.change_result_record(
        application=change,
        actor=agent,
        change_process="p",
        change_made="m",
        change_result="r",
        file=upload(),
    )
    services.application_reject(application=change, actor=approver, note="修改不完整")
    change.refresh_from_db()
    document.refresh_from_db()
    assert change.status == ApplicationStatus.REJECTED
    assert (document.status, document.version_label) == (DocumentStatus.EFFECTIVE, "1.0")
    assert document.versions.count() == 1


def test_the_recorder_of_a_result_does_not_confirm_it(
    make_document, engineer, approver, info_centre, approve_all, upload
):
    document = make_document("B02")
    change = approve_all(_file(document, "change", engineer))
    change = services.change_result_record(
        application=change,
        actor=approver,
        change_process="p",
        change_made="m",
        change_result="r",
        file=upload(),
    )
    with pytest.raises(PermissionDenied) as exc:
        services.change_result_confirm(application=change, actor=approver)
    assert _messages(exc) == (
        f"You recorded the result of {change.number} yourself: another approver confirms it."
    )


def test_bodies_come_from_the_setting_and_are_frozen_when_filed(
    settings, make_document, engineer, approver, info_centre
):
    settings.ITSM = {**settings.ITSM, "DOCUMENT_APPROVAL_BODIES": {"borrow": [CENTRE]}}
    document = make_document("A01")
    loan = _file(document, "borrow", engineer)
    assert _bodies(loan) == [("approval", CENTRE, "pending")]
    assert bodies.required_bodies("scrap") == [OPS, CENTRE]  # keys not set keep the plan's
    settings.ITSM = {**settings.ITSM, "DOCUMENT_APPROVAL_BODIES": {}}
    with pytest.raises(PermissionDenied):
        services.application_approve(application=loan, actor=approver)
    loan = services.application_approve(application=loan, actor=info_centre)
    assert loan.status == BorrowStatus.APPROVED


def test_a_bad_setting_is_refused_loudly(settings):
    settings.ITSM = {**settings.ITSM, "DOCUMENT_APPROVAL_BODIES": {"scrap": ["cab"]}}
    with pytest.raises(ImproperlyConfigured):
        bodies.required_bodies("scrap")
    settings.ITSM = {**settings.ITSM, "DOCUMENT_APPROVAL_BODIES": {"borrow": []}}
    with pytest.raises(ImproperlyConfigured):
        bodies.required_bodies("borrow")


def test_turned_down_release_is_handed_in_again_as_a_new_round(agent, info_centre, approver):
    document = services.document_register(
        actor=agent, level="A", number="A01", name="运维服务方案", document_type="plan"
    )
    services.document_release_reject(document=document, actor=info_centre, note="缺少附录")
    with pytest.raises(workflow.IllegalTransition) as exc:
        services.document_release(document=document, actor=info_centre)
    assert "turned down" in _messages(exc)
    with pytest.raises(PermissionDenied):
        services.document_release_resubmit(document=document, actor=approver)
    services.document_release_resubmit(document=document, actor=agent, note="已补充")
    document = services.document_release(document=document, actor=info_centre)
    assert document.status == DocumentStatus.EFFECTIVE
    assert list(
        DocumentDecision.objects.filter(document=document).values_list("round", "decision")
    ) == [(1, "rejected"), (2, "approved")]


def test_each_approver_sees_on_the_page_what_they_may_do_and_why_not(
    client, make_document, engineer, approver, info_centre
):
    document = make_document("B02")
    change = _file(document, "change", engineer)
    loan = _file(document, "borrow", engineer)
    services.application_approve(application=change, actor=approver, note="同意")
    approve = reverse(
        "documents:document_application_act", args=["change", change.number, "approve"]
    )
    lend_approve = reverse(
        "documents:document_application_act", args=["borrow", loan.number, "approve"]
    )

    client.force_login(approver)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Operations department has already decided" in page
    assert approve not in page and lend_approve in page

    client.force_login(info_centre)
    page = client.get(document.get_absolute_url()).content.decode()
    assert approve in page and "Approve for Information centre" in page
    assert lend_approve not in page
    assert (
        f"{loan.number} is for Operations department to decide; you sign for Information centre."
        in page
    )
    assert "“同意”" in page  # the ops department's comment is shown


def test_migration_opens_decisions_for_what_awaits_and_completes_old_approved_changes(
    make_document, engineer, agent
):
    """0005 on a database from before the bodies: drafts and submitted applications get
    pending rows for the plan's bodies; a change approved under the single decision had
    made its version current already, so it is completed."""
    import importlib

    from django.apps import apps

    from documents.models import DocumentChangeApplication

    migration = importlib.import_module("knowledge.migrations.0005_document_decisions")
    draft = make_document("A01", release=False)
    document = make_document("B02")
    old = services.change_apply(document=document, actor=engineer, reason="r", content="c")
    loan = _file(make_document("A02"), "borrow", engineer)
    DocumentDecision.objects.all().delete()
    DocumentChangeApplication.objects.filter(pk=old.pk).update(status="approved")
    other = make_document("B03")
    waiting = services.change_apply(document=other, actor=agent, reason="r", content="c")
    DocumentDecision.objects.filter(change_application=waiting).delete()

    class MovedApps:  # the documents' models now answer for their old app label
        def get_model(self, app_label, name):
            return apps.get_model("documents" if app_label == "knowledge" else app_label, name)

    migration.forwards(MovedApps(), None)

    old.refresh_from_db()
    assert old.status == ApplicationStatus.COMPLETED
    assert not old.decisions.exists()
    assert [(d.body, d.decision) for d in draft.decisions.all()] == [(CENTRE, "pending")]
    assert _bodies(waiting) == [("approval", OPS, "pending"), ("approval", CENTRE, "pending")]
    assert _bodies(loan) == [("approval", OPS, "pending")]


def test_only_the_applicant_keepers_or_ops_department_record_a_changes_result(
    make_document, engineer, agent, approver, info_centre, approve_all, upload
):
    document = make_document("B02")
    change = approve_all(_file(document, "change", engineer))
    fields = {"change_process": "按申请修改", "change_made": "第 4 节", "change_result": "已完成"}
    with pytest.raises(PermissionDenied) as exc:
        services.change_result_record(
            application=change, actor=info_centre, file=upload("x.pdf"), **fields
        )
    assert "operations department" in _messages(exc)
    change.refresh_from_db()
    assert change.status == ApplicationStatus.APPROVED
    change = services.change_result_record(
        application=change, actor=approver, file=upload("B02 V2.0.pdf"), **fields
    )
    assert change.status == ApplicationStatus.CONFIRMING
