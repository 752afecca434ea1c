import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from servicedesk.models import Department, Person, ServiceLevel

pytestmark = pytest.mark.django_db


def test_contract_service_levels_are_seeded():
    levels = {
        s.code: (s.response_minutes, s.resolution_minutes) for s in ServiceLevel.objects.all()
    }
    assert levels == {"vip": (60, 120), "advanced": (60, 240), "standard": (120, 240)}
    assert ServiceLevel.default().code == "standard"


def test_only_one_default_level():
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceLevel.objects.filter(code="vip").update(is_default=True)


def test_resolution_shorter_than_response_is_refused():
    level = ServiceLevel(code="x", name="x", rank=99, response_minutes=60, resolution_minutes=30)
    with pytest.raises(ValidationError):
        level.full_clean()


def test_effective_level_falls_back_from_person_to_department_to_default(make_person, vip_level):
    advanced = ServiceLevel.objects.get(code="advanced")
    office = Department.objects.create(name="办公室", code="office", service_level=advanced)
    plain = Person.objects.get(user=make_person())
    assert plain.effective_service_level().code == "standard"
    in_office = Person.objects.get(user=make_person(department=office))
    assert in_office.effective_service_level() == advanced
    leader = Person.objects.get(user=make_person(department=office, service_level=vip_level))
    assert leader.effective_service_level() == vip_level


def test_phone_with_letters_is_refused(make_person):
    person = Person.objects.get(user=make_person())
    person.phone = "call me"
    with pytest.raises(ValidationError) as excinfo:
        person.full_clean()
    assert "phone" in excinfo.value.message_dict


def test_location_reads_building_floor_room(location):
    from django.utils import translation

    with translation.override("en"):
        assert str(location) == "机关办公楼 / floor 3 / 301"
