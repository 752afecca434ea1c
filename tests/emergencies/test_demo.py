import pytest

from cmdb import demo as cmdb_demo
from emergencies import demo
from emergencies.choices import EmergencyType, Status
from emergencies.models import DisasterMeasure, Emergency
from servicedesk import demo as servicedesk_demo

pytestmark = pytest.mark.django_db

PASSWORD = "Demo@2026-x"


def test_demo_loads_a_closed_virus_outbreak_and_an_open_network_outage_once():
    for module in (servicedesk_demo, cmdb_demo):
        module.seed(password=PASSWORD)
    demo.seed(password=PASSWORD)
    virus = Emergency.objects.get(type=EmergencyType.VIRUS_OUTBREAK)
    assert virus.status == Status.CLOSED
    assert virus.resource_requests.count() == 2
    assert virus.change_links.get().change.type == "emergency"
    network = Emergency.objects.get(type=EmergencyType.WIDE_OUTAGE)
    assert network.status == Status.ACTIVE
    assert network.work_order.children.count() == 2
    measures = DisasterMeasure.objects.count()
    assert "skipped" in demo.seed(password=PASSWORD)
    assert Emergency.objects.count() == 2 and DisasterMeasure.objects.count() == measures
