import pytest
from django.urls import reverse

from emergencies import resource_services, services
from emergencies.choices import ResourceKind, TeamRole
from emergencies.models import Emergency, ResourceRequest
from itsm.permissions import permits
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db

ROLES = [Role.END_USER, Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER]


@pytest.fixture
def world(active, supervisor, make_person, engineer):
    """Two emergencies; an end user on the team of the first only."""
    first, second = active(), active()
    member = make_person(Role.END_USER, username="member")
    services.team_member_add(emergency=first, actor=supervisor, role=TeamRole.CUSTOMER, user=member)
    resource_services.resource_request_create(
        emergency=first,
        actor=engineer,
        kind=ResourceKind.COORDINATION,
        description="借用备用交换机",
        from_whom="信息中心",
    )
    return {"first": first, "second": second, "member": member}


@pytest.mark.parametrize("role", [*ROLES, "member", "info_centre"])
@pytest.mark.parametrize("action", ["view", "work", "attach", "approve", "evaluate", "close"])
def test_list_and_object_checks_agree_for_every_role(world, make_person, info_centre, role, action):
    if role == "member":
        user = world["member"]
    elif role == "info_centre":
        user = info_centre
    else:
        user = make_person(role)
    listed = set(Emergency.objects.all().restrict(user, action).values_list("pk", flat=True))
    for emergency in Emergency.objects.all():
        assert permits(user, emergency, action) == (emergency.pk in listed)


@pytest.mark.parametrize("role", [*ROLES, "member"])
def test_pages_and_api_show_exactly_what_the_list_shows(world, make_person, client, role):
    user = world["member"] if role == "member" else make_person(role)
    client.force_login(user)
    visible = set(Emergency.objects.all().restrict(user, "view"))
    for emergency in (world["first"], world["second"]):
        page = client.get(emergency.get_absolute_url())
        assert page.status_code == (200 if emergency in visible else 404)
    response = client.get("/api/emergencies/")
    if response.status_code == 200:
        results = response.json()
        rows = results["results"] if isinstance(results, dict) else results
        assert {row["number"] for row in rows} == {e.number for e in visible}
    else:
        assert response.status_code == 403


def test_end_user_sees_only_the_emergency_they_are_on(world, make_person):
    outsider = make_person(Role.END_USER)
    assert not Emergency.objects.all().restrict(outsider, "view").exists()
    assert list(Emergency.objects.all().restrict(world["member"], "view")) == [world["first"]]


def test_resource_requests_are_decided_by_the_team_but_not_the_requester(
    world, engineer, supervisor
):
    request = ResourceRequest.objects.get()
    assert not ResourceRequest.objects.all().restrict(engineer, "decide").exists()
    assert ResourceRequest.objects.all().restrict(supervisor, "decide").get() == request
    assert ResourceRequest.objects.all().restrict(world["member"], "decide").get() == request


def test_approvals_inbox_lists_applications_and_resource_requests(
    declare, info_centre, world, supervisor, engineer
):
    from itsm.approvals import pending_for

    emergency = declare()
    kinds = {(d.number, d.kind) for d in pending_for(info_centre)}
    assert (emergency.number, "Emergency application") in kinds
    mine = {d.number for d in pending_for(engineer)}
    assert ResourceRequest.objects.get().number not in mine  # never one's own
    assert ResourceRequest.objects.get().number in {d.number for d in pending_for(supervisor)}


def test_the_declare_page_is_for_supervisors(client, agent, supervisor, file_order):
    order = file_order()
    client.force_login(agent)
    assert (
        client.get(reverse("emergencies:declare") + f"?work_order={order.number}").status_code
        == 403
    )
    client.force_login(supervisor)
    assert (
        client.get(reverse("emergencies:declare") + f"?work_order={order.number}").status_code
        == 200
    )
