import pytest

from changes import demo as changes_demo
from changes.choices import ChangeStatus, ChangeType, ReleaseStatus
from changes.models import ChangeRequest, FreezePeriod, Release
from changes.selectors import change_conflicts
from cmdb import demo as cmdb_demo
from incidents import demo as incidents_demo
from problems import demo as problems_demo
from problems.choices import ProblemStatus
from problems.models import Problem
from servicedesk import demo as servicedesk_demo

pytestmark = pytest.mark.django_db

PASSWORD = "Demo@2026-x"


def test_demo_problems_and_changes_load_once(django_db_blocker):
    for module in (servicedesk_demo, cmdb_demo, incidents_demo, problems_demo, changes_demo):
        module.seed(password=PASSWORD)
    known = Problem.objects.filter(status=ProblemStatus.KNOWN_ERROR).first()
    assert known is not None and known.causes.count() == 6
    assert ChangeRequest.objects.count() >= 12
    assert ChangeRequest.objects.filter(type=ChangeType.EMERGENCY).exists()
    assert len({c.status for c in ChangeRequest.objects.all()}) >= 8
    assert FreezePeriod.objects.filter(name__contains="春节").exists()
    windows = ChangeRequest.objects.filter(status=ChangeStatus.SCHEDULED).values_list(
        "planned_start", "planned_end"
    )
    if windows:
        start = min(w[0] for w in windows)
        end = max(w[1] for w in windows)
        assert change_conflicts(start=start, end=end)
    statuses = set(Release.objects.values_list("status", flat=True))
    assert {ReleaseStatus.CLOSED, ReleaseStatus.TESTED, ReleaseStatus.AUTHORISED} <= statuses
    assert {ReleaseStatus.BUILT, ReleaseStatus.PLANNED} <= statuses
    assert "skipped" in problems_demo.seed(password=PASSWORD)
    again = changes_demo.seed(password=PASSWORD)
    assert "changes exist, skipped" in again and "releases exist, skipped" in again


def test_every_demo_page_renders(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    for module in (servicedesk_demo, cmdb_demo, incidents_demo, problems_demo, changes_demo):
        module.seed(password=PASSWORD)
    users = get_user_model().objects.in_bulk(["supervisor", "approver"], field_name="username")
    client.force_login(users["supervisor"])
    pages = [
        reverse("changes:list"),
        reverse("changes:calendar"),
        reverse("changes:log"),
        reverse("problems:list"),
        reverse("problems:suggestions"),
        reverse("problems:known_errors"),
        reverse("problems:pareto"),
        reverse("changes:release_list"),
        *(c.get_absolute_url() for c in ChangeRequest.objects.all()),
        *(r.get_absolute_url() for r in Release.objects.all()),
        *(p.get_absolute_url() for p in Problem.objects.all()),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.force_login(users["approver"])
    waiting = ChangeRequest.objects.get(status=ChangeStatus.AWAITING_APPROVAL)
    assert "approve" in client.get(waiting.get_absolute_url()).content.decode()
    tested = Release.objects.get(status=ReleaseStatus.TESTED)
    client.force_login(get_user_model().objects.get(username="approver2"))
    assert "authorise" in client.get(tested.get_absolute_url()).content.decode()
