import pytest
from django.contrib.auth.models import Group

from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, roles_sync, user_has_role

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_created_by_migration():
    assert {g.name for g in Group.objects.all()} >= {r.value for r in Role}


def test_role_permissions_are_granted_after_migrate():
    desk = Group.objects.get(name=Role.SERVICE_DESK)
    codenames = set(desk.permissions.values_list("codename", flat=True))
    assert {"view_person", "add_person", "change_person"} <= codenames
    assert "delete_person" not in codenames
    assert (
        not Group.objects.get(name=Role.END_USER)
        .permissions.filter(codename="view_person")
        .exists()
    )
    admin = Group.objects.get(name=Role.ADMIN)
    assert admin.permissions.filter(codename="change_calendarday").exists()


def test_sync_is_idempotent_and_keeps_hand_added_permissions():
    from django.contrib.auth.models import Permission

    engineer = Group.objects.get(name=Role.ENGINEER)
    extra = Permission.objects.get(codename="change_location")
    engineer.permissions.add(extra)
    before = engineer.permissions.count()
    roles_sync()
    roles_sync()
    assert engineer.permissions.count() == before


def test_end_user_is_not_staff_but_agent_is(end_user, agent):
    assert not is_staff_role(end_user)
    assert is_staff_role(agent)
    assert user_has_role(agent, Role.SERVICE_DESK)


def test_superuser_counts_as_admin(django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    assert user_has_role(root, Role.ADMIN)
