"""The signed-in user comes with their person and their roles in one query (issue 17)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itsm.auth_backends import PersonModelBackend
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_roles

pytestmark = pytest.mark.django_db


def test_roles_come_with_the_user(engineer):
    odd = '现场组, 三楼 \x1f"[\\'  # any name: commas, control characters, quotes, brackets
    engineer.groups.add(Group.objects.create(name=odd))
    with CaptureQueriesContext(connection) as queries:
        user = PersonModelBackend().get_user(engineer.pk)
        roles = user_roles(user)
        assert user.person.name == engineer.person.name
    assert len(queries) == 1
    assert roles == {Role.ENGINEER, odd}


def test_a_user_without_roles_and_a_superuser(make_person, admin_user):
    nobody = make_person()
    nobody.groups.clear()
    assert user_roles(PersonModelBackend().get_user(nobody.pk)) == set()
    admin_user.is_superuser = True
    admin_user.save()
    assert Role.ADMIN in user_roles(PersonModelBackend().get_user(admin_user.pk))


def test_a_role_given_is_seen_on_the_next_request(client, end_user):
    client.force_login(end_user)
    assert client.get("/incidents/").status_code == 403  # the queue is for staff
    end_user.groups.add(Group.objects.get(name=Role.SERVICE_DESK))
    assert client.get("/incidents/").status_code == 200
    assert is_staff_role(PersonModelBackend().get_user(end_user.pk))


def test_an_inactive_user_is_not_signed_in(engineer):
    engineer.is_active = False
    engineer.save()
    assert PersonModelBackend().get_user(engineer.pk) is None
