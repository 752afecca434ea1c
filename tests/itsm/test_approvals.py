"""The approvals inbox registry (itsm/approvals.py): providers merged, oldest first."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from itsm import approvals
from itsm.actors import system_user
from itsm.approvals import PendingDecision

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def decision(number, hours, process="test"):
    return PendingDecision(
        process=process,
        kind="审批",
        number=number,
        title=number,
        requested_by="张伟",
        since=T0 + timedelta(hours=hours),
        url=f"/{number}/",
    )


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(approvals, "_providers", {})
    return approvals


def test_the_project_apps_register_their_providers():
    assert {"changes", "releases"} <= set(approvals.providers())


def test_decisions_of_every_provider_are_merged_oldest_first(registry, approver):
    registry.register("a", lambda user: [decision("A-3", 3), decision("A-1", 1)])
    registry.register("b", lambda user: iter([decision("B-2", 2), decision("B-0", 0)]))
    assert [d.number for d in approvals.pending_for(approver)] == ["B-0", "A-1", "B-2", "A-3"]


def test_decisions_waiting_equally_long_are_ordered_by_number(registry, approver):
    registry.register("a", lambda user: [decision("D0501-02", 1), decision("D0501-01", 1)])
    assert [d.number for d in approvals.pending_for(approver)] == ["D0501-01", "D0501-02"]


def test_each_provider_is_asked_about_the_user_in_question(registry, approver, engineer):
    registry.register("a", lambda user: [decision(user.username, 0)])
    assert [d.number for d in approvals.pending_for(engineer)] == ["engineer"]


def test_registering_a_process_again_replaces_its_provider(registry, approver):
    registry.register("a", lambda user: [decision("OLD", 0)])
    registry.register("a", lambda user: [decision("NEW", 0)])
    assert [d.number for d in approvals.pending_for(approver)] == ["NEW"]


def test_providers_returns_a_copy(registry):
    registry.register("a", list)
    registry.providers().clear()
    assert "a" in registry.providers()


def test_nobody_signed_in_and_inactive_accounts_decide_nothing(registry, approver):
    asked = []
    registry.register("a", lambda user: asked.append(user) or [decision("A", 0)])
    approver.is_active = False
    for user in (None, AnonymousUser(), approver, system_user()):
        assert approvals.pending_for(user) == []
    assert asked == []  # no provider is even asked


def test_a_decision_serialises_to_a_plain_dict():
    row = decision("A-1", 0).as_dict()
    assert row["number"] == "A-1" and row["since"] == T0
    assert set(row) == {"process", "kind", "number", "title", "requested_by", "since", "url"}
