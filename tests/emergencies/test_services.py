from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from emergencies import resource_services, services
from emergencies.choices import (
    ApprovalMode,
    EmergencyType,
    Outcome,
    ResourceKind,
    ResourceStatus,
    Status,
    TeamRole,
)
from emergencies.models import Emergency, Evaluation, ProcessEntry, ResourceRequest
from incidents import services as incident_services
from incidents.choices import HoldReason
from incidents.choices import Status as WorkOrderStatus
from itsm.workflow import Conflict, IllegalTransition
from servicedesk.choices import Role
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


def test_declaring_from_a_work_order_waits_for_the_information_centre(
    declare, info_centre, engineer
):
    emergency = declare()
    assert emergency.status == Status.REQUESTED
    assert emergency.number.startswith("D0401-")
    assert Notification.objects.filter(recipient=info_centre, url=emergency.get_absolute_url())
    assert Notification.objects.filter(recipient=engineer, subject__contains="commander")


@pytest.mark.parametrize(
    ("field", "value"), [("type", ""), ("scope", "  "), ("type", "earthquake")]
)
def test_declaring_without_type_or_scope_is_refused_and_saves_nothing(declare, field, value):
    with pytest.raises(ValidationError) as refused:
        declare(**{field: value})
    assert field in refused.value.message_dict
    assert not Emergency.objects.exists()


def test_only_the_supervisor_declares(declare, agent):
    with pytest.raises(PermissionDenied):
        declare(actor=agent)


def test_a_work_order_starts_one_emergency_only(declare, file_order):
    order = file_order()
    declare(work_order=order)
    with pytest.raises(ValidationError, match="already started"):
        declare(work_order=order)


def test_declaring_from_a_service_outage_opens_the_parent_work_order(declare, switch):
    emergency = declare(work_order=None, service=switch)
    assert emergency.work_order.device == switch
    assert list(emergency.affected_items.all()) == [switch]


def test_oral_approval_records_who_how_when_and_reminds_until_confirmed(
    declare, supervisor, info_centre
):
    emergency = declare()
    emergency = services.emergency_record_oral_approval(
        emergency=emergency, actor=supervisor, approver=info_centre, channel="phone"
    )
    assert emergency.status == Status.APPROVED
    assert emergency.approval_mode == ApprovalMode.ORAL
    assert emergency.approved_by == info_centre
    assert emergency.approval_recorded_by == supervisor
    assert emergency.awaiting_confirmation
    due = emergency.confirmation_due_at
    assert services.confirmation_reminders_scan(now=due - timedelta(minutes=1)) == 0
    assert services.confirmation_reminders_scan(now=due) == 1
    assert services.confirmation_reminders_scan(now=due + timedelta(hours=1)) == 0  # once
    assert services.confirmation_reminders_scan(now=due + timedelta(hours=4)) == 1
    services.emergency_confirm_approval(emergency=emergency, actor=info_centre)
    assert services.confirmation_reminders_scan(now=due + timedelta(days=3)) == 0


def test_oral_approval_must_name_someone_of_the_information_centre(declare, supervisor, engineer):
    emergency = declare()
    with pytest.raises(ValidationError):
        services.emergency_record_oral_approval(
            emergency=emergency, actor=supervisor, approver=engineer, channel="phone"
        )
    emergency.refresh_from_db()
    assert emergency.status == Status.REQUESTED


def test_portal_approval_by_the_information_centre_only(declare, info_centre, engineer):
    emergency = declare()
    with pytest.raises(PermissionDenied):
        services.emergency_approve(emergency=emergency, actor=engineer)
    emergency = services.emergency_approve(emergency=emergency, actor=info_centre)
    assert emergency.status == Status.APPROVED and not emergency.awaiting_confirmation
    with pytest.raises(PermissionDenied):  # no longer waiting
        services.emergency_approve(emergency=emergency, actor=info_centre)


def test_a_stale_page_conflicts(declare, info_centre):
    emergency = declare()
    stale = emergency.lock_version
    services.emergency_approve(emergency=emergency, actor=info_centre)
    with pytest.raises(Conflict):
        services.emergency_reject(
            emergency=emergency, actor=info_centre, reason="x", lock_version=stale
        )


def test_team_members_are_told_when_they_join(active, supervisor, agent):
    emergency = active()
    member = services.team_member_add(
        emergency=emergency, actor=supervisor, role=TeamRole.OPS_DEPARTMENT, user=agent
    )
    assert Notification.objects.filter(recipient=agent, subject__contains="joined").exists()
    outsider = services.team_member_add(
        emergency=emergency, actor=supervisor, role=TeamRole.SUPPLIER, name="华为 工程师"
    )
    assert [m.pk for m in emergency.team.all()] == [member.pk, outsider.pk]
    with pytest.raises(ValidationError):
        services.team_member_add(
            emergency=emergency, actor=supervisor, role=TeamRole.OPS_DEPARTMENT, user=agent
        )


def test_on_site_work_needs_the_customers_sign_off(active, engineer):
    emergency = active()
    with pytest.raises(ValidationError):
        services.process_entry_add(emergency=emergency, actor=engineer, text="更换", on_site=True)
    entry = services.process_entry_add(
        emergency=emergency, actor=engineer, text="更换交换机", on_site=True, signed_by="王科长"
    )
    assert entry.signed_at is not None


def test_attaching_a_work_order_makes_it_a_child(active, agent, file_order, make_person):
    emergency = active()
    other = file_order(requester=make_person(), actor=agent)
    services.work_order_attach(emergency=emergency, actor=agent, work_order=other)
    other.refresh_from_db()
    assert other.parent_id == emergency.work_order_id


def test_attaching_a_work_order_attached_elsewhere_is_refused(active, agent, file_order):
    first, second = active(), active()
    order = file_order()
    services.work_order_attach(emergency=first, actor=agent, work_order=order)
    before = ProcessEntry.objects.filter(emergency=second).count()
    with pytest.raises(ValidationError, match="already attached elsewhere"):
        services.work_order_attach(emergency=second, actor=agent, work_order=order)
    order.refresh_from_db()
    assert order.parent_id == first.work_order_id
    assert ProcessEntry.objects.filter(emergency=second).count() == before


def test_end_users_cannot_attach(active, end_user, file_order):
    with pytest.raises(PermissionDenied):
        services.work_order_attach(emergency=active(), actor=end_user, work_order=file_order())


def test_restoring_resolves_the_parent_and_every_child_even_undispatched(
    active, agent, engineer, file_order, make_person, supervisor
):
    """The engineer who commands the response resolves children nobody dispatched to them
    (the old cascade checked the engineer's right on each child and rolled back)."""
    emergency = active()
    parent = emergency.work_order
    incident_services.work_order_assign(work_order=parent, actor=agent, assignee=engineer)
    undispatched = file_order(requester=make_person(), actor=agent)
    other_engineer = make_person(Role.ENGINEER)
    worked = file_order(requester=make_person(), actor=agent)
    incident_services.work_order_assign(work_order=worked, actor=agent, assignee=other_engineer)
    incident_services.work_order_start(work_order=worked, actor=other_engineer)
    held = incident_services.work_order_hold(
        work_order=worked, actor=other_engineer, reason=HoldReason.PARTS
    )
    for child in (undispatched, held):
        services.work_order_attach(emergency=emergency, actor=agent, work_order=child)
    count = services.emergency_restore(
        emergency=emergency, actor=engineer, resolution="更换核心交换机"
    )
    assert count == 2
    for order in (parent, undispatched, held):
        order.refresh_from_db()
        assert order.status == WorkOrderStatus.RESOLVED
    assert "更换核心交换机" in undispatched.resolution
    assert Notification.objects.filter(
        recipient=undispatched.requester, subject__contains="fixed"
    ).exists()


def test_a_status_update_reaches_every_childs_requester(
    active, engineer, agent, file_order, make_person
):
    emergency = active()
    users = [make_person() for _ in range(2)]
    for user in users:
        services.work_order_attach(
            emergency=emergency, actor=agent, work_order=file_order(requester=user, actor=agent)
        )
    update = services.status_update_send(emergency=emergency, actor=engineer, body="预计十点恢复")
    assert update.recipient_count == 3  # the parent's requester too
    for user in users:
        assert Notification.objects.filter(recipient=user, body="预计十点恢复").exists()


def test_missed_status_update_notifies_the_commander_once_per_due_point(active, engineer):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        emergency = active()  # critical: every 30 minutes
    due = emergency.next_update_due_at
    assert due == start + timedelta(minutes=30)

    def told():
        return Notification.objects.filter(recipient=engineer, subject__contains="overdue").count()

    assert services.status_updates_overdue_scan(now=due - timedelta(seconds=1)) == 0
    assert services.status_updates_overdue_scan(now=due) == 1
    assert services.status_updates_overdue_scan(now=due + timedelta(minutes=10)) == 0
    assert told() == 1
    assert services.status_updates_overdue_scan(now=due + timedelta(minutes=31)) == 1
    assert told() == 2
    with time_machine.travel(due + timedelta(minutes=40), tick=False):
        services.status_update_send(emergency=emergency, actor=engineer, body="进展")
    assert services.status_updates_overdue_scan(now=due + timedelta(minutes=45)) == 0


def _purchase(emergency, actor):
    return resource_services.resource_request_create(
        emergency=emergency,
        actor=actor,
        kind=ResourceKind.PURCHASE,
        description="备用核心交换机",
        product="交换机",
        model_spec="S5735",
        supplier="华为",
        cost="12800",
    )


def test_approving_ones_own_resource_request_is_refused(active, engineer, supervisor):
    emergency = active()
    request = _purchase(emergency, engineer)
    with pytest.raises(PermissionDenied, match="another member of the team"):
        resource_services.resource_request_approve(request=request, actor=engineer)
    request.refresh_from_db()
    assert request.status == ResourceStatus.REQUESTED


def test_purchase_is_approved_bought_and_confirmed_by_the_team(active, engineer, supervisor):
    emergency = active()
    request = _purchase(emergency, engineer)
    assert request.number.startswith("D0403-")
    request = resource_services.resource_request_approve(request=request, actor=supervisor)
    request = resource_services.resource_request_record_result(
        request=request, actor=engineer, result="已到货安装", cost="12500"
    )
    with pytest.raises(PermissionDenied):
        resource_services.resource_request_confirm(request=request, actor=engineer)
    request = resource_services.resource_request_confirm(request=request, actor=supervisor)
    assert request.status == ResourceStatus.CONFIRMED
    assert str(request.cost) == "12500.00"


def test_purchase_needs_product_and_supplier(active, engineer):
    with pytest.raises(ValidationError) as refused:
        resource_services.resource_request_create(
            emergency=active(), actor=engineer, kind=ResourceKind.PURCHASE, description="x"
        )
    assert {"product", "supplier"} <= set(refused.value.message_dict)
    assert not ResourceRequest.objects.exists()


def test_closing_with_an_unevaluated_round_is_refused(active, engineer, supervisor):
    emergency = active()
    with pytest.raises(IllegalTransition):
        services.emergency_close(emergency=emergency, actor=supervisor, result="x")
    emergency = services.emergency_submit_for_evaluation(emergency=emergency, actor=engineer)
    with pytest.raises(ValidationError, match="not been evaluated"):
        services.emergency_close(emergency=emergency, actor=supervisor, result="x")
    emergency.refresh_from_db()
    assert emergency.status == Status.EVALUATING


def test_not_met_opens_a_linked_problem_and_a_second_round_closes(
    active, engineer, supervisor, agent
):
    emergency = active()
    services.plan_save(emergency=emergency, actor=engineer, content="切换备用链路")
    services.emergency_submit_for_evaluation(emergency=emergency, actor=engineer)
    evaluation = services.emergency_evaluate(
        emergency=emergency,
        actor=supervisor,
        outcome=Outcome.CONTINUE,
        opinion="链路仍不稳定",
        problem_title="核心交换机反复宕机",
    )
    emergency.refresh_from_db()
    assert emergency.status == Status.ACTIVE and emergency.round == 2
    assert evaluation.problem is not None
    assert evaluation.problem.work_orders.filter(pk=emergency.work_order_id).exists()
    services.emergency_submit_for_evaluation(emergency=emergency, actor=engineer)
    services.emergency_evaluate(
        emergency=emergency,
        actor=supervisor,
        outcome=Outcome.MET,
        opinion="已恢复",
        follow_ups=[("更新网络拓扑图", agent)],
    )
    emergency = services.emergency_close(emergency=emergency, actor=supervisor, result="已恢复")
    assert emergency.status == Status.CLOSED
    assert Evaluation.objects.filter(emergency=emergency).count() == 2
    emergency.work_order.refresh_from_db()
    assert emergency.work_order.status == WorkOrderStatus.RESOLVED
    note = emergency.work_order.events.filter(body__contains="Forms:").get()
    assert emergency.number in note.body and evaluation.number in note.body
    assert emergency.follow_ups.filter(description__contains="configuration items").exists()


def test_unassigned_follow_ups_block_closing(active, engineer, supervisor):
    emergency = active()
    services.emergency_submit_for_evaluation(emergency=emergency, actor=engineer)
    services.emergency_evaluate(
        emergency=emergency,
        actor=supervisor,
        outcome=Outcome.MET,
        opinion="ok",
        follow_ups=[("补充文档", None)],
    )
    with pytest.raises(ValidationError, match="follow-up"):
        services.emergency_close(emergency=emergency, actor=supervisor, result="x")


def test_emergency_change_is_approved_by_the_team_not_its_requester(active, engineer, supervisor):
    emergency = active()
    link = resource_services.emergency_change_raise(
        emergency=emergency,
        actor=engineer,
        summary="更换核心交换机",
        implementation_plan="替换",
        rollback_plan="换回",
    )
    assert link.change.type == "emergency"
    with pytest.raises(PermissionDenied):
        resource_services.emergency_change_approve(link=link, actor=engineer)
    link = resource_services.emergency_change_approve(link=link, actor=supervisor)
    assert link.approved_by == supervisor
    link.change.refresh_from_db()
    assert link.change.status == "approved"  # no CAB round: the team approved it
    assert not link.change.approvals.exists()


def test_types_are_the_six_of_the_plan():
    assert len(EmergencyType.values) == 6


def test_closing_waits_for_a_child_worked_separately(
    active, agent, engineer, supervisor, file_order, make_person
):
    emergency = active()
    child = file_order(requester=make_person(), actor=agent)
    services.work_order_attach(emergency=emergency, actor=agent, work_order=child)
    services.emergency_submit_for_evaluation(emergency=emergency, actor=engineer)
    services.emergency_evaluate(emergency=emergency, actor=supervisor, outcome="met", opinion="ok")
    incident_services.work_order_assign(work_order=child, actor=agent, assignee=engineer)
    with pytest.raises(ValidationError, match=child.number):
        services.emergency_close(emergency=emergency, actor=supervisor, result="x")
    incident_services.work_order_resolve(work_order=child, actor=engineer, resolution="单独修好")
    emergency = services.emergency_close(emergency=emergency, actor=supervisor, result="恢复")
    assert emergency.status == Status.CLOSED


def test_the_beat_tasks_run_the_scans(active):
    from emergencies import tasks

    active()
    assert tasks.emergency_status_updates_scan() == 0  # nothing due yet
    assert tasks.emergency_confirmations_scan() == 0
