import pytest

from cmdb import demo as cmdb_demo
from incidents import demo as incidents_demo
from inspections import demo
from inspections.choices import ApprovalStatus, DiscrepancyStatus
from inspections.models import Discrepancy, InspectionPlan, InspectionReport, ResultLine
from servicedesk import demo as servicedesk_demo

pytestmark = pytest.mark.django_db

PASSWORD = "Demo@2026-x"


def test_demo_loads_three_months_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for module in (servicedesk_demo, cmdb_demo, incidents_demo):
        module.seed(password=PASSWORD)
    summary = demo.seed(password=PASSWORD)
    assert "3 plans" in summary
    assert InspectionPlan.objects.filter(status=ApprovalStatus.APPROVED).count() == 3
    assert InspectionReport.objects.filter(status=ApprovalStatus.APPROVED).count() == 2
    assert ResultLine.objects.filter(work_order__isnull=False).count() >= 3
    assert Discrepancy.objects.filter(status=DiscrepancyStatus.ACCEPTED).exists()
    assert Discrepancy.objects.filter(status=DiscrepancyStatus.OPEN).exists()
    assert "skipped" in demo.seed(password=PASSWORD)
