import pytest
from django_fsm import TransitionNotAllowed, can_proceed

from changes.choices import ChangeStatus, ChangeType
from changes.models import ChangeRequest, ChangeTemplate

pytestmark = pytest.mark.django_db


def test_new_change_gets_a_d0501_number_and_starts_as_draft(engineer):
    change = ChangeRequest.objects.create(summary="x", requester=engineer)
    assert change.number.startswith("D0501-")
    assert change.status == ChangeStatus.DRAFT


def test_a_normal_change_walks_the_whole_path():
    change = ChangeRequest(summary="x")
    change.submit(at=None)
    change.assess(assessment="", at=None)
    change.request_approval()
    change.approve(at=None)
    change.schedule(at=None)
    change.start(at=None)
    change.complete(outcome="", at=None)
    change.review(review_notes="ok", at=None)
    change.close(at=None)
    assert change.status == ChangeStatus.CLOSED
    assert change.approval_round == 1


def test_only_a_standard_change_from_a_template_skips_the_cab():
    change = ChangeRequest(summary="x", status=ChangeStatus.ASSESSED, type=ChangeType.NORMAL)
    assert not can_proceed(change.preapprove)
    change.type, change.template = ChangeType.STANDARD, ChangeTemplate(pk=1, name="t")
    assert can_proceed(change.preapprove)


def test_an_emergency_change_cannot_close_without_its_review():
    change = ChangeRequest(summary="x", status=ChangeStatus.IMPLEMENTED, type=ChangeType.EMERGENCY)
    assert change.review_required
    with pytest.raises(TransitionNotAllowed):
        change.close_without_review(at=None)


def test_scheduling_needs_an_approved_change():
    with pytest.raises(TransitionNotAllowed):
        ChangeRequest(summary="x", status=ChangeStatus.AWAITING_APPROVAL).schedule(at=None)
