from datetime import date

import pytest

from cmdb.models import CIClass, ConfigurationItem
from inspections import services
from servicedesk.choices import ApprovalBody, Role
from servicedesk.models import Location

PERIOD = date(2026, 12, 1)


@pytest.fixture
def desktop_class(db):
    return CIClass.objects.get_or_create(code="desktop", defaults={"name": "台式机"})[0]


@pytest.fixture
def make_ci(desktop_class, location):
    counter = {"n": 0}

    def make(**fields):
        counter["n"] += 1
        fields.setdefault("asset_tag", f"PC-{counter['n']:04d}")
        fields.setdefault("name", f"台式机 {counter['n']}")
        fields.setdefault("ci_class", desktop_class)
        fields.setdefault("location", location)
        return ConfigurationItem.objects.create(**fields)

    return make


@pytest.fixture
def devices(make_ci):
    return [make_ci() for _ in range(3)]


@pytest.fixture
def ops_approver(make_person):
    return make_person(
        Role.APPROVER, username="ops", name="运维部李", approval_body=ApprovalBody.OPS_DEPARTMENT
    )


@pytest.fixture
def info_approver(make_person):
    return make_person(
        Role.APPROVER,
        username="info",
        name="信息中心王",
        approval_body=ApprovalBody.INFORMATION_CENTRE,
    )


@pytest.fixture
def plan(engineer, devices, location):
    return services.plan_create(
        actor=engineer,
        period=PERIOD,
        title="12月巡检",
        content="清洁、补丁、防病毒",
        resources="清洁用品",
        locations=[location],
        engineers=[engineer],
    )


def approve_all(subject, decide, supervisor, ops_approver, info_approver):
    for user in (supervisor, ops_approver, info_approver):
        subject.refresh_from_db()
        subject = decide(
            **{subject._meta.model_name.removeprefix("inspection"): subject},
            actor=user,
            approve=True,
            comment="同意",
            lock_version=subject.lock_version,
        )
    return subject


@pytest.fixture
def approved_plan(plan, engineer, supervisor, ops_approver, info_approver):
    services.plan_submit(plan=plan, actor=engineer, lock_version=plan.lock_version)
    return approve_all(plan, services.plan_decide, supervisor, ops_approver, info_approver)


def all_pass(ci, note=""):
    template = services.checklist_for(ci_class=ci.ci_class)
    return [services.LineInput(item_id=i.pk, result="pass") for i in template.items.all()]


@pytest.fixture
def other_location(location):
    return Location.objects.create(building=location.building, floor="3", room="302")
