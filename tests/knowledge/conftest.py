import pytest
from django.utils import translation

from knowledge import services
from servicedesk.models import Category


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted in the source language, whatever the catalogue holds."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def fault(db):
    """A seeded fault-type category by its system type and name: fault("打印机", "卡纸")."""

    def get(system: str, name: str) -> Category:
        return Category.objects.get(level="fault_type", parent__name=system, name=name)

    return get


@pytest.fixture
def make_record(db, engineer, supervisor, fault):
    """A record written by the engineer; published by the supervisor unless told otherwise."""

    def make(title="打印机卡纸处理方法", *, publish=True, author=None, **fields):
        fields.setdefault("solution", "关闭电源，取出卡住的纸张。")
        fields.setdefault("fault_type", fault("打印机", "卡纸"))
        record = services.record_create(actor=author or engineer, title=title, **fields)
        if publish:
            services.record_review(record=record, actor=supervisor)
            record = services.record_publish(record=record, actor=supervisor)
        return record

    return make


# --- controlled documents ------------------------------------------------------------------


@pytest.fixture
def upload():
    """A small uploaded file: upload("服务台管理程序 V2.0.pdf", b"...")."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="服务台管理程序.pdf", content=b"%PDF-1.4 demo", content_type="application/pdf"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make


@pytest.fixture
def make_document(db, agent, approver, upload):
    """A document registered by the desk (agent) and released by the approver."""
    from knowledge.documents import services as document_services

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
            document = document_services.document_release(document=document, actor=approver)
        return document

    return make
