from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cmdb.attributes import clean_attributes, validate_schema
from cmdb.models import CIClass, ConfigurationItem

pytestmark = pytest.mark.django_db

SEEDED = {
    "desktop",
    "laptop",
    "printer",
    "scanner",
    "monitor",
    "server",
    "network",
    "ups",
    "phone",
    "licence",
    "application",
}


def test_the_eleven_classes_of_the_issue_are_seeded_with_valid_schemas():
    classes = {c.code: c for c in CIClass.objects.all()}
    assert set(classes) >= SEEDED
    for ci_class in classes.values():
        ci_class.full_clean()


@time_machine.travel(date(2026, 6, 1))
@pytest.mark.parametrize(
    ("days", "expected"),
    [(None, "unknown"), (-1, "expired"), (0, "expiring"), (60, "expiring"), (61, "in_warranty")],
)
def test_warranty_status_is_expiring_within_sixty_days(make_ci, days, expected):
    end = None if days is None else date(2026, 6, 1) + timedelta(days=days)
    assert make_ci(warranty_end=end).warranty_status == expected


def test_asset_tags_are_unique_ignoring_case(make_ci):
    make_ci(asset_tag="PC-0001")
    with pytest.raises(ValidationError):
        make_ci(asset_tag="pc-0001")


def test_database_refuses_a_tag_that_differs_only_in_case(make_ci, desktop_class):
    make_ci(asset_tag="PC-0001")
    with pytest.raises(IntegrityError):
        ConfigurationItem.objects.create(asset_tag="pc-0001", name="x", ci_class=desktop_class)


def test_attributes_are_checked_against_the_class_schema(make_ci):
    ci = make_ci(attributes={"memory_gb": "16", "os": "Windows 10"})
    assert ci.attributes == {"memory_gb": 16, "os": "Windows 10"}
    with pytest.raises(ValidationError) as error:
        make_ci(attributes={"memory_gb": "lots"})
    assert "attributes" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_ci(attributes={"no_such_key": "x"})


def test_required_choice_attribute_of_network_devices(make_ci):
    with pytest.raises(ValidationError):
        make_ci(ci_class="network")
    switch = make_ci(ci_class="network", attributes={"kind": "交换机", "ports": 48})
    assert switch.attributes["kind"] == "交换机"


def test_admin_defined_schema_is_validated():
    validate_schema([{"key": "rack", "label": "机柜", "type": "text", "required": False}])
    for bad in (
        {"key": "rack"},
        [{"key": "Bad Key"}],
        [{"key": "a"}, {"key": "a"}],
        [{"key": "a", "type": "colour"}],
        [{"key": "a", "type": "choice"}],
        [{"key": "a", "widget": "x"}],
    ):
        with pytest.raises(ValidationError):
            validate_schema(bad)


def test_attribute_conversion_per_type():
    schema = [
        {"key": "n", "type": "integer"},
        {"key": "d", "type": "decimal"},
        {"key": "b", "type": "boolean"},
        {"key": "on", "type": "date"},
        {"key": "c", "type": "choice", "choices": ["甲", "乙"]},
    ]
    assert clean_attributes(
        schema, {"n": "3", "d": "2.5", "b": "是", "on": "2026-01-31", "c": "乙"}
    ) == {
        "n": 3,
        "d": 2.5,
        "b": True,
        "on": "2026-01-31",
        "c": "乙",
    }
    for bad in ({"n": 1.5}, {"d": "NaN"}, {"b": "maybe"}, {"on": "31/01/2026"}, {"c": "丙"}):
        with pytest.raises(ValidationError):
            clean_attributes(schema, bad)


def test_an_item_cannot_be_its_own_accessory(make_ci):
    desktop = make_ci()
    monitor = make_ci(ci_class="monitor", parent=desktop)
    desktop.parent = monitor
    with pytest.raises(ValidationError) as error:
        desktop.full_clean()
    assert "parent" in error.value.message_dict
    desktop.parent = desktop
    with pytest.raises(ValidationError):
        desktop.full_clean()


def test_effective_service_level_prefers_the_override(make_ci, make_person, vip_level):
    from servicedesk.models import ServiceLevel

    user = make_person()
    standard = ServiceLevel.objects.get(code="standard")
    assert make_ci(responsible=user).effective_service_level() == standard
    assert make_ci(responsible=user, service_level=vip_level).effective_service_level() == vip_level
    assert make_ci().effective_service_level() is None


def test_effective_service_level_follows_a_vip_person(make_ci, make_person, vip_level):
    boss = make_person(service_level=vip_level)
    assert make_ci(responsible=boss).effective_service_level() == vip_level
