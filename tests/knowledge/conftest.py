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
