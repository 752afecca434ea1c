from datetime import date

import pytest
import time_machine

from cmdb.selectors import ci_find_by_tag, ci_get, ci_list, ci_list_for_user, ci_visible

pytestmark = pytest.mark.django_db


def test_end_user_sees_only_own_items_and_their_accessories(make_ci, end_user, make_person):
    other = make_person()
    mine = make_ci(responsible=end_user)
    accessory = make_ci(ci_class="monitor", parent=mine)
    shared = make_ci(ci_class="printer", users=[end_user])
    theirs = make_ci(responsible=other)
    assert set(ci_visible(user=end_user)) == {mine, accessory, shared}
    assert ci_get(user=end_user, pk=theirs.pk) is None
    assert ci_get(user=end_user, pk=mine.pk) == mine


@pytest.mark.parametrize(
    "role", ["agent", "engineer", "supervisor", "manager", "admin_user", "approver"]
)
def test_staff_and_approvers_see_every_item(request, make_ci, make_person, role):
    user = request.getfixturevalue(role)
    items = {make_ci(responsible=make_person()), make_ci()}
    assert set(ci_visible(user=user)) == items


def test_device_picker_lists_own_devices_with_accessories(make_ci, end_user, make_person):
    mine = make_ci(responsible=end_user)
    accessory = make_ci(ci_class="monitor", parent=mine)
    make_ci(ci_class="printer", users=[end_user])
    make_ci(responsible=make_person())
    assert set(ci_list_for_user(user=end_user)) == {mine, accessory}


def test_find_by_tag_ignores_case_and_blanks(make_ci):
    ci = make_ci(asset_tag="PC-0042")
    assert ci_find_by_tag(tag="  pc-0042\n") == ci
    assert ci_find_by_tag(tag="PC-9999") is None
    assert ci_find_by_tag(tag="   ") is None


def test_search_matches_tag_name_serial_and_ip(make_ci, engineer):
    ci = make_ci(
        asset_tag="PC-0100", name="财务处台式机", serial_number="SN-XYZ", ip_address="10.1.2.3"
    )
    make_ci()
    for query in ("pc-0100", "财务处", "xyz", "10.1.2.3"):
        assert list(ci_list(user=engineer, query=query)) == [ci], query


@time_machine.travel(date(2026, 6, 1))
def test_filter_by_warranty_status(make_ci, engineer):
    soon = make_ci(warranty_end=date(2026, 7, 1))
    later = make_ci(warranty_end=date(2027, 7, 1))
    gone = make_ci(warranty_end=date(2026, 1, 1))
    unknown = make_ci()
    expected = {"expiring": soon, "in_warranty": later, "expired": gone, "unknown": unknown}
    for status, ci in expected.items():
        assert list(ci_list(user=engineer, warranty=status)) == [ci]


def test_filters_combine(make_ci, engineer, department):
    printer = make_ci(ci_class="printer", status="in_repair", department=department)
    make_ci(ci_class="printer", status="in_use", department=department)
    make_ci(status="in_repair")
    assert list(
        ci_list(
            user=engineer,
            ci_class=printer.ci_class_id,
            status="in_repair",
            department=department.pk,
        )
    ) == [printer]
