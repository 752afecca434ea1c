"""A parent work order does not close while one of its children is still being worked."""

import pytest
from django.core.exceptions import ValidationError

from incidents import services
from incidents.choices import Status
from incidents.models import WorkOrder

pytestmark = pytest.mark.django_db


def test_the_parent_closes_only_when_no_child_is_worked_separately(
    end_user, agent, engineer, make_person
):
    other = make_person(username="colleague")
    parent = services.work_order_create(actor=end_user, requester=end_user, title="三楼断网")
    child = services.work_order_create(actor=other, requester=other, title="我这里也断网")
    services.work_order_set_parent(child=child, parent=parent, actor=agent)
    services.work_order_assign(work_order=parent, actor=agent, assignee=engineer)
    parent = services.work_order_start(
        work_order=WorkOrder.objects.get(pk=parent.pk), actor=engineer
    )
    parent = services.work_order_resolve(
        work_order=parent, actor=engineer, resolution="更换了交换机端口"
    )
    # The parent's engineer resolved the undispatched child on the parent's authority.
    child = WorkOrder.objects.get(pk=child.pk)
    assert child.status == Status.RESOLVED
    assert child.first_contact_resolution is False  # fixed by the parent's work, not the desk
    assert parent.number in child.resolution

    child = services.work_order_reopen(work_order=child, actor=other, note="还是不通")
    assert child.status not in (Status.RESOLVED, Status.CLOSED)

    with pytest.raises(ValidationError, match=child.number):
        services.work_order_close(work_order=WorkOrder.objects.get(pk=parent.pk), actor=agent)
    assert WorkOrder.objects.get(pk=parent.pk).status == Status.RESOLVED
