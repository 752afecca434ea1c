"""Fixtures for vendor repairs: the 2026 calendar, vendors, a device in a work order."""

from datetime import UTC, datetime

import pytest
import time_machine

from cmdb.models import CIClass, Supplier
from cmdb.services import ci_create
from incidents import services as wo_services
from itsm.actors import system_user
from repairs.models import Vendor
from servicedesk.calendar import calendar_changed, holidays_sync
from servicedesk.choices import ApprovalBody, Role

# 2026-09-28 09:00 in Beijing (UTC+8): a Monday before National Day.
SENT_AT = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)


@pytest.fixture
def calendar_2026(db):
    """The 2026 calendar from the holidays package, as the daily sync stores it."""
    holidays_sync(years=[2026, 2027])
    calendar_changed()


@pytest.fixture
def frozen(calendar_2026):
    with time_machine.travel(SENT_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def make_vendor(db):
    counter = {"n": 0}

    def make(name=None, **fields):
        counter["n"] += 1
        supplier = Supplier.objects.create(name=name or f"维修商{counter['n']}")
        fields.setdefault("code", f"V{counter['n']:03d}")
        fields.setdefault("email", f"vendor{counter['n']}@example.com")
        fields.setdefault("repair_point", "天河区维修点")
        return Vendor.objects.create(supplier=supplier, **fields)

    return make


@pytest.fixture
def vendor(make_vendor):
    return make_vendor("联想服务站")


@pytest.fixture
def device(db):
    return ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="desktop"),
        asset_tag="PC-0001",
        name="台式机",
    )


@pytest.fixture
def make_device(db):
    counter = {"n": 0}

    def make():
        counter["n"] += 1
        return ci_create(
            actor=system_user(),
            ci_class=CIClass.objects.get(code="desktop"),
            asset_tag=f"PC-9{counter['n']:03d}",
            name="台式机",
        )

    return make


@pytest.fixture
def spare(db):
    return ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="desktop"),
        asset_tag="SP-0001",
        name="备机",
        status="spare",
    )


@pytest.fixture
def work_order(db, end_user, agent, engineer, device):
    order = wo_services.work_order_create(
        actor=end_user, requester=end_user, title="电脑无法开机", device=device
    )
    order = wo_services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    return wo_services.work_order_start(work_order=order, actor=engineer)


@pytest.fixture
def ops_approver(make_person):
    return make_person(
        Role.APPROVER, username="ops", name="运维部刘", approval_body=ApprovalBody.OPS_DEPARTMENT
    )


@pytest.fixture
def info_approver(make_person):
    return make_person(
        Role.APPROVER, username="info", name="信息中心孙",
        approval_body=ApprovalBody.INFORMATION_CENTRE,
    )  # fmt: skip
