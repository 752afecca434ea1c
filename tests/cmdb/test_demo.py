import pytest

from cmdb import demo
from cmdb.models import ConfigurationItem
from cmdb.services import ci_impact
from servicedesk import demo as servicedesk_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate():
    servicedesk_demo.seed(password="Demo@2026-x")
    demo.seed(password="Demo@2026-x")


def test_demo_estate_is_the_customers_and_loads_once(estate):
    count = ConfigurationItem.objects.count()
    assert "already loaded" in demo.seed(password="Demo@2026-x")
    assert ConfigurationItem.objects.count() == count
    desktops = ConfigurationItem.objects.filter(ci_class__code="desktop")
    assert desktops.count() == demo.DESKTOPS
    assert ConfigurationItem.objects.filter(ci_class__code="printer").count() == demo.PRINTERS
    desktop = desktops.filter(responsible__isnull=False).first()
    assert {c.ci_class.code for c in desktop.children.all()} == {"monitor", "peripheral"}
    assert desktop.children.count() == 3
    for child in desktop.children.all():
        assert (child.responsible_id, child.location_id) == (
            desktop.responsible_id,
            desktop.location_id,
        )


def test_demo_registration_server_impact_names_vip_users_first(estate):
    server = ConfigurationItem.objects.get(asset_tag="SV-001")
    impact = ci_impact(ci=server)
    assert "不动产登记系统" in [item.name for item in impact.items]
    assert impact.users
    assert impact.user_level(impact.users[0]).code == "vip"
