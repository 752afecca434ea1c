"""CAB slots and release authorisations in the approvals inbox (changes/approvals.py)."""

import pytest
from django.urls import reverse

from changes import release_services, services
from changes.approvals import change_decisions_pending, release_decisions_pending
from changes.models import ApproverSet
from itsm import approvals
from servicedesk.choices import ApprovalBody, Role

pytestmark = pytest.mark.django_db


def numbers(user):
    return [decision.number for decision in approvals.pending_for(user)]


def test_every_cab_member_sees_the_change_waiting_for_them(
    awaiting, ops_approver, info_approver, supervisor
):
    change = awaiting()
    for user in (ops_approver, info_approver, supervisor):
        assert numbers(user) == [change.number]
    decision = change_decisions_pending(ops_approver)[0]
    assert decision.process == "changes"
    assert decision.title == change.summary
    assert decision.requested_by == "张伟"  # the engineer who raised it
    assert decision.url == change.get_absolute_url()
    assert decision.since is not None


def test_who_has_decided_no_longer_sees_the_change(awaiting, ops_approver, info_approver):
    change = awaiting()
    services.change_approve(change=change, actor=ops_approver)
    assert numbers(ops_approver) == []
    assert numbers(info_approver) == [change.number]


def test_a_rejected_change_waits_for_nobody(awaiting, ops_approver, info_approver):
    change = awaiting()
    services.change_reject(change=change, actor=ops_approver, comment="不符合规定")
    assert numbers(info_approver) == []


def test_an_approver_of_a_body_not_on_the_board_sees_nothing(awaiting, ops_approver, info_approver):
    board = ApproverSet.objects.get(is_default=True)
    board.slots.filter(approval_body=ApprovalBody.INFORMATION_CENTRE).delete()
    change = awaiting()
    assert numbers(ops_approver) == [change.number]
    assert numbers(info_approver) == []


def test_the_requester_does_not_see_their_own_change(awaiting, make_person, ops_approver):
    author = make_person(Role.SUPERVISOR, username="sup2", name="另一主管")
    change = awaiting(actor=author, owner=author)
    assert numbers(author) == []
    assert numbers(ops_approver) == [change.number]


def test_end_users_and_engineers_sign_for_nothing(awaiting, end_user, engineer):
    awaiting()
    assert numbers(end_user) == []
    assert numbers(engineer) == []


def test_each_release_approver_sees_the_tested_release_until_they_decide(
    tested_release, ops_approver, info_approver, engineer
):
    release = tested_release()
    assert numbers(ops_approver) == [release.number]
    assert numbers(info_approver) == [release.number]
    assert numbers(engineer) == []  # the requester and release manager sign nothing
    release_services.release_authorise(release=release, actor=ops_approver)
    assert numbers(ops_approver) == []
    decision = release_decisions_pending(info_approver)[0]
    assert decision.process == "releases"
    assert decision.since == release.tested_at
    assert decision.url == release.get_absolute_url()


def test_an_approver_without_a_body_sees_no_release(tested_release, make_person):
    tested_release()
    nobody = make_person(Role.APPROVER, username="nobody", name="无部门审批人")
    assert numbers(nobody) == []


def test_the_inbox_reads_a_fixed_number_of_queries_as_decisions_grow(
    awaiting, tested_release, ops_approver, client, django_assert_max_num_queries
):
    awaiting()
    tested_release()
    client.force_login(ops_approver)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("approvals")).status_code == 200
    for _ in range(6):
        awaiting()
        tested_release()
    assert len(numbers(ops_approver)) == 14
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("approvals"))
    assert response.content.count(b'data-decision="') == 14
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("approval-list")).json()["count"] == 14
