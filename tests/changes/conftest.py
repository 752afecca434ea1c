from datetime import datetime

import pytest
from django.utils import timezone

from changes import services
from servicedesk.choices import ApprovalBody, Role


def at(day: int, hour: int, month: int = 3, year: int = 2031):
    return timezone.make_aware(datetime(year, month, day, hour), timezone.get_current_timezone())


@pytest.fixture
def make_item(db):
    from cmdb.models import CIClass
    from cmdb.services import ci_create
    from itsm.actors import system_user

    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        fields.setdefault("asset_tag", f"PR-{counter['n']:03d}")
        fields.setdefault("name", f"打印机{counter['n']}")
        return ci_create(
            actor=system_user(), ci_class=CIClass.objects.get(code="printer"), **fields
        )

    return make


@pytest.fixture
def printer(make_item):
    return make_item(asset_tag="PR-301", name="三楼打印机")


@pytest.fixture
def ops_approver(make_person):
    return make_person(
        Role.APPROVER,
        username="ops",
        name="运维部审批人",
        approval_body=ApprovalBody.OPS_DEPARTMENT,
    )


@pytest.fixture
def info_approver(make_person):
    return make_person(
        Role.APPROVER,
        username="info",
        name="信息中心审批人",
        approval_body=ApprovalBody.INFORMATION_CENTRE,
    )


@pytest.fixture
def make_change(db, engineer):
    def make(*, items=(), start=None, end=None, actor=None, **fields):
        fields.setdefault("summary", "更换定影组件")
        fields.setdefault("implementation_plan", "断电更换")
        fields.setdefault("rollback_plan", "装回原件")
        return services.change_create(
            actor=actor or engineer,
            affected_items=items,
            planned_start=start or at(10, 18),
            planned_end=end or at(10, 20),
            owner=fields.pop("owner", actor or engineer),
            **fields,
        )

    return make


@pytest.fixture
def awaiting(make_change, supervisor, printer):
    """A normal change before the CAB."""

    def make(**fields):
        change = make_change(items=fields.pop("items", [printer]), **fields)
        services.change_submit(change=change, actor=change.requester)
        services.change_assess(change=change, actor=supervisor)
        return services.change_request_approval(change=change, actor=supervisor)

    return make


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the translators have done to the catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def make_release(db, engineer, printer):
    from changes import release_services

    counter = {"n": 0}

    def make(*, items=None, changes=(), start=None, end=None, actor=None, **fields):
        counter["n"] += 1
        fields.setdefault("application", "办公套件")
        fields.setdefault("release_version", f"2031.{counter['n']}")
        fields.setdefault("title", "安全补丁")
        fields.setdefault("deployment_plan", "分批推送")
        fields.setdefault("rollback_plan", "卸载补丁")
        return release_services.release_create(
            actor=actor or engineer,
            items=[printer] if items is None else items,
            changes=changes,
            planned_start=start or at(10, 18),
            planned_end=end or at(10, 20),
            **fields,
        )

    return make


@pytest.fixture
def tested_release(make_release):
    """A release built, passing its one test, and before the approvers."""
    from changes import release_services
    from changes.choices import TestResult

    def make(**fields):
        release = make_release(**fields)
        actor = release.requester
        release_services.release_build(release=release, actor=actor)
        release_services.release_test_record_add(
            release=release, actor=actor, case="安装", result=TestResult.PASSED
        )
        release_services.release_mark_tested(release=release, actor=actor)
        release.refresh_from_db()
        return release

    return make


@pytest.fixture
def authorised_release(tested_release, ops_approver, info_approver):
    from changes import release_services

    def make(**fields):
        release = tested_release(**fields)
        for signer in (ops_approver, info_approver):
            release_services.release_authorise(release=release, actor=signer)
        release.refresh_from_db()
        return release

    return make
