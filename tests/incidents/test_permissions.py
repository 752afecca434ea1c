"""One rule for who may see and do what to a work order: lists, object checks, the page,
the API and the services all agree, for every role."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from incidents import permissions, services
from incidents.models import WorkOrder
from itsm import workflow
from itsm.actors import system_user
from itsm.permissions import permits
from servicedesk.choices import Role
from servicedesk.models import Department, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_person, end_user, agent, engineer, supervisor, approver, manager, admin_user):
    """Six orders and ten people; `visible` is what each person must see, by order name."""
    other_department = Department.objects.create(name="信息中心", code="it")
    colleague = make_person(Role.END_USER, username="colleague")
    outsider = make_person(Role.END_USER, username="outsider", department=other_department)
    head = make_person(Role.END_USER, username="head")
    head.user_permissions.add(Permission.objects.get(codename="see_department_work_orders"))
    team_mate = make_person(Role.ENGINEER, username="teammate")
    stranger = make_person(Role.ENGINEER, username="stranger")
    team = Team.objects.create(name="驻场组")
    team.members.add(engineer, team_mate)

    def file(requester, title):
        return services.work_order_create(actor=requester, requester=requester, title=title)

    orders = {
        "own": file(end_user, "我的打印机卡纸"),
        "colleague": file(colleague, "同事的电脑蓝屏"),
        "other_department": file(outsider, "信息中心网络中断"),
        "assigned": file(colleague, "显示器闪烁"),
        "team": file(outsider, "服务器告警"),
        "elsewhere": file(outsider, "扫描仪卡纸"),
    }
    services.work_order_assign(work_order=orders["assigned"], actor=agent, assignee=engineer)
    services.work_order_assign(
        work_order=orders["team"], actor=agent, assignee=team_mate, team=team
    )
    services.work_order_assign(work_order=orders["elsewhere"], actor=agent, assignee=stranger)
    every = set(orders)
    people = {
        "end_user": (end_user, {"own"}),
        "department_head": (head, {"own", "colleague", "assigned"}),
        "desk": (agent, every),
        "engineer_in_team": (engineer, {"assigned", "team"}),
        "engineer_out_of_team": (make_person(Role.ENGINEER, username="newcomer"), set()),
        "supervisor": (supervisor, every),
        "approver": (approver, set()),
        "manager": (manager, every),
        "admin": (admin_user, every),
    }
    return orders, people


ROLES = [
    "end_user",
    "department_head",
    "desk",
    "engineer_in_team",
    "engineer_out_of_team",
    "supervisor",
    "approver",
    "manager",
    "admin",
]


def _fresh(user):
    return type(user).objects.get(pk=user.pk)  # no cached permissions or teams


@pytest.mark.parametrize("role", ROLES)
def test_list_object_check_page_and_api_agree_on_who_sees_what(world, role, client):
    orders, people = world
    user, expected = people[role]
    user = _fresh(user)
    listed = {wo.pk for wo in WorkOrder.objects.restrict(user, "view")}

    assert listed == {orders[name].pk for name in expected}
    api = APIClient()
    api.force_authenticate(user)
    client.force_login(user)
    api_list = {
        row["id"]
        for row in api.get("/api/incidents/", {"page_size": 100}).json().get("results", [])
    }
    assert api_list == listed
    for name, order in orders.items():
        sees = order.pk in listed
        assert permits(user, order, "view") == sees, name
        page = client.get(reverse("incidents:detail", args=[order.number]))
        assert page.status_code == (200 if sees else 404), name
        detail = api.get(f"/api/incidents/{order.number}/")
        assert (detail.status_code == 200) == sees, (name, detail.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_every_action_list_and_object_check_and_page_buttons_agree(world, role):
    orders, people = world
    user = _fresh(people[role][0])
    visible = set(WorkOrder.objects.restrict(user, "view").values_list("pk", flat=True))
    for action in permissions.RULES:
        allowed = set(WorkOrder.objects.restrict(user, action).values_list("pk", flat=True))
        assert allowed <= visible, action  # doing anything implies seeing it
        for name, order in orders.items():
            may = order.pk in allowed
            assert permits(user, order, action) == may, (action, name)
            refusal = permissions.work_order_refusal(user, order, action)
            assert (refusal == "") == may, (action, name)
    for name, order in orders.items():  # the page's one-query form says the same
        many = permissions.work_order_refusals(user, order)
        assert many == {a: permissions.work_order_refusal(user, order, a) for a in many}, name
        # ... and so does its reading of the rules off a row read now
        loaded = WorkOrder.objects.get(pk=order.pk)
        assert permissions.work_order_refusals(user, loaded, fresh=True) == many, name


def test_the_page_decides_the_rules_on_the_loaded_row_without_a_query(world):
    """The rules compare the order's own columns: the page reads them off the instance it
    holds (the list/object checks above prove it says the same as SQL)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    orders, people = world
    for role in ("desk", "engineer_in_team", "end_user", "department_head"):
        user = _fresh(people[role][0])
        order = WorkOrder.objects.get(pk=orders["assigned"].pk)
        permissions.work_order_refusals(user, order, fresh=True)  # roles and teams read
        with CaptureQueriesContext(connection) as queries:
            permissions.work_order_refusals(user, order, fresh=True)
        assert len(queries) == 0, role


def test_a_condition_not_on_the_row_is_asked_of_the_database_once(world, monkeypatch):
    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    orders, people = world
    order = orders["assigned"]
    on_category = Q(category__isnull=True) | Q(category__level="fault_type")
    monkeypatch.setitem(
        permissions.RULES,
        "merge",
        permissions.Rule(lambda u: on_category, permissions.RULES["merge"].refusal),
    )
    monkeypatch.setitem(
        permissions.RULES,
        "link",
        permissions.Rule(lambda u: on_category, permissions.RULES["link"].refusal),
    )
    user = _fresh(people["desk"][0])
    permissions.work_order_refusals(user, order, fresh=True)
    with CaptureQueriesContext(connection) as queries:
        refusals = permissions.work_order_refusals(user, order, fresh=True)
    assert len(queries) == 1 and queries[0]["sql"].count("EXISTS") == 1
    expected = WorkOrder.objects.filter(on_category, pk=order.pk).exists()
    assert (refusals["merge"] == "") == expected == (refusals["link"] == "")


def test_the_system_actor_may_act_and_nobody_acts_unnamed(world):
    orders, _people = world
    order = orders["assigned"]
    assert permits(system_user(), order, "close")
    with pytest.raises(TypeError):
        WorkOrder.objects.restrict(None, "view")
    with pytest.raises(TypeError):
        services.work_order_start(work_order=order, actor=None)


def test_a_disabled_account_sees_and_does_nothing(world):
    orders, people = world
    engineer = people["engineer_in_team"][0]
    type(engineer).objects.filter(pk=engineer.pk).update(is_active=False)
    engineer = _fresh(engineer)
    assert not WorkOrder.objects.restrict(engineer, "view").exists()
    with pytest.raises(PermissionDenied):
        services.work_order_start(work_order=orders["assigned"], actor=engineer)


def test_services_refuse_with_the_same_reason_the_page_shows(world):
    orders, people = world
    engineer = _fresh(people["engineer_in_team"][0])
    order = orders["assigned"]
    reason = permissions.work_order_refusal(engineer, order, "close")
    assert reason
    with pytest.raises(PermissionDenied) as refused:
        services.work_order_cancel(work_order=order, actor=engineer, reason="duplicate")
    assert str(refused.value) == permissions.work_order_refusal(engineer, order, "cancel")


def test_only_the_requester_or_the_desk_complains_about_a_work_order(world):
    orders, people = world
    order = orders["colleague"]
    for role in ("end_user", "engineer_out_of_team", "approver"):
        with pytest.raises(PermissionDenied):
            services.complaint_raise(
                actor=_fresh(people[role][0]), description="太慢", work_order=order
            )
    complaint = services.complaint_raise(
        actor=order.requester, description="处理太慢", work_order=order
    )
    assert complaint.pk
    services.complaint_raise(actor=people["desk"][0], description="用户电话投诉", work_order=order)


def test_a_disabled_account_cannot_complain(world):
    _orders, people = world
    user = people["end_user"][0]
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.complaint_raise(actor=_fresh(user), description="无工单的投诉")


def test_auto_close_acts_as_the_system_and_says_so_on_the_timeline(world, client):
    from datetime import timedelta

    from django.utils import timezone

    from incidents.scans import auto_close_scan

    orders, people = world
    agent = people["desk"][0]
    order = services.work_order_resolve(work_order=orders["own"], actor=agent, resolution="已处理")
    assert auto_close_scan(now=timezone.now() + timedelta(days=10)) == 1
    event = order.events.filter(data__auto=True).get()
    assert event.actor == system_user()
    client.force_login(people["end_user"][0])
    page = client.get(reverse("incidents:detail", args=[order.number])).content.decode()
    assert ">system<" not in page  # shown as 系统 ("system", translated), not as an account


def test_a_stale_page_conflicts_through_the_pipeline(world):
    orders, people = world
    order = orders["own"]
    seen = order.lock_version
    services.work_order_reprioritise(
        work_order=order, actor=people["desk"][0], impact="high", urgency="high", lock_version=seen
    )
    with pytest.raises(workflow.Conflict):
        services.work_order_cancel(
            work_order=order, actor=people["end_user"][0], reason="withdrawn", lock_version=seen
        )
