import pytest

from cmdb.choices import RelationshipType as T
from cmdb.selectors import ci_timeline
from cmdb.services import ci_impact, ci_update, impacted_ids, relationship_create
from itsm.actors import system_user as SYSTEM  # noqa: N812

pytestmark = pytest.mark.django_db


def test_accessories_move_with_their_parent(make_ci, make_person, location, department):
    from servicedesk.models import Building, Department, Location

    owner, new_owner = make_person(), make_person()
    desktop = make_ci(responsible=owner, location=location, department=department)
    monitor = make_ci(ci_class="monitor", parent=desktop)
    keyboard = make_ci(ci_class="monitor", parent=monitor)  # nested accessories follow too
    assert (monitor.responsible, monitor.location) == (owner, location)

    room = Location.objects.create(building=Building.objects.get(), floor="5", room="501")
    office = Department.objects.create(name="办公室", code="office")
    ci_update(
        actor=SYSTEM(),
        ci=desktop,
        location=room,
        department=office,
        responsible=new_owner,
        reason="D0201-01",
    )

    for accessory in (monitor, keyboard):
        accessory.refresh_from_db()
        assert (accessory.location, accessory.department, accessory.responsible) == (
            room,
            office,
            new_owner,
        )
    moved = ci_timeline(ci=monitor)[0]
    assert moved.kind == "update"
    assert any(new == str(room) for _, _, new in moved.changes)


def test_changes_land_on_the_items_timeline_with_old_and_new(make_ci):
    ci = make_ci(name="旧名字")
    ci_update(actor=SYSTEM(), ci=ci, name="新名字")
    timeline = ci_timeline(ci=ci)
    assert timeline[0].kind == "update"
    assert any(old == "旧名字" and new == "新名字" for _, old, new in timeline[0].changes)
    assert timeline[-1].kind == "create"


def test_relationships_show_on_both_items_timelines(make_ci):
    server, app = make_ci(ci_class="server"), make_ci(ci_class="application")
    relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    for ci in (server, app):
        assert any(
            e.note.startswith(app.asset_tag) and e.kind == "create" for e in ci_timeline(ci=ci)
        )


def test_impact_is_transitive_in_the_failure_direction(make_ci):
    switch = make_ci(ci_class="network", attributes={"kind": "交换机"})
    server = make_ci(ci_class="server")
    app = make_ci(ci_class="application")
    desktop = make_ci()
    unrelated = make_ci()
    relationship_create(actor=SYSTEM(), source=server, target=switch, type=T.CONNECTED_TO)
    relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    relationship_create(actor=SYSTEM(), source=app, target=desktop, type=T.USED_BY)
    relationship_create(
        actor=SYSTEM(), source=switch, target=unrelated, type=T.DEPENDS_ON
    )  # switch needs it

    depth, _ = impacted_ids(ci_id=switch.pk)
    assert depth == {server.pk: 1, app.pk: 2, desktop.pk: 3}
    # The other way round, a failing desktop takes nothing down.
    assert impacted_ids(ci_id=desktop.pk)[0] == {}
    # part_of: a failed part impairs the whole.
    disk = make_ci()
    relationship_create(actor=SYSTEM(), source=disk, target=server, type=T.PART_OF)
    assert set(impacted_ids(ci_id=disk.pk)[0]) == {server.pk, app.pk, desktop.pk}


def test_impact_stops_at_cycles(make_ci):
    a, b, c = make_ci(), make_ci(), make_ci()
    relationship_create(actor=SYSTEM(), source=b, target=a, type=T.DEPENDS_ON)
    relationship_create(actor=SYSTEM(), source=c, target=b, type=T.DEPENDS_ON)
    relationship_create(actor=SYSTEM(), source=a, target=c, type=T.DEPENDS_ON)
    depth, edges = impacted_ids(ci_id=a.pk)
    assert depth == {b.pk: 1, c.pk: 2}
    assert len(edges) == 2


def test_impact_lists_vip_users_first_and_their_departments(make_ci, make_person, vip_level):
    from servicedesk.models import Department

    leaders = Department.objects.create(name="局领导", code="leaders")
    clerk = make_person(name="科员")
    boss = make_person(name="局长", service_level=vip_level, department=leaders)
    shared_user = make_person(name="共享用户")
    server = make_ci(ci_class="server")
    app = make_ci(ci_class="application", users=[shared_user])
    relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    for owner in (clerk, boss):
        desktop = make_ci(responsible=owner, department=owner.person.department)
        relationship_create(actor=SYSTEM(), source=app, target=desktop, type=T.USED_BY)

    impact = ci_impact(ci=server)
    names = [u.person.name for u in impact.users]
    assert names[0] == "局长"
    assert set(names) == {"局长", "科员", "共享用户"}
    assert leaders in impact.departments
    assert impact.service_levels[0] == vip_level
    assert impact.items[0] == app  # nearest first


def test_impact_queries_grow_with_depth_not_with_items(make_ci, django_assert_max_num_queries):
    server = make_ci(ci_class="server")
    apps = [make_ci(ci_class="application") for _ in range(3)]
    for app in apps:
        relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
    with django_assert_max_num_queries(20) as few:
        ci_impact(ci=server)
    for _ in range(20):
        app = make_ci(ci_class="application")
        relationship_create(actor=SYSTEM(), source=app, target=server, type=T.RUNS_ON)
        relationship_create(actor=SYSTEM(), source=make_ci(), target=app, type=T.DEPENDS_ON)
    with django_assert_max_num_queries(len(few.captured_queries) + 2):  # one more level
        impact = ci_impact(ci=server)
    assert len(impact.items) == 43


def test_relationship_to_itself_is_refused(make_ci):
    from django.core.exceptions import ValidationError

    ci = make_ci()
    with pytest.raises(ValidationError):
        relationship_create(actor=SYSTEM(), source=ci, target=ci, type=T.DEPENDS_ON)
