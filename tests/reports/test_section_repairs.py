"""The repairs section (月度维修总结) for a hand-built September and October, and the quarter."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from cmdb.models import Supplier
from repairs import services
from reports.periods import Period
from reports.sections import repairs as section
from tests.repairs import conftest as _repairs
from tests.repairs.helpers import fail, new_order, to_confirmed

from .drill_checks import check_section, figure

pytestmark = pytest.mark.django_db

# The vendor-repair fixtures (the 2026 calendar, vendors, devices, a work order).
calendar_2026, frozen, vendor, make_vendor = (
    _repairs.calendar_2026, _repairs.frozen, _repairs.vendor, _repairs.make_vendor
)  # fmt: skip
device, make_device, spare, work_order = (
    _repairs.device, _repairs.make_device, _repairs.spare, _repairs.work_order
)  # fmt: skip


def _sent(engineer, work_order, vendor, kind, **fields):
    repair = services.repair_create(
        actor=engineer, work_order=work_order, vendor=vendor, carrier=engineer, fault="坏了",
        kind=kind, data_handling="kept", **fields,
    )  # fmt: skip
    return services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)


@pytest.fixture
def autumn(frozen, engineer, supervisor, agent, end_user, work_order, vendor, make_vendor, spare,
           make_device):  # fmt: skip
    """Sent 28 Sep: a third-party repair (spare lent) and an in-warranty one; in October a
    part for 650 fitted, one progress report, a failed vendor verification, and the
    third-party repair back on 20 Oct after 12 working days (National Day off)."""
    third = _sent(engineer, work_order, vendor, "third_party", spare=spare)
    _sent(engineer, work_order, make_vendor(), "in_warranty", device=make_device())
    warranty = third.__class__.objects.get(kind="in_warranty")
    purchase = services.part_purchase_create(actor=engineer, repair=third, part="主板")
    for name, price in (("甲", "500"), ("乙", "650")):
        quote = services.part_quote_add(
            actor=engineer, purchase=purchase, supplier=Supplier.objects.create(name=name),
            part="主板", price=Decimal(price), lead_days=2,
        )  # fmt: skip
    purchase.refresh_from_db()
    purchase = services.part_choose(actor=end_user, purchase=purchase,
                                    lock_version=purchase.lock_version, quote=quote)  # fmt: skip
    purchase = services.part_approve(actor=supervisor, purchase=purchase,
                                     lock_version=purchase.lock_version)  # fmt: skip
    frozen.move_to(datetime(2026, 10, 8, 2, tzinfo=UTC))
    services.part_replace(actor=engineer, purchase=purchase, lock_version=purchase.lock_version)
    services.repair_report_progress(actor=agent, repair=warranty, text="等待配件")
    order = to_confirmed(new_order(engineer=engineer, work_order=work_order, vendor=vendor),
                         engineer=engineer, supervisor=supervisor, agent=agent)  # fmt: skip
    fail(order, engineer=engineer)
    frozen.move_to(datetime(2026, 10, 20, 2, tzinfo=UTC))
    third.refresh_from_db()
    services.repair_return(actor=engineer, repair=third, lock_version=third.lock_version)
    frozen.move_to(datetime(2026, 11, 2, 2, tzinfo=UTC))
    return vendor


def test_september_counts_the_send_outs_and_the_spare_lent(autumn):
    s = check_section(section.build(Period.month(2026, 9), options={}))
    assert figure(s, "repairs.sent_out").value == 2
    assert figure(s, "repairs.sent_in_warranty").value == 1
    assert figure(s, "repairs.sent_third_party").value == 1
    assert figure(s, "repairs.spare_units_lent").value == 1
    assert figure(s, "repairs.returned").value == 0
    assert figure(s, "repairs.turnaround_in_time").value is None  # nothing back yet


def test_october_turnaround_progress_nonconformance_and_parts(autumn):
    s = check_section(section.build(Period.month(2026, 10), options={}))
    in_time = figure(s, "repairs.turnaround_in_time")
    assert (in_time.value, in_time.count, in_time.base) == (1.0, 1, 1)
    assert in_time.met is True
    assert figure(s, "repairs.returned_late").value == 0
    assert figure(s, "repairs.average_working_days").value == 12
    progress = figure(s, "repairs.progress_reports")
    # Owed on 8, 12, 15, 20, 23 and 28 Oct; one made.
    assert (progress.count, progress.base) == (1, 6) and progress.met is False
    assert figure(s, "repairs.nonconformances").value == 1
    assert figure(s, "repairs.parts_replaced").value == 1
    assert figure(s, "repairs.parts_cost").value == 650.0
    turnaround = next(t for t in s.tables if t.key == "repairs.turnaround")
    assert turnaround.rows[0][5:] == [12, "In time"]
    by_vendor = next(t for t in s.tables if t.key == "repairs.nonconformances_by_vendor")
    assert by_vendor.rows == [[autumn.name, 1]]


def test_the_quarter_is_the_same_computation_over_its_days(autumn):
    s = check_section(section.build(Period.quarter(2026, 3), options={}))
    assert figure(s, "repairs.sent_out").value == 2  # Q3 ends 30 Sep: sent 28 Sep
    q4 = check_section(section.build(Period.quarter(2026, 4), options={}))
    assert figure(q4, "repairs.returned").value == 1
    months = [section.build(m, options={}) for m in Period.quarter(2026, 4).months()]
    for key in ("repairs.progress_reports", "repairs.turnaround_in_time"):
        assert figure(q4, key).base == sum(figure(m, key).base for m in months)
    assert figure(q4, "repairs.parts_cost").value == 650.0
    year = check_section(section.build(Period.year(2026), options={}))
    assert figure(year, "repairs.sent_out").value == 2
