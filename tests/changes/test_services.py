import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from changes import selectors, services
from changes.choices import ChangeStatus, ChangeType, Decision
from changes.models import ChangeLog, ChangeTemplate, FreezePeriod
from cmdb.selectors import ci_timeline
from itsm.actors import system_user
from itsm.models import TransitionLog
from servicedesk.choices import Role
from servicedesk.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


# --- raising ------------------------------------------------------------------------------


def test_engineer_raises_a_draft_with_affected_items(make_change, printer, engineer):
    change = make_change(items=[printer])
    assert change.status == ChangeStatus.DRAFT
    assert list(change.affected_items.all()) == [printer]
    assert change.requester == engineer


@pytest.mark.parametrize("role", [Role.END_USER, Role.SERVICE_DESK, Role.APPROVER])
def test_only_engineers_and_supervisors_raise_changes(make_person, make_change, role):
    with pytest.raises(PermissionDenied):
        make_change(actor=make_person(role))


def test_a_standard_change_needs_a_template(make_change):
    with pytest.raises(ValidationError):
        make_change(type=ChangeType.STANDARD)


def test_submitting_needs_plans_and_a_window(make_change, engineer):
    change = make_change(implementation_plan="", rollback_plan="")
    with pytest.raises(ValidationError) as refused:
        services.change_submit(change=change, actor=engineer)
    assert {"implementation_plan", "rollback_plan"} <= set(refused.value.message_dict)


def test_only_a_draft_is_edited(make_change, engineer):
    change = make_change()
    services.change_submit(change=change, actor=engineer)
    with pytest.raises(ValidationError):
        services.change_update(change=change, actor=engineer, summary="新")


# --- CAB ----------------------------------------------------------------------------------


def test_all_three_approvals_approve_a_normal_change(
    awaiting, supervisor, ops_approver, info_approver
):
    change = awaiting()
    assert [a.slot_name for a in services.current_approvals(change)] == [
        "服务主管",
        "运维部",
        "信息中心",
    ]
    services.change_approve(change=change, actor=supervisor, comment="同意")
    services.change_approve(change=change, actor=ops_approver)
    change.refresh_from_db()
    assert change.status == ChangeStatus.AWAITING_APPROVAL  # one slot still open
    services.change_approve(change=change, actor=info_approver)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    approvals = services.current_approvals(change)
    assert [a.approver for a in approvals] == [supervisor, ops_approver, info_approver]
    assert all(a.decision == Decision.APPROVED for a in approvals)
    transitions = TransitionLog.objects.filter(object_id=str(change.pk)).values_list(
        "transition", flat=True
    )
    assert list(transitions)[-3:] == ["approval", "approval", "approve"]


def test_approvers_are_told_when_a_change_awaits_them(awaiting, ops_approver, info_approver):
    change = awaiting()
    told = set(
        Notification.objects.filter(subject__contains=change.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"ops", "info", "supervisor"} <= told


def test_approving_twice_is_refused(awaiting, ops_approver):
    change = awaiting()
    services.change_approve(change=change, actor=ops_approver)
    with pytest.raises(ValidationError, match="already decided"):
        services.change_approve(change=change, actor=ops_approver)


def test_approving_your_own_change_is_refused(awaiting, make_person, make_change, printer):
    boss = make_person(Role.SUPERVISOR, username="boss")
    change = awaiting(actor=boss, owner=boss)
    with pytest.raises(PermissionDenied, match="You requested this change; another approver"):
        services.change_approve(change=change, actor=boss)


def test_the_implementer_cannot_approve_either(awaiting, make_person, engineer):
    boss = make_person(Role.SUPERVISOR, username="boss")
    change = awaiting(actor=engineer, owner=boss)
    with pytest.raises(PermissionDenied, match="You implement this change"):
        services.change_approve(change=change, actor=boss)


def test_approving_for_a_body_you_do_not_belong_to_is_refused(awaiting, make_person):
    stranger = make_person(Role.APPROVER, username="nobody")  # signs for no body
    change = awaiting()
    with pytest.raises(PermissionDenied, match="do not sign"):
        services.change_approve(change=change, actor=stranger)


def test_a_second_approver_of_the_same_body_finds_the_slot_taken(
    awaiting, ops_approver, make_person
):
    from servicedesk.choices import ApprovalBody

    colleague = make_person(
        Role.APPROVER, username="ops2", approval_body=ApprovalBody.OPS_DEPARTMENT
    )
    change = awaiting()
    services.change_approve(change=change, actor=ops_approver)
    with pytest.raises(ValidationError, match="already decided"):
        services.change_approve(change=change, actor=colleague)


def test_approving_a_change_not_awaiting_approval_is_refused(make_change, ops_approver):
    change = make_change()
    with pytest.raises(ValidationError, match="not awaiting approval"):
        services.change_approve(change=change, actor=ops_approver)


def test_a_rejection_needs_a_reason_and_rejects_the_change(awaiting, info_approver, engineer):
    change = awaiting()
    with pytest.raises(ValidationError):
        services.change_reject(change=change, actor=info_approver, comment="")
    services.change_reject(change=change, actor=info_approver, comment="风险过高")
    change.refresh_from_db()
    assert change.status == ChangeStatus.REJECTED
    # Revised and resubmitted, it goes before a fresh round of the CAB.
    services.change_revise(change=change, actor=engineer)
    change.refresh_from_db()
    assert change.status == ChangeStatus.DRAFT


def test_an_emergency_change_proceeds_on_one_approval_and_must_be_reviewed(
    awaiting, ops_approver, supervisor, engineer
):
    change = awaiting(type=ChangeType.EMERGENCY)
    services.change_approve(change=change, actor=ops_approver)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    services.change_schedule(change=change, actor=supervisor)
    services.change_start(change=change, actor=engineer)
    services.change_complete(change=change, actor=engineer)
    with pytest.raises(ValidationError, match="review"):
        services.change_close(change=change, actor=supervisor)
    services.change_review(change=change, actor=supervisor, review_notes="加证书提醒")
    services.change_close(change=change, actor=supervisor)
    change.refresh_from_db()
    assert change.status == ChangeStatus.CLOSED


def test_a_standard_change_from_a_template_is_approved_without_the_cab(
    engineer, supervisor, printer
):
    template = ChangeTemplate.objects.create(
        name="换硒鼓", summary="更换硒鼓", implementation_plan="换"
    )
    change = services.change_create(
        actor=engineer,
        template=template,
        affected_items=[printer],
        planned_start=at(3, 9),
        planned_end=at(3, 10),
    )
    assert change.type == ChangeType.STANDARD and change.implementation_plan == "换"
    services.change_submit(change=change, actor=engineer)
    change = services.change_assess(change=change, actor=supervisor)
    assert change.status == ChangeStatus.APPROVED
    assert not change.approvals.exists()


def test_engineers_cannot_assess_or_schedule(make_change, engineer):
    change = make_change()
    services.change_submit(change=change, actor=engineer)
    with pytest.raises(PermissionDenied):
        services.change_assess(change=change, actor=engineer)


# --- schedule and implement ---------------------------------------------------------------


def _approved(awaiting, signers, **fields):
    change = awaiting(**fields)
    for signer in signers:
        services.change_approve(change=change, actor=signer)
    change.refresh_from_db()
    return change


def test_scheduling_inside_a_freeze_is_refused_unless_emergency(
    awaiting, supervisor, ops_approver, info_approver
):
    FreezePeriod.objects.create(name="春节封网", start=at(9, 0), end=at(12, 0))
    change = _approved(awaiting, [supervisor, ops_approver, info_approver])
    with pytest.raises(ValidationError, match="春节封网"):
        services.change_schedule(change=change, actor=supervisor)
    emergency = _approved(awaiting, [ops_approver], type=ChangeType.EMERGENCY)
    services.change_schedule(change=emergency, actor=supervisor)
    emergency.refresh_from_db()
    assert emergency.status == ChangeStatus.SCHEDULED


def test_an_implemented_change_writes_each_items_history_and_the_change_log(
    awaiting, supervisor, ops_approver, info_approver, engineer, printer, make_item
):
    second = make_item()
    change = _approved(awaiting, [supervisor, ops_approver, info_approver], items=[printer, second])
    services.change_schedule(change=change, actor=supervisor)
    services.change_start(change=change, actor=engineer)
    services.change_complete(change=change, actor=engineer, outcome="测试页正常")
    for item in (printer, second):
        notes = [entry.note for entry in ci_timeline(ci=item)]
        assert change.number in notes
    log = ChangeLog.objects.filter(change=change)
    assert {row.item for row in log} == {printer, second}
    assert all(row.actor == engineer and row.change_number == change.number for row in log)


def test_only_the_implementer_or_a_supervisor_implements(
    awaiting, supervisor, ops_approver, info_approver, make_person
):
    other = make_person(Role.ENGINEER, username="other")
    change = _approved(awaiting, [supervisor, ops_approver, info_approver])
    services.change_schedule(change=change, actor=supervisor)
    with pytest.raises(PermissionDenied):
        services.change_start(change=change, actor=other)


def test_affected_users_are_told_once_before_the_window(
    awaiting, supervisor, ops_approver, info_approver, make_item, make_person
):
    user = make_person(username="printeruser")
    item = make_item(responsible=user)
    change = _approved(awaiting, [supervisor, ops_approver, info_approver], items=[item])
    services.change_schedule(change=change, actor=supervisor)
    now = at(9, 20)
    assert services.change_notify_upcoming(actor=system_user(), now=now) == 1
    assert services.change_notify_upcoming(actor=system_user(), now=now) == 0
    assert Notification.objects.filter(recipient=user, subject__contains=change.number).count() == 1


def test_change_impact_lists_vip_users_first(make_change, make_item, make_person, vip_level):
    plain = make_person(username="plain", name="阿普通")
    vip = make_person(username="vip", name="局长", service_level=vip_level)
    change = make_change(items=[make_item(responsible=plain), make_item(responsible=vip)])
    impact = selectors.change_impact(change=change)
    assert impact.users[:2] == [vip, plain]
    assert impact.departments
