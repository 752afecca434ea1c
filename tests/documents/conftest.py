import pytest
from django.utils import translation

from servicedesk.choices import Role


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in the source language, whatever the catalogue holds."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- controlled documents ------------------------------------------------------------------


@pytest.fixture
def upload():
    """A small uploaded file: upload("服务台管理程序 V2.0.pdf", b"...")."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="服务台管理程序.pdf", content=b"%PDF-1.4 demo", content_type="application/pdf"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make


@pytest.fixture
def approver(make_person):
    """The ops department's approver (运维部), as in the demo."""
    from servicedesk.choices import ApprovalBody

    return make_person(
        Role.APPROVER,
        username="approver",
        name="赵敏",
        approval_body=ApprovalBody.OPS_DEPARTMENT,
    )


@pytest.fixture
def info_centre(make_person):
    """The information centre's approver (信息中心)."""
    from servicedesk.choices import ApprovalBody

    return make_person(
        Role.APPROVER,
        username="approver2",
        name="孙磊",
        approval_body=ApprovalBody.INFORMATION_CENTRE,
    )


@pytest.fixture
def approve_all(approver, info_centre):
    """Every body the plan names approves `application` (ops department first)."""
    from documents import services as document_services

    def run(application):
        kind = document_services.application_kind(application)
        for user in (approver, info_centre) if kind != "borrow" else (approver,):
            application = document_services.application_approve(application=application, actor=user)
        return application

    return run


@pytest.fixture
def complete_change(approve_all, approver, info_centre, agent, upload):
    """Take a change application through approval, the recorded result and both
    confirmations: its file is then the current version."""
    from documents import services as document_services

    def run(application, *, file=None, by=None):
        application = approve_all(application)
        application = document_services.change_result_record(
            application=application,
            actor=by or agent,
            change_process="按申请修改第 4 节并校对。",
            change_made=application.content,
            change_result="已修改，版本号更新。",
            file=file if file is not None else upload("revised.pdf"),
        )
        for user in (approver, info_centre):
            application = document_services.change_result_confirm(
                application=application, actor=user
            )
        return application

    return run


@pytest.fixture
def make_document(db, agent, info_centre, upload):
    """A document registered by the desk (agent) and released by the information centre."""
    from documents import services as document_services

    def make(number="B02", *, name=None, release=True, actor=None, **fields):
        fields.setdefault("document_type", "procedure" if number[0] in "AB" else "form")
        fields.setdefault("custodian", agent)
        fields.setdefault("storage_location", "运维办公室 文件柜 A")
        if "file" not in fields:
            fields["file"] = upload(f"{number}.pdf")
        document = document_services.document_register(
            actor=actor or agent,
            level=number[0],
            number=number,
            name=name or f"文件 {number}",
            **fields,
        )
        if release:
            document = document_services.document_release(document=document, actor=info_centre)
        return document

    return make
