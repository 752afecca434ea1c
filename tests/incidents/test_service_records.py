"""运行服务单: written by the engineer, confirmed by the user, reviewed by the desk, and
the callback waits for the review (§6.3.3 (6))."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from incidents import services
from incidents.choices import EventKind, ServiceRecordStatus, Status
from incidents.models import ServiceRecord, WorkOrder
from incidents.service_records import selectors as record_selectors
from incidents.service_records import services as record_services
from itsm import workflow
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(file_order, agent, engineer):
    order = file_order()
    return services.work_order_assign(work_order=order, actor=agent, assignee=engineer)


def _write(order, engineer, **kwargs):
    now = timezone.now()
    kwargs.setdefault("arrived_at", now - timedelta(minutes=50))
    kwargs.setdefault("left_at", now - timedelta(minutes=5))
    kwargs.setdefault("work_done", "更换硒鼓，打印测试页正常")
    return record_services.service_record_create(work_order=order, actor=engineer, **kwargs)


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_record_is_numbered_as_a_linked_form_per_visit(dispatched, engineer):
    first = _write(dispatched, engineer)
    second = _write(dispatched, engineer)
    assert first.number == f"D0302-{dispatched.number}"
    assert second.number == f"D0302-{dispatched.number}-02"
    assert first.minutes_on_site == 45
    assert first.status == ServiceRecordStatus.SUBMITTED
    assert dispatched.events.filter(kind=EventKind.SERVICE_RECORD).count() == 2


def test_record_links_the_orders_issued_spare_requisitions(dispatched, engineer, agent, location):
    from cmdb.models import PartType, Requisition, Stock

    stock = Stock.objects.create(
        part_type=PartType.objects.create(name="硒鼓", model="CF226A"),
        location=location,
        quantity=5,
    )
    issued = Requisition.objects.create(
        stock=stock,
        quantity=1,
        work_order_number=dispatched.number,
        requested_by=engineer,
        status="issued",
    )
    Requisition.objects.create(
        stock=stock, quantity=1, work_order_number=dispatched.number, requested_by=engineer
    )  # only requested: no part has left the stock
    Requisition.objects.create(
        stock=stock, quantity=1, work_order_number="D0201-2000010101", requested_by=engineer,
        status="issued",
    )  # fmt: skip
    record = _write(dispatched, engineer, parts_used="网线 2 米")
    assert [r.pk for r in record_selectors.service_record_parts(record)] == [issued.pk]


def test_leaving_before_arriving_or_in_the_future_is_refused(dispatched, engineer):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        _write(dispatched, engineer, arrived_at=now, left_at=now - timedelta(hours=1))
    assert "left_at" in error.value.message_dict
    with pytest.raises(ValidationError):
        _write(dispatched, engineer, left_at=now + timedelta(hours=2))
    with pytest.raises(ValidationError):
        _write(dispatched, engineer, work_done="  ")
    assert not ServiceRecord.objects.exists()


def test_no_record_for_a_work_order_not_dispatched_or_closed(file_order, agent, engineer):
    order = file_order()
    with pytest.raises(workflow.IllegalTransition):
        _write(order, agent)


def test_an_engineer_of_another_order_cannot_write_its_record(dispatched, make_person):
    other = make_person(Role.ENGINEER)
    with pytest.raises(PermissionDenied):
        _write(dispatched, other)


def test_end_user_confirms_in_the_portal_and_others_cannot(dispatched, engineer, end_user, agent):
    record = _write(dispatched, engineer)
    with pytest.raises(PermissionDenied):
        record_services.service_record_confirm(record=record, actor=agent)
    record = record_services.service_record_confirm(record=record, actor=end_user, note="满意")
    assert record.confirmation_method == "portal" and record.confirmed_by == end_user
    with pytest.raises(ValidationError):
        record_services.service_record_confirm(record=_fresh(record), actor=end_user)


def test_engineer_records_the_paper_signature(dispatched, engineer, end_user):
    record = _write(dispatched, engineer)
    with pytest.raises(PermissionDenied):
        record_services.service_record_confirm_paper(record=record, actor=end_user)
    record = record_services.service_record_confirm_paper(record=record, actor=engineer)
    assert record.confirmation_method == "paper" and record.confirmed_at


def test_desk_accepts_only_a_confirmed_record(dispatched, engineer, agent, end_user):
    record = _write(dispatched, engineer)
    with translation.override("en"), pytest.raises(ValidationError, match="not confirmed"):
        record_services.service_record_review(record=record, actor=agent, accept=True)
    with pytest.raises(PermissionDenied):
        record_services.service_record_review(record=record, actor=engineer, accept=True)
    record_services.service_record_confirm(record=record, actor=end_user)
    record = record_services.service_record_review(record=_fresh(record), actor=agent, accept=True)
    assert record.status == ServiceRecordStatus.ACCEPTED and record.reviewed_by == agent
    with pytest.raises(workflow.IllegalTransition):
        record_services.service_record_update(
            record=_fresh(record),
            actor=engineer,
            arrived_at=record.arrived_at,
            left_at=record.left_at,
            work_done="改",
        )


def test_returned_record_is_corrected_resubmitted_and_confirmed_again(
    dispatched, engineer, agent, end_user
):
    record = _write(dispatched, engineer)
    record_services.service_record_confirm(record=record, actor=end_user)
    with pytest.raises(ValidationError):
        record_services.service_record_review(record=_fresh(record), actor=agent, accept=False)
    record = record_services.service_record_review(
        record=_fresh(record), actor=agent, accept=False, reason="未写明更换的配件"
    )
    assert record.status == ServiceRecordStatus.RETURNED
    assert record.return_reason == "未写明更换的配件"
    record = record_services.service_record_update(
        record=_fresh(record),
        actor=engineer,
        arrived_at=record.arrived_at,
        left_at=record.left_at,
        work_done="更换硒鼓 CF226A 一个",
    )
    assert record.status == ServiceRecordStatus.SUBMITTED
    assert record.confirmed_at is None  # what the user confirmed changed


def test_stale_lock_version_is_a_conflict(dispatched, engineer, end_user):
    record = _write(dispatched, engineer)
    stale = record.lock_version
    record_services.service_record_confirm_paper(record=record, actor=engineer)
    with pytest.raises(workflow.Conflict):
        record_services.service_record_review(
            record=_fresh(record), actor=engineer, accept=True, lock_version=stale
        )


# --- the callback waits for the desk's review ------------------------------------------


def _resolved(order, engineer):
    return services.work_order_resolve(
        work_order=_fresh(order), actor=engineer, resolution="已修复"
    )


def test_callback_refused_while_a_service_record_is_not_accepted(
    dispatched, engineer, agent, end_user
):
    record = _write(dispatched, engineer)
    order = _resolved(dispatched, engineer)
    with pytest.raises(ValidationError) as error:
        services.callback_record(work_order=order, actor=agent, reached=True, satisfaction=5)
    assert record.number in str(error.value)
    assert _fresh(order).status == Status.RESOLVED
    assert not order.callbacks.exists()
    record_services.service_record_confirm(record=record, actor=end_user)
    record_services.service_record_review(record=_fresh(record), actor=agent, accept=True)
    services.callback_record(work_order=_fresh(order), actor=agent, reached=True, satisfaction=5)
    assert _fresh(order).status == Status.CLOSED


def test_callback_unaffected_for_orders_without_on_site_work(dispatched, engineer, agent):
    order = _resolved(dispatched, engineer)
    services.callback_record(work_order=order, actor=agent, reached=True, satisfaction=4)
    assert WorkOrder.objects.get(pk=order.pk).status == Status.CLOSED


# --- who sees the records -------------------------------------------------------------


def test_records_visible_exactly_with_their_work_order(
    dispatched, engineer, agent, end_user, make_person, manager
):
    from itsm.permissions import permits

    record = _write(dispatched, engineer)
    outsider = make_person(Role.END_USER)
    other_engineer = make_person(Role.ENGINEER)
    for user, sees in (
        (end_user, True),
        (engineer, True),
        (agent, True),
        (manager, True),
        (outsider, False),
        (other_engineer, False),
    ):
        listed = ServiceRecord.objects.restrict(user, "view").filter(pk=record.pk).exists()
        assert listed is sees is permits(user, record, "view")
        assert listed is WorkOrder.objects.restrict(user, "view").filter(pk=dispatched.pk).exists()


# --- service type and response mode ----------------------------------------------------


def test_dispatch_records_service_type_mode_and_vehicle(file_order, agent, engineer):
    order = services.work_order_assign(
        work_order=file_order(),
        actor=agent,
        assignee=engineer,
        service_type="on_site",
        response_mode="on_site",
        vehicle_needed=True,
    )
    order = _fresh(order)
    assert (order.service_type, order.response_mode, order.vehicle_needed) == (
        "on_site",
        "on_site",
        True,
    )
    # A re-dispatch that says nothing keeps what was recorded.
    services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    assert _fresh(order).service_type == "on_site"


def test_classify_is_the_desks_and_refuses_unknown_values(file_order, agent, engineer):
    order = file_order()
    with pytest.raises(PermissionDenied):
        services.work_order_classify(
            work_order=order, actor=engineer, service_type="special", response_mode="remote"
        )
    with pytest.raises(ValidationError):
        services.work_order_classify(
            work_order=order, actor=agent, service_type="teleport", response_mode=""
        )
    order = services.work_order_classify(
        work_order=_fresh(order), actor=agent, service_type="special", response_mode="remote"
    )
    with translation.override("en"):
        assert _fresh(order).get_service_type_display() == "Special (parts purchase, upgrade)"
    assert order.events.filter(kind=EventKind.NOTE, is_internal=True).exists()


def test_confirmed_records_wait_in_the_desks_approvals_inbox(
    dispatched, engineer, agent, end_user, django_assert_max_num_queries
):
    from itsm.approvals import pending_for

    def inbox(user):
        return [d.number for d in pending_for(user) if d.process == "incidents"]

    record = _write(dispatched, engineer)
    assert inbox(agent) == []  # the user has not confirmed it yet
    record_services.service_record_confirm(record=record, actor=end_user)
    _write(dispatched, engineer)
    assert inbox(agent) == [record.number]
    assert inbox(engineer) == [] and inbox(end_user) == []
    from incidents.service_records.approvals import service_records_to_review

    with django_assert_max_num_queries(2):
        list(service_records_to_review(agent))
    record_services.service_record_review(record=_fresh(record), actor=agent, accept=True)
    assert inbox(agent) == []
