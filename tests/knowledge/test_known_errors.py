"""knowledge.services.record_upsert_from_problem: the known-error contract with problems."""

import pytest
from django.core.exceptions import PermissionDenied

from knowledge import selectors, services
from knowledge.choices import Audience, Status
from knowledge.models import KnowledgeRecord

pytestmark = pytest.mark.django_db


def _upsert(actor, workaround="取出卡纸后重新打印", **kwargs):
    kwargs.setdefault("number", "P01-2026120101")
    kwargs.setdefault("title", "三楼打印机反复卡纸")
    return services.record_upsert_from_problem(
        actor=actor, workaround=workaround, symptom="每天卡纸数次", cause="定影组件老化", **kwargs
    )


def _live(number="P01-2026120101"):
    return KnowledgeRecord.objects.filter(source_problem_number=number).exclude(
        status=Status.RETIRED
    )


def test_first_publication_creates_a_published_known_error(supervisor, fault, end_user):
    record = _upsert(
        supervisor, category=fault("打印机", "卡纸"), related_numbers=["D0201-2026120101"]
    )
    assert record.status == Status.PUBLISHED  # the supervisor is the knowledge curator
    assert record.title == "Known error: 三楼打印机反复卡纸"
    assert (record.symptom, record.cause, record.solution) == (
        "每天卡纸数次",
        "定影组件老化",
        "取出卡纸后重新打印",
    )
    assert record.related_number_list == ["P01-2026120101", "D0201-2026120101"]
    assert record.fault_type == fault("打印机", "卡纸")
    assert record.source_problem_number == "P01-2026120101"
    assert record.audience == Audience.PUBLIC
    assert selectors.record_search(user=end_user, query="打印机卡纸") == [record]


def test_republishing_makes_new_versions_of_the_same_record_never_a_duplicate(supervisor):
    first = _upsert(supervisor)
    second = _upsert(supervisor, workaround="改用 80g 纸")
    third = _upsert(supervisor, workaround="更换定影组件")
    assert [r.version for r in (first, second, third)] == [1, 2, 3]
    assert third.previous_version == second and second.previous_version == first
    assert list(_live()) == [third]
    assert third.status == Status.PUBLISHED and third.solution == "更换定影组件"
    first.refresh_from_db()
    assert first.status == Status.RETIRED


def test_without_the_curators_right_the_new_version_waits_as_one_draft(supervisor, engineer):
    published = _upsert(supervisor)
    draft = _upsert(engineer, workaround="改用 80g 纸")
    again = _upsert(engineer, workaround="改用 70g 纸", public=False)
    assert again.pk == draft.pk and again.status == Status.DRAFT
    assert (again.solution, again.audience) == ("改用 70g 纸", Audience.INTERNAL)
    assert again.previous_version == published
    assert set(_live()) == {published, again}  # the published one stays until review
    done = _upsert(supervisor, workaround="改用 70g 纸")
    assert done.pk == draft.pk and done.status == Status.PUBLISHED
    assert list(_live()) == [done]


def test_a_record_linked_before_records_named_their_problem_is_updated(supervisor, make_record):
    legacy = make_record("已知错误：打印机卡纸")  # published, no source problem
    record = _upsert(supervisor, record_id=legacy.pk)
    assert record.previous_version == legacy and record.version == 2
    assert record.source_problem_number == "P01-2026120101"
    assert KnowledgeRecord.objects.count() == 2


def test_a_retired_record_is_not_revived(supervisor):
    old = _upsert(supervisor)
    services.record_retire(record=old, actor=supervisor)
    new = _upsert(supervisor)
    assert new.pk != old.pk and new.version == 1 and new.status == Status.PUBLISHED


def test_a_category_that_is_not_a_fault_type_is_left_out(supervisor, fault):
    system_type = fault("打印机", "卡纸").parent
    assert _upsert(supervisor, category=system_type).fault_type is None


def test_end_users_cannot_publish_known_errors(end_user):
    with pytest.raises(PermissionDenied):
        _upsert(end_user)
    assert not KnowledgeRecord.objects.exists()
