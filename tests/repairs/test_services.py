"""The services: what they guarantee, what they refuse, and that refusals save nothing."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cmdb.models import SpareUnitLoan
from incidents.choices import Status
from itsm.workflow import IllegalTransition
from problems.models import Problem
from repairs import services
from repairs.models import (
    BlacklistApplication,
    BlacklistEntry,
    Nonconformance,
    RepairOrder,
    VendorOrder,
)

from .helpers import fail, new_order, to_confirmed

pytestmark = pytest.mark.django_db


def _repair(engineer, work_order, vendor, **fields):
    fields.setdefault("fault", "无法开机")
    fields.setdefault("kind", "third_party")
    fields.setdefault("data_handling", "kept")
    return services.repair_create(
        actor=engineer, work_order=work_order, vendor=vendor, carrier=engineer, **fields
    )


def test_send_out_lends_the_spare_and_puts_the_work_order_on_hold(
    frozen, engineer, work_order, vendor, spare
):
    repair = _repair(engineer, work_order, vendor, spare=spare)
    assert repair.number.startswith("D0701-20260928")
    assert repair.spare_loan.spare == spare and repair.spare_loan.borrower == work_order.requester
    repair = services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)
    assert repair.status == "sent"
    assert repair.due_back_on == date(2026, 10, 23)
    assert repair.desk_due_on == date(2026, 10, 10)
    work_order.refresh_from_db()
    assert work_order.status == Status.ON_HOLD and work_order.hold_reason == "vendor"

    frozen.move_to(timezone.now() + timedelta(days=10))
    repair = services.repair_return(actor=engineer, repair=repair, lock_version=repair.lock_version)
    assert repair.status == "returned"
    assert SpareUnitLoan.objects.get().returned_at is not None
    spare.refresh_from_db()
    assert spare.status == "spare"
    work_order.refresh_from_db()
    assert work_order.status == Status.IN_PROGRESS


def test_return_of_a_device_never_sent_is_refused(frozen, engineer, work_order, vendor):
    repair = _repair(engineer, work_order, vendor)
    with pytest.raises(PermissionDenied, match="从未送修"):
        services.repair_return(actor=engineer, repair=repair, lock_version=repair.lock_version)
    repair.refresh_from_db()
    assert repair.status == "prepared" and repair.returned_at is None


def test_return_before_sending_time_is_refused(frozen, engineer, work_order, vendor):
    repair = _repair(engineer, work_order, vendor)
    repair = services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)
    with pytest.raises(ValidationError) as refused:
        services.repair_return(
            actor=engineer, repair=repair, lock_version=repair.lock_version,
            returned_at=repair.sent_at - timedelta(hours=2),
        )  # fmt: skip
    assert "不能早于送修时间" in str(refused.value)
    repair.refresh_from_db()
    assert repair.status == "sent"


def test_a_planned_date_in_the_past_is_refused_and_nothing_is_saved(
    frozen, engineer, work_order, vendor, spare
):
    with pytest.raises(ValidationError, match="已过去"):
        _repair(engineer, work_order, vendor, spare=spare, planned_send_on=date(2026, 9, 1))
    assert not RepairOrder.objects.exists()
    assert not SpareUnitLoan.objects.exists()


def test_sealed_device_needs_the_users_consent_and_wiped_needs_a_record(
    frozen, engineer, work_order, vendor
):
    with pytest.raises(ValidationError, match="用户同意"):
        _repair(engineer, work_order, vendor, data_handling="sealed")
    with pytest.raises(ValidationError, match="擦除"):
        _repair(engineer, work_order, vendor, data_handling="wiped")
    repair = _repair(engineer, work_order, vendor, data_handling="sealed", consent_by="王芳")
    assert repair.consent_at is not None


def test_vendor_order_full_cycle_mails_the_pdf_and_the_engineer_verifies(
    frozen, django_capture_on_commit_callbacks, engineer, supervisor, agent, work_order, vendor
):
    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    with django_capture_on_commit_callbacks(execute=True):
        order = to_confirmed(order, engineer=engineer, supervisor=supervisor, agent=agent)
    assert order.status == "confirmed"
    sent = [m for m in mail.outbox if m.to == [vendor.email]]
    assert len(sent) == 1 and sent[0].attachments[0][0] == f"{order.number}.pdf"
    assert sent[0].attachments[0][1].startswith(b"%PDF")
    order = services.vendor_order_verify(
        actor=engineer, order=order, lock_version=order.lock_version, passed=True
    )
    order = VendorOrder.objects.get()
    assert order.status == "verified" and order.verified_at is not None


def test_verification_by_someone_other_than_the_engineer_is_refused(
    frozen, engineer, supervisor, agent, work_order, vendor
):
    order = to_confirmed(
        new_order(engineer=engineer, work_order=work_order, vendor=vendor),
        engineer=engineer, supervisor=supervisor, agent=agent,
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="只有该工作单的工程师"):
        services.vendor_order_verify(
            actor=supervisor, order=order, lock_version=order.lock_version, passed=False, reason="x"
        )
    order.refresh_from_db()
    assert order.status == "confirmed" and not Nonconformance.objects.exists()


def test_rejected_order_is_revised_and_resubmitted(
    frozen, engineer, supervisor, work_order, vendor
):
    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    order = services.vendor_order_submit(
        actor=engineer, order=order, lock_version=order.lock_version
    )
    with pytest.raises(ValidationError):
        services.vendor_order_review(
            actor=supervisor, order=order, lock_version=order.lock_version, decision="reject"
        )
    order = services.vendor_order_review(
        actor=supervisor, order=order, lock_version=order.lock_version, decision="reject",
        note="写清楚型号",
    )  # fmt: skip
    assert order.status == "rejected"
    order = services.vendor_order_update(
        actor=engineer, order=order, lock_version=order.lock_version, product="联想 M720t"
    )
    order = services.vendor_order_submit(
        actor=engineer, order=order, lock_version=order.lock_version
    )
    assert order.status == "submitted" and order.product == "联想 M720t"


def test_declining_the_vendor_opens_a_problem_with_the_work_order(
    frozen, engineer, supervisor, work_order, vendor
):
    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    order = services.vendor_order_submit(
        actor=engineer, order=order, lock_version=order.lock_version
    )
    order = services.vendor_order_review(
        actor=supervisor, order=order, lock_version=order.lock_version, decision="decline",
        note="同型号多次故障",
    )  # fmt: skip
    problem = Problem.objects.get(pk=order.problem_id)
    assert order.status == "declined"
    assert work_order in problem.work_orders.all()


def test_stale_lock_version_is_a_conflict(frozen, engineer, work_order, vendor):
    from itsm.workflow import Conflict

    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    services.vendor_order_submit(actor=engineer, order=order, lock_version=order.lock_version)
    with pytest.raises(Conflict):
        services.vendor_order_update(
            actor=engineer, order=order, lock_version=order.lock_version, product="x"
        )


def test_third_failed_verification_in_a_month_drafts_the_blacklist_application(
    frozen, django_capture_on_commit_callbacks, engineer, supervisor, agent, work_order, vendor
):
    order = to_confirmed(
        new_order(engineer=engineer, work_order=work_order, vendor=vendor),
        engineer=engineer, supervisor=supervisor, agent=agent,
    )  # fmt: skip
    for round_ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            fail(order, engineer=engineer, reason=f"第{round_ + 1}次仍未修好")
        assert BlacklistApplication.objects.exists() == (round_ == 2)
        if round_ < 2:
            order = to_confirmed(order, engineer=engineer, supervisor=supervisor, agent=agent)
    application = BlacklistApplication.objects.get()
    assert application.status == "draft" and application.kind == "add"
    assert application.drafted_by_system and application.nonconformance_count == 3
    assert "第3次仍未修好" in application.reason and work_order.number in application.reason
    assert application.number.startswith("D0704-")
    # Each failure mailed the order to the vendor again.
    assert len([m for m in mail.outbox if m.to == [vendor.email]]) == 3


def _three_failures(order, **people):
    order = to_confirmed(order, **people)
    for _ in range(3):
        fail(order, engineer=people["engineer"])
        order.refresh_from_db()
        if order.status == "sent":
            order = to_confirmed(order, **people)
    return BlacklistApplication.objects.get()


def test_both_bodies_approve_then_the_vendor_is_blacklisted_and_refused(
    frozen, engineer, supervisor, agent, work_order, vendor, ops_approver, info_approver
):
    application = _three_failures(
        new_order(engineer=engineer, work_order=work_order, vendor=vendor),
        engineer=engineer, supervisor=supervisor, agent=agent,
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.application_submit(
            actor=engineer, application=application, lock_version=application.lock_version
        )
    application = services.application_submit(
        actor=supervisor, application=application, lock_version=application.lock_version
    )
    application = services.application_decide(
        actor=ops_approver,
        application=application,
        lock_version=application.lock_version,
        approved=True,
    )
    assert application.status == "submitted" and not BlacklistEntry.objects.exists()
    with pytest.raises(PermissionDenied, match="已审批过"):
        services.application_decide(
            actor=ops_approver,
            application=application,
            lock_version=application.lock_version,
            approved=True,
        )
    application = services.application_decide(
        actor=info_approver,
        application=application,
        lock_version=application.lock_version,
        approved=True,
    )
    assert application.status == "approved"
    entry = BlacklistEntry.objects.get()
    assert entry.vendor == vendor and entry.number.startswith("D0706-")
    count = VendorOrder.objects.count()
    with pytest.raises(PermissionDenied, match=entry.number):
        new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    with pytest.raises(PermissionDenied, match="黑名单"):
        _repair(engineer, work_order, vendor)
    assert VendorOrder.objects.count() == count and not RepairOrder.objects.exists()


def test_one_refusal_rejects_the_application(
    frozen, engineer, supervisor, agent, work_order, vendor, ops_approver
):
    application = _three_failures(
        new_order(engineer=engineer, work_order=work_order, vendor=vendor),
        engineer=engineer, supervisor=supervisor, agent=agent,
    )  # fmt: skip
    application = services.application_submit(
        actor=supervisor, application=application, lock_version=application.lock_version
    )
    with pytest.raises(ValidationError):
        services.application_decide(
            actor=ops_approver,
            application=application,
            lock_version=application.lock_version,
            approved=False,
        )
    application = services.application_decide(
        actor=ops_approver, application=application, lock_version=application.lock_version,
        approved=False, note="证据不足",
    )  # fmt: skip
    assert application.status == "rejected" and not BlacklistEntry.objects.exists()


def test_removal_needs_a_later_month_with_fewer_than_two(
    frozen, engineer, supervisor, agent, work_order, vendor, ops_approver, info_approver
):
    application = _three_failures(
        new_order(engineer=engineer, work_order=work_order, vendor=vendor),
        engineer=engineer, supervisor=supervisor, agent=agent,
    )  # fmt: skip
    for actor in (supervisor,):
        application = services.application_submit(
            actor=actor, application=application, lock_version=application.lock_version
        )
    for approver in (ops_approver, info_approver):
        application = services.application_decide(
            actor=approver,
            application=application,
            lock_version=application.lock_version,
            approved=True,
        )
    with pytest.raises(IllegalTransition, match="完整月份"):
        services.application_create(actor=supervisor, vendor=vendor, kind="remove", reason="已整改")
    frozen.move_to(timezone.now() + timedelta(days=40))  # November: October had none
    removal = services.application_create(
        actor=supervisor, vendor=vendor, kind="remove", reason="已整改"
    )
    assert removal.number.startswith("D0705-")
    removal = services.application_submit(
        actor=supervisor, application=removal, lock_version=removal.lock_version
    )
    for approver in (ops_approver, info_approver):
        removal = services.application_decide(
            actor=approver, application=removal, lock_version=removal.lock_version, approved=True
        )
    entry = BlacklistEntry.objects.get()
    assert entry.removed_on is not None and entry.removal_application == removal
    new_order(engineer=engineer, work_order=work_order, vendor=vendor)  # orders again


def test_out_of_warranty_part_needs_two_quotes_the_users_choice_and_approval(
    frozen, engineer, supervisor, end_user, work_order, vendor
):
    from decimal import Decimal

    from cmdb.models import Supplier

    repair = _repair(engineer, work_order, vendor)
    purchase = services.part_purchase_create(actor=engineer, repair=repair, part="主板")
    first = services.part_quote_add(
        actor=engineer, purchase=purchase, supplier=Supplier.objects.create(name="甲公司"),
        part="主板 B360", price=Decimal("680"), lead_days=3,
    )  # fmt: skip
    purchase.refresh_from_db()
    with pytest.raises(ValidationError, match="至少需要 2"):
        services.part_choose(
            actor=end_user, purchase=purchase, lock_version=purchase.lock_version, quote=first
        )
    services.part_quote_add(
        actor=engineer, purchase=purchase, supplier=Supplier.objects.create(name="乙公司"),
        part="主板 B360", price=Decimal("720"), lead_days=1,
    )  # fmt: skip
    purchase.refresh_from_db()
    purchase = services.part_choose(
        actor=end_user, purchase=purchase, lock_version=purchase.lock_version, quote=first
    )
    assert purchase.chosen_by_name == "王芳"
    with pytest.raises(PermissionDenied):
        services.part_approve(actor=engineer, purchase=purchase, lock_version=purchase.lock_version)
    purchase = services.part_approve(
        actor=supervisor, purchase=purchase, lock_version=purchase.lock_version
    )
    purchase = services.part_replace(
        actor=engineer, purchase=purchase, lock_version=purchase.lock_version
    )
    assert purchase.cost == Decimal("680.00") and purchase.status == "replaced"


def test_a_device_already_out_cannot_be_sent_twice(frozen, engineer, work_order, vendor):
    _repair(engineer, work_order, vendor)
    with pytest.raises(ValidationError, match="D0701-"):
        _repair(engineer, work_order, vendor)
    assert RepairOrder.objects.count() == 1


def test_the_user_confirms_the_vendors_result_in_the_portal_under_their_own_name(
    frozen, engineer, supervisor, agent, end_user, make_person, work_order, vendor
):
    from servicedesk.choices import Role

    order = new_order(engineer=engineer, work_order=work_order, vendor=vendor)
    order = services.vendor_order_submit(
        actor=engineer, order=order, lock_version=order.lock_version
    )
    order = services.vendor_order_review(
        actor=supervisor, order=order, lock_version=order.lock_version, decision="approve"
    )
    order = services.vendor_order_send(actor=engineer, order=order, lock_version=order.lock_version)
    order = services.vendor_order_sign(
        actor=agent, order=order, lock_version=order.lock_version, name="厂商刘"
    )
    order = services.vendor_order_record_result(
        actor=agent,
        order=order,
        lock_version=order.lock_version,
        handling="换主板",
        result="已修复",
    )
    stranger = make_person(Role.END_USER, username="stranger")
    with pytest.raises(PermissionDenied):
        services.vendor_order_confirm(
            actor=stranger, order=order, lock_version=order.lock_version, name="x"
        )
    order = services.vendor_order_confirm(
        actor=end_user, order=order, lock_version=order.lock_version, name="别人"
    )
    assert order.status == "confirmed" and order.confirmed_by_name == "王芳"
