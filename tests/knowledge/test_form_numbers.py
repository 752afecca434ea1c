"""Knowledge records are numbered in the customer's form scheme (§3.2 A): 《运维知识库》 is
form D0303 of procedure B03, the code is admin data, old K01-… numbers stay valid."""

import re
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection, connections
from django.utils import timezone

from itsm.models import FormCode, NumberSequence
from knowledge import selectors, services
from knowledge.models import KnowledgeRecord

pytestmark = pytest.mark.django_db

migration = import_module("knowledge.migrations.0009_knowledge_form_code_d0303")


def test_new_records_carry_the_d0303_form_number(make_record):
    first = make_record("打印机卡纸")
    second = make_record("显示器无信号", publish=False)
    today = timezone.localdate()
    assert re.fullmatch(rf"D0303-{today:%Y%m%d}\d{{2,}}", first.number)
    assert int(second.number[-2:]) == int(first.number[-2:]) + 1
    assert NumberSequence.objects.filter(scope=f"D0303:{today:%Y%m%d}").exists()
    assert FormCode.objects.get(key="knowledge_record").code == "D0303"


def test_the_code_is_configurable_in_admin_data(make_record):
    FormCode.objects.filter(key="knowledge_record").update(code="D0310")
    record = make_record("网络打印机脱机")
    assert record.number.startswith("D0310-")


def test_a_new_version_gets_a_new_number_of_the_scheme(make_record, engineer):
    record = make_record()
    draft = services.record_new_version(record=record, actor=engineer)
    assert draft.number.startswith("D0303-") and draft.number != record.number


def test_records_numbered_k01_keep_their_number_and_are_still_found(make_record, engineer):
    old = make_record("旧编号的知识记录")
    KnowledgeRecord.objects.filter(pk=old.pk).update(number="K01-2026010101")
    new = make_record("新编号的知识记录")
    assert new.number.startswith("D0303-")
    assert selectors.record_get(user=engineer, number="K01-2026010101").pk == old.pk
    assert selectors.published_record_id(reference="k01-2026010101") == old.pk
    assert KnowledgeRecord.objects.get(pk=old.pk).number == "K01-2026010101"


def test_migration_moves_the_default_k01_code_to_d0303():
    FormCode.objects.update_or_create(
        key="knowledge_record", defaults={"code": "K01", "name": "知识记录"}
    )
    migration.forwards(apps, None)
    code = FormCode.objects.get(key="knowledge_record")
    assert (code.code, code.name) == ("D0303", "运维知识库")
    migration.backwards(apps, None)
    assert FormCode.objects.get(key="knowledge_record").code == "K01"


def test_migration_keeps_a_code_the_administrator_chose():
    FormCode.objects.update_or_create(
        key="knowledge_record", defaults={"code": "D0399", "name": "知识库"}
    )
    migration.forwards(apps, None)
    assert FormCode.objects.get(key="knowledge_record").code == "D0399"


def test_migration_creates_the_code_when_missing():
    FormCode.objects.filter(key="knowledge_record").delete()
    migration.forwards(apps, None)
    assert FormCode.objects.get(key="knowledge_record").code == "D0303"


@pytest.mark.django_db(transaction=True)
def test_parallel_records_get_distinct_numbers(engineer):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers anyway; the race matters on PostgreSQL (CI)")

    def create(n):
        try:
            return services.record_create(
                actor=engineer, title=f"并发记录 {n}", solution="重启。"
            ).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(create, range(20)))
    assert len(set(numbers)) == 20
    assert all(number.startswith("D0303-") for number in numbers)
