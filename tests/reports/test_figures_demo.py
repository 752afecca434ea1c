"""The demo shows the quarterly targets, the complaint statistics and the department costs
(issue 18 items 3, 4, 21), and seeding twice adds nothing."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from cmdb.models import Requisition
from incidents import complaint_metrics
from incidents.models import Complaint
from reports.department_costs import department_costs
from reports.periods import Period
from servicedesk.models import QuarterTargets, ServiceCommitment

pytestmark = pytest.mark.django_db


def test_the_demo_has_quarter_targets_complaints_and_department_costs(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        QuarterTargets.objects.count(),
        ServiceCommitment.objects.count(),
        Complaint.objects.count(),
        Requisition.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        QuarterTargets.objects.count(),
        ServiceCommitment.objects.count(),
        Complaint.objects.count(),
        Requisition.objects.count(),
    )
    today = timezone.localdate()
    this_quarter = Period.containing("quarter", today)
    assert QuarterTargets.objects.filter(
        year=today.year, quarter=(today.month - 1) // 3 + 1
    ).exists()
    recent = complaint_metrics.complaint_statistics(
        start=this_quarter.previous().start_at, end=this_quarter.end_at
    )
    assert recent.total.complaints > 0 and recent.total.handled > 0
    assert any(group.id for group in recent.by_cause)
    costs = department_costs(starts_on=today.replace(day=1), ends_on=today)
    assert costs.totals["spare_parts"] > 0 and costs.rows[0].name
