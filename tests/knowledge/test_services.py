import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from itsm import workflow
from itsm.models import TransitionLog
from knowledge import services
from knowledge.choices import Audience, Status
from knowledge.models import KnowledgeFeedback, KnowledgeRecord, KnowledgeTerm, Visibility

pytestmark = pytest.mark.django_db


def test_create_numbers_and_indexes_a_draft(make_record, engineer):
    record = make_record(publish=False)
    assert record.number.startswith("D0303-")
    assert record.status == Status.DRAFT
    assert record.author == engineer
    terms = dict(record.terms.values_list("term", "weight"))
    assert terms["卡纸"] >= 3 + 2  # title, and the fault type 卡纸
    assert set(record.terms.values_list("visibility", flat=True)) == {Visibility.HIDDEN}
    assert TransitionLog.objects.filter(object_id=str(record.pk), transition="create").exists()


def test_end_user_cannot_write_records(end_user):
    with pytest.raises(PermissionDenied):
        services.record_create(actor=end_user, title="x", solution="y")


def test_engineer_cannot_review_or_publish(make_record, engineer):
    record = make_record(publish=False)
    with pytest.raises(PermissionDenied, match="curator"):
        services.record_review(record=record, actor=engineer)
    record.status = Status.REVIEWED
    record.save()
    with pytest.raises(PermissionDenied, match="curator"):
        services.record_publish(record=record, actor=engineer)


def test_supervisor_reviews_and_publishes(make_record, supervisor):
    record = make_record(publish=False)
    record = services.record_review(record=record, actor=supervisor)
    assert record.status == Status.REVIEWED and record.reviewed_by == supervisor
    record = services.record_publish(record=record, actor=supervisor)
    assert record.status == Status.PUBLISHED and record.published_at
    assert set(record.terms.values_list("visibility", flat=True)) == {Visibility.EVERYONE}
    transitions = list(
        TransitionLog.objects.filter(object_id=str(record.pk)).values_list("transition", flat=True)
    )
    assert transitions == ["create", "review", "publish"]


def test_a_draft_cannot_be_published_without_review(make_record, supervisor):
    record = make_record(publish=False)
    with pytest.raises(workflow.IllegalTransition):
        services.record_publish(record=record, actor=supervisor)


def test_editing_a_published_record_is_refused_with_a_clear_message(make_record, engineer):
    record = make_record()
    with pytest.raises(ValidationError) as refused:
        services.record_update(record=record, actor=engineer, solution="新的方法")
    assert "new version" in " ".join(refused.value.messages)
    record.refresh_from_db()
    assert record.solution != "新的方法"


def test_new_version_replaces_the_published_one_only_when_published(
    make_record, engineer, supervisor, end_user
):
    from knowledge import selectors

    old = make_record()
    draft = services.record_new_version(record=old, actor=engineer)
    assert draft.status == Status.DRAFT
    assert draft.version == 2 and draft.previous_version == old
    assert draft.title == old.title and draft.number != old.number
    assert services.record_new_version(record=old, actor=engineer) == draft  # no second draft

    draft = services.record_update(record=draft, actor=engineer, solution="更换搓纸轮。")
    old.refresh_from_db()
    assert old.status == Status.PUBLISHED  # still what users read
    assert [r.pk for r in selectors.record_search(user=end_user, query="卡纸")] == [old.pk]

    services.record_review(record=draft, actor=supervisor)
    services.record_publish(record=draft, actor=supervisor)
    old.refresh_from_db()
    assert old.status == Status.RETIRED and old.retired_at
    assert [r.pk for r in selectors.record_search(user=end_user, query="卡纸")] == [draft.pk]


def test_editing_a_reviewed_record_sends_it_back_to_draft(make_record, engineer, supervisor):
    record = make_record(publish=False)
    services.record_review(record=record, actor=supervisor)
    record = services.record_update(record=record, actor=engineer, cause="纸张受潮")
    assert record.status == Status.DRAFT and record.reviewed_by is None


def test_a_stale_lock_version_is_a_conflict(make_record, engineer):
    record = make_record(publish=False)
    seen = record.lock_version
    services.record_update(record=record, actor=engineer, cause="一")
    with pytest.raises(workflow.Conflict):
        services.record_update(record=record, actor=engineer, cause="二", lock_version=seen)


def test_fault_type_must_be_a_leaf(make_record, fault):
    with pytest.raises(ValidationError):
        make_record(publish=False, fault_type=fault("打印机", "卡纸").parent)


def test_vote_once_per_user(make_record, end_user):
    record = make_record()
    services.record_feedback(record=record, actor=end_user, helpful=True)
    with pytest.raises(ValidationError, match="already"):
        services.record_feedback(record=record, actor=end_user, helpful=False)
    record.refresh_from_db()
    assert (record.helpful_count, record.not_helpful_count) == (1, 0)
    assert KnowledgeFeedback.objects.count() == 1


def test_drafts_cannot_be_voted_on(make_record, end_user, agent):
    draft = make_record(publish=False)
    with pytest.raises(ValidationError):
        services.record_feedback(record=draft, actor=agent, helpful=True)
    with pytest.raises(PermissionDenied):  # an end user cannot even see a draft
        services.record_feedback(record=draft, actor=end_user, helpful=True)


def test_merge_keeps_links_and_sums_counts(make_record, supervisor, engineer, end_user, agent):
    survivor = make_record(related_numbers="D0201-2026093001")
    duplicate = make_record(
        "打印机卡纸怎么办",
        related_numbers="D0201-2026093002, D0201-2026093001",
        source_work_order_number="D0201-2026093003",
    )
    services.record_feedback(record=duplicate, actor=end_user, helpful=True)
    services.record_feedback(record=duplicate, actor=agent, helpful=False)
    services.record_feedback(record=survivor, actor=end_user, helpful=True)
    KnowledgeRecord.objects.filter(pk=duplicate.pk).update(view_count=7)
    duplicate.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.record_merge(duplicate=duplicate, survivor=survivor, actor=engineer)
    survivor = services.record_merge(duplicate=duplicate, survivor=survivor, actor=supervisor)

    assert survivor.related_number_list == [
        "D0201-2026093001",
        "D0201-2026093002",
        "D0201-2026093003",
    ]
    assert (survivor.helpful_count, survivor.not_helpful_count) == (2, 1)
    assert survivor.view_count == 7
    duplicate.refresh_from_db()
    assert duplicate.status == Status.RETIRED and duplicate.merged_into == survivor
    # The survivor's index now knows the duplicate's work orders.
    assert KnowledgeTerm.objects.filter(record=survivor, term="2026093003").exists()
    assert not KnowledgeTerm.objects.filter(
        record=duplicate, visibility__gt=Visibility.HIDDEN
    ).exists()


def test_merge_into_itself_refused(make_record, supervisor):
    record = make_record()
    with pytest.raises(ValidationError):
        services.record_merge(duplicate=record, survivor=record, actor=supervisor)


def test_retire_hides_from_search(make_record, supervisor, end_user):
    from knowledge import selectors

    record = make_record()
    services.record_retire(record=record, actor=supervisor, note="过时")
    assert selectors.record_search(user=end_user, query="卡纸") == []


def test_internal_audience_terms_are_staff_only(make_record):
    record = make_record(audience=Audience.INTERNAL)
    assert set(record.terms.values_list("visibility", flat=True)) == {Visibility.STAFF}
