"""A supplier representative joins the emergency team from the repairs app's vendors."""

import pytest
from django.core.exceptions import ValidationError

from cmdb.models import Supplier
from emergencies.choices import TeamRole
from emergencies.services import team_member_add
from repairs.models import Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor(db):
    supplier = Supplier.objects.create(
        name="金桥网络工程", contact_name="周工", contact_phone="020-87654321"
    )
    return Vendor.objects.create(supplier=supplier, code="V009", email="svc@jq.example.com")


def test_a_vendor_joins_with_its_contact(active, supervisor, vendor):
    active = active()
    member = team_member_add(
        emergency=active, actor=supervisor, role=TeamRole.SUPPLIER, vendor=vendor
    )
    assert member.vendor == vendor
    assert (member.organisation, member.name, member.phone) == (
        "金桥网络工程",
        "周工",
        "020-87654321",
    )


def test_a_vendor_joins_only_as_the_supplier_representative(active, supervisor, vendor):
    active = active()
    with pytest.raises(ValidationError):
        team_member_add(emergency=active, actor=supervisor, role=TeamRole.CUSTOMER, vendor=vendor)
    assert not active.team.filter(vendor=vendor).exists()
