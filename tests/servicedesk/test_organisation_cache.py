"""Filing reads the requester's department, location and levels from a cached table
(servicedesk.selectors.organisation_table): every kind of edit is seen by the next filing."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.models import Building, Department, Location, ServiceLevel
from servicedesk.selectors import person_for_filing

pytestmark = pytest.mark.django_db


def _signed_in(user):
    """The user as a request has it: with the person (itsm.auth_backends)."""
    return get_user_model().objects.select_related("person").get(pk=user.pk)


def _level_for(user):
    return person_for_filing(_signed_in(user)).effective_service_level()


def test_the_person_comes_with_no_query_once_the_table_is_read(end_user):
    user = _signed_in(end_user)
    person_for_filing(user).effective_service_level()  # the table and the default level
    user = _signed_in(end_user)
    with CaptureQueriesContext(connection) as queries:
        person = person_for_filing(user)
        assert person.department.name and str(person.location)
        assert person.effective_service_level().name
    assert len(queries) == 0, [q["sql"][:200] for q in queries]


def test_a_department_given_a_level_is_seen_at_the_next_filing(end_user, vip_level):
    department = end_user.person.department
    assert _level_for(end_user) != vip_level
    department.service_level = vip_level
    department.save()
    assert _level_for(end_user) == vip_level


def test_bulk_updates_are_seen_too(end_user, vip_level):
    _level_for(end_user)
    Department.objects.filter(pk=end_user.person.department_id).update(service_level=vip_level)
    assert _level_for(end_user) == vip_level
    ServiceLevel.objects.filter(pk=vip_level.pk).update(name="贵宾")
    assert _level_for(end_user).name == "贵宾"


def test_a_new_location_and_a_renamed_building_are_seen(end_user):
    person = end_user.person
    person_for_filing(_signed_in(end_user))
    building = Building.objects.create(name="二号楼")
    room = Location.objects.create(building=building, floor="5", room="501")
    person.location = room
    person.save()
    assert person_for_filing(_signed_in(end_user)).location == room
    Building.objects.filter(pk=building.pk).update(name="综合楼")
    assert "综合楼" in str(person_for_filing(_signed_in(end_user)).location)


def test_a_person_without_department_or_location_files_all_the_same(end_user):
    person = end_user.person
    person.department = None
    person.location = None
    person.save()
    found = person_for_filing(_signed_in(end_user))
    assert found.department is None and found.location is None
    assert found.effective_service_level() == ServiceLevel.default()
