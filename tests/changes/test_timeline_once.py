"""A change's history shows each event once: a transition is one "status change" entry
(not also a "fields changed" one), a signature that keeps the state is no "待审批 →
待审批"; after signing the page says "you approved", not "you cannot approve"."""

import pytest
from django.urls import reverse
from django.utils import translation

from changes import services
from itsm.audit import audit_timeline

pytestmark = pytest.mark.django_db


def test_each_transition_is_one_entry_and_a_signature_is_no_noop_move(awaiting, ops_approver):
    change = awaiting()
    services.change_approve(change=change, actor=ops_approver, comment="同意")
    with translation.override("zh-hans"):
        timeline = audit_timeline(subject=change)
    titles = [entry.title for entry in timeline]
    moves = [entry for entry in timeline if entry.kind == "transition"]
    # submit, assess, request approval, one signature: each once, no field-change twin.
    assert "字段变更" not in titles
    assert len(moves) == 4
    for entry in moves:
        for _field, old, new in entry.changes:
            assert old != new, f"no-op row {old} → {new}"
    signature = moves[0]
    assert signature.title == "审批已记录" and signature.changes == []
    assert "同意" in signature.note


def test_after_approving_the_page_says_you_approved(client, awaiting, ops_approver):
    change = awaiting()
    services.change_approve(change=change, actor=ops_approver, comment="同意")
    client.force_login(ops_approver)
    page = client.get(reverse("changes:detail", args=[change.number])).content.decode()
    assert "data-my-approval" in page and "You approved this change." in page
    assert "You cannot approve this change." not in page
    with translation.override("zh-hans"):
        assert translation.gettext("You approved this change.") == "您已批准此变更。"
