"""Issue 16 item 16: demo data believable for a Guangzhou office: 020 numbers, problems
that match their work orders, no change implemented before its window, release notices
before the release, knowledge in the reader's language first."""

import re

import pytest
from django.utils import translation

from changes import demo as changes_demo
from changes.models import ChangeRequest, Release
from cmdb import demo as cmdb_demo
from cmdb.models import Supplier
from incidents import demo as incidents_demo
from itsm.models import TransitionLog
from knowledge import demo as knowledge_demo
from problems import demo as problems_demo
from problems.models import Problem
from servicedesk import demo as servicedesk_demo
from servicedesk.models import Person

pytestmark = pytest.mark.django_db

PASSWORD = "Demo@2026-x"
LANDLINE = re.compile(r"^020-\d{8}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@pytest.fixture
def demo():
    for module in (
        servicedesk_demo,
        cmdb_demo,
        incidents_demo,
        problems_demo,
        changes_demo,
        knowledge_demo,
    ):
        module.seed(password=PASSWORD)


def test_demo_phones_are_guangzhou_numbers(demo):
    phones = [p for p in Person.objects.values_list("phone", flat=True) if p]
    mobiles = [m for m in Person.objects.values_list("mobile", flat=True) if m]
    assert phones and all(LANDLINE.match(p) for p in phones), phones[:5]
    assert all(MOBILE.match(m) and not m.startswith("1380000") for m in mobiles)
    assert all(LANDLINE.match(s.contact_phone) for s in Supplier.objects.all())


def test_demo_problems_are_about_their_work_orders(demo):
    linked = 0
    for problem in Problem.objects.exclude(category=None).prefetch_related("work_orders"):
        for order in problem.work_orders.all():
            assert order.category_id == problem.category_id, (problem.title, order.title)
            linked += 1
    assert linked >= 2


def test_no_demo_change_is_worked_on_before_its_window(demo):
    started = ChangeRequest.objects.exclude(actual_start=None)
    assert started.count() >= 4
    for change in started:
        assert change.actual_start >= change.planned_start, change.summary
        if change.actual_end:
            assert change.actual_end <= change.planned_end, change.summary
        logs = TransitionLog.objects.filter(
            object_id=str(change.pk), content_type__model="changerequest"
        )
        for log in logs:
            if log.transition in ("submit", "assess", "request_approval", "approve", "schedule"):
                assert log.at < change.planned_start, (change.summary, log.transition)
            if log.transition == "start":
                assert log.at >= change.planned_start, change.summary


def test_demo_release_notices_come_before_the_release(demo):
    deployed = Release.objects.exclude(deployed_at=None)
    assert deployed.exists()
    for release in deployed:
        assert release.users_notified_at < release.planned_start <= release.deployed_at
        assert release.authorised_at < release.planned_start


def test_knowledge_opens_in_the_readers_language(demo):
    from django.contrib.auth import get_user_model

    from knowledge.selectors import record_popular

    end_user = get_user_model().objects.get(username="enduser")
    cjk = re.compile(r"[\u4e00-\u9fff]")
    with translation.override("zh-hans"):
        assert cjk.search(record_popular(user=end_user, limit=1)[0].title)
    with translation.override("en"):
        assert not cjk.search(record_popular(user=end_user, limit=1)[0].title)
