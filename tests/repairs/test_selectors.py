"""The monthly repair summary's figures, and the vendor login's narrow view."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cmdb.models import Supplier
from repairs import services
from repairs.selectors import monthly_repair_figures
from servicedesk.choices import Role

from .helpers import fail, new_order, to_confirmed

pytestmark = pytest.mark.django_db


def _sent(engineer, work_order, vendor, kind, **fields):
    repair = services.repair_create(
        actor=engineer, work_order=work_order, vendor=vendor, carrier=engineer, fault="坏了",
        kind=kind, data_handling="kept", **fields,
    )  # fmt: skip
    return services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)


def test_monthly_figures_count_send_outs_turnaround_reports_nonconformances_and_costs(
    frozen,
    engineer,
    supervisor,
    agent,
    end_user,
    work_order,
    vendor,
    make_vendor,
    spare,
    make_device,
):
    third = _sent(engineer, work_order, vendor, "third_party", spare=spare)
    warranty = _sent(engineer, work_order, make_vendor(), "in_warranty", device=make_device())
    purchase = services.part_purchase_create(actor=engineer, repair=third, part="主板")
    for name, price in (("甲", "500"), ("乙", "650")):
        quote = services.part_quote_add(
            actor=engineer, purchase=purchase, supplier=Supplier.objects.create(name=name),
            part="主板", price=Decimal(price), lead_days=2,
        )  # fmt: skip
    purchase.refresh_from_db()
    purchase = services.part_choose(
        actor=end_user, purchase=purchase, lock_version=purchase.lock_version, quote=quote
    )
    purchase = services.part_approve(
        actor=supervisor, purchase=purchase, lock_version=purchase.lock_version
    )
    frozen.move_to(datetime(2026, 10, 8, 2, tzinfo=UTC))
    services.part_replace(actor=engineer, purchase=purchase, lock_version=purchase.lock_version)
    services.repair_report_progress(actor=agent, repair=warranty, text="等待配件")
    order = to_confirmed(new_order(engineer=engineer, work_order=work_order, vendor=vendor),
                         engineer=engineer, supervisor=supervisor, agent=agent)  # fmt: skip
    fail(order, engineer=engineer)
    frozen.move_to(datetime(2026, 10, 20, 2, tzinfo=UTC))
    third.refresh_from_db()
    services.repair_return(actor=engineer, repair=third, lock_version=third.lock_version)

    september = monthly_repair_figures(month=date(2026, 9, 1))
    assert (september.sent_out, september.sent_third_party, september.sent_in_warranty) == (2, 1, 1)
    assert september.spare_units_lent == 1 and september.returned == 0

    october = monthly_repair_figures(month=date(2026, 10, 1))
    assert october.sent_out == 0 and october.returned == 1
    assert october.third_party_returned == 1 and october.third_party_within_15_days == 1
    assert october.average_working_days == 12  # 29, 30 Sep, 8–10, 12–16, 19, 20 Oct
    assert october.progress_reports == 1
    assert october.progress_reports_due == 6  # 8, 12, 15, 20, 23 and 28 Oct
    assert october.nonconformances == 1 and october.nonconformances_by_vendor == {vendor.name: 1}
    assert october.parts_replaced == 1 and october.parts_cost == Decimal("650.00")
    assert october.still_out == 1


def test_a_vendor_login_sees_and_signs_only_its_own_orders(
    frozen, client, make_person, engineer, supervisor, agent, work_order, vendor, make_vendor
):
    mine = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    mine = services.vendor_order_submit(actor=engineer, order=mine, lock_version=mine.lock_version)
    mine = services.vendor_order_review(
        actor=supervisor, order=mine, lock_version=mine.lock_version, decision="approve"
    )
    theirs = new_order(engineer=engineer, work_order=work_order, vendor=make_vendor())
    staff = make_person(Role.END_USER, username="jinqiao", name="金桥赵师傅")
    vendor.accounts.add(staff)
    client.force_login(staff)
    assert (
        client.get(reverse("repairs:vendor_order_detail", args=[mine.pk])).status_code == 404
    )  # not sent yet
    mine = services.vendor_order_send(actor=engineer, order=mine, lock_version=mine.lock_version)
    listing = client.get(reverse("repairs:vendor_order_list")).text
    assert mine.number in listing and theirs.number not in listing
    assert client.get(reverse("repairs:vendor_order_detail", args=[theirs.pk])).status_code == 404
    client.post(
        reverse("repairs:vendor_order_action", args=[mine.pk, "sign"]),
        {"lock_version": mine.lock_version},
    )
    mine.refresh_from_db()
    assert mine.status == "signed" and mine.signed_by_name == "金桥赵师傅"
    client.post(reverse("repairs:vendor_order_action", args=[mine.pk, "result"]), {
        "lock_version": mine.lock_version, "handling": "更换主板", "result": "已修复"})  # fmt: skip
    mine.refresh_from_db()
    assert mine.status == "result"
    # The vendor cannot confirm for the client or verify.
    client.post(reverse("repairs:vendor_order_action", args=[mine.pk, "confirm"]), {
        "lock_version": mine.lock_version, "name": "王芳"})  # fmt: skip
    mine.refresh_from_db()
    assert mine.status == "result"
    assert timezone.now() - timedelta(days=1) < mine.result_at
