import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from cmdb.choices import CIStatus, RequisitionStatus
from cmdb.models import PartType, Requisition, SpareUnitLoan, Stock
from cmdb.services.spares import (
    requisition_approve,
    requisition_consume,
    requisition_create,
    requisition_issue,
    requisition_reject,
    requisition_return,
    spare_lend,
    spare_return,
    stock_add,
    stock_take,
)
from itsm.models import TransitionLog
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def stock(location):
    part = PartType.objects.create(name="内存条", model="8G DDR4", unit="条")
    return Stock.objects.create(part_type=part, location=location, quantity=3, minimum_level=2)


@pytest.fixture
def work_order(agent, end_user):
    from incidents.services import work_order_create

    return work_order_create(actor=agent, requester=end_user, title="电脑蓝屏")


def _approved(engineer, supervisor, stock, work_order, quantity=1):
    requisition = requisition_create(
        actor=engineer, stock=stock, quantity=quantity, work_order_number=work_order.number
    )
    return requisition_approve(requisition=requisition, actor=supervisor)


def test_requisition_flow_request_approve_issue_return(engineer, supervisor, stock, work_order):
    requisition = requisition_create(
        actor=engineer, stock=stock, quantity=2, work_order_number=f" {work_order.number} "
    )
    assert requisition.number.startswith("D0601-")
    assert requisition.status == RequisitionStatus.REQUESTED
    with pytest.raises(PermissionDenied):
        requisition_approve(requisition=requisition, actor=engineer)
    requisition = requisition_approve(requisition=requisition, actor=supervisor)
    assert requisition.approved_by == supervisor
    requisition = requisition_issue(requisition=requisition, actor=engineer)
    stock.refresh_from_db()
    assert stock.quantity == 1
    requisition = requisition_return(requisition=requisition, actor=engineer)
    stock.refresh_from_db()
    assert requisition.status == RequisitionStatus.RETURNED and stock.quantity == 3
    assert list(
        TransitionLog.objects.filter(object_id=str(requisition.pk))
        .order_by("at", "pk")
        .values_list("transition", flat=True)
    ) == ["request", "approve", "issue", "return_to_stock"]
    with pytest.raises(ValidationError):
        requisition_consume(requisition=requisition, actor=engineer)


def test_requisition_needs_an_existing_work_order(engineer, stock):
    with pytest.raises(ValidationError) as info:
        requisition_create(actor=engineer, stock=stock, quantity=1, work_order_number="D0201-NOPE")
    assert "work_order_number" in info.value.message_dict


def test_rejected_requisition_cannot_be_issued(engineer, supervisor, stock, work_order):
    requisition = requisition_create(
        actor=engineer, stock=stock, quantity=1, work_order_number=work_order.number
    )
    requisition_reject(requisition=requisition, actor=supervisor)
    with pytest.raises(ValidationError):
        requisition_issue(requisition=requisition, actor=engineer)
    stock.refresh_from_db()
    assert stock.quantity == 3


def test_stock_never_goes_below_zero(engineer, supervisor, stock, work_order):
    big = _approved(engineer, supervisor, stock, work_order, quantity=4)
    with pytest.raises(ValidationError, match="3"):
        requisition_issue(requisition=big, actor=engineer)
    big.refresh_from_db()
    stock.refresh_from_db()
    assert big.status == RequisitionStatus.APPROVED, "the refused issue left no trace"
    assert stock.quantity == 3
    stock_take(actor=supervisor, stock=stock, quantity=3)
    with pytest.raises(ValidationError):
        stock_take(actor=supervisor, stock=stock, quantity=1)
    stock.refresh_from_db()
    assert stock.quantity == 0


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_take_stock_below_zero(stock, supervisor):
    errors = []

    def take():
        try:
            stock_take(actor=supervisor, stock=Stock.objects.get(pk=stock.pk), quantity=2)
        except ValidationError as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stock.refresh_from_db()
    assert stock.quantity == 1 and len(errors) == 3


def test_low_stock_alert_goes_out_once_until_restocked(engineer, supervisor, stock, work_order):
    stock_take(actor=supervisor, stock=stock, quantity=2)  # 1 left, minimum 2: low
    assert (
        Notification.objects.filter(
            recipient=supervisor, subject__contains=str(stock.part_type)
        ).count()
        == 1
    )
    stock_take(actor=supervisor, stock=stock, quantity=1)  # still low: no second alert
    assert (
        Notification.objects.filter(
            recipient=supervisor, subject__contains=str(stock.part_type)
        ).count()
        == 1
    )
    stock_add(actor=supervisor, stock=stock, quantity=5)
    stock.refresh_from_db()
    assert stock.low_alerted_at is None
    stock_take(actor=supervisor, stock=stock, quantity=4)  # low again: a new shortage, a new alert
    assert (
        Notification.objects.filter(
            recipient=supervisor, subject__contains=str(stock.part_type)
        ).count()
        == 2
    )


def test_spare_unit_loan_and_return_restore_the_spare(
    engineer, make_ci, make_person, department, location
):
    from cmdb.selectors import ci_timeline

    spare = make_ci(asset_tag="PC-SPARE", status=CIStatus.SPARE)
    borrower = make_person(name="借用人")
    broken = make_ci(asset_tag="PC-BROKEN", status=CIStatus.IN_REPAIR, responsible=borrower)
    loan = spare_lend(actor=engineer, spare=spare, borrower=borrower, device_in_repair=broken)
    spare.refresh_from_db()
    assert spare.status == CIStatus.IN_USE and spare.responsible == borrower
    assert spare.location == location and spare.department == department
    with pytest.raises(ValidationError):
        spare_lend(actor=engineer, spare=spare, borrower=borrower)
    spare_return(loan=loan, actor=engineer)
    spare.refresh_from_db()
    assert spare.status == CIStatus.SPARE and spare.responsible is None and spare.location is None
    with pytest.raises(ValidationError):
        spare_return(loan=loan, actor=engineer)
    assert len(ci_timeline(ci=spare)) == 3


def test_spare_pages(client, engineer, supervisor, stock, work_order, make_ci, make_person):
    client.force_login(engineer)
    response = client.post(
        reverse("cmdb:requisition_list"),
        {"stock": stock.pk, "quantity": 1, "work_order_number": work_order.number},
    )
    requisition = Requisition.objects.get()
    assert response.status_code == 302 and response["Location"] == requisition.get_absolute_url()
    response = client.post(
        reverse("cmdb:requisition_list"),
        {"stock": stock.pk, "quantity": 1, "work_order_number": "NOPE"},
    )
    assert "No work order NOPE." in response.content.decode()
    assert (
        client.post(
            reverse("cmdb:requisition_transition", args=[requisition.pk, "approve"])
        ).status_code
        == 403
    )
    client.force_login(supervisor)
    client.post(reverse("cmdb:requisition_transition", args=[requisition.pk, "approve"]))
    client.post(reverse("cmdb:requisition_transition", args=[requisition.pk, "issue"]))
    requisition.refresh_from_db()
    assert requisition.status == RequisitionStatus.ISSUED
    page = client.get(requisition.get_absolute_url()).content.decode()
    assert requisition.number in page
    assert "内存条" in client.get(reverse("cmdb:spare_stock")).content.decode()

    spare = make_ci(status=CIStatus.SPARE)
    borrower = make_person()
    client.post(reverse("cmdb:loan_list"), {"spare": spare.pk, "borrower": borrower.username})
    loan = SpareUnitLoan.objects.get()
    client.post(reverse("cmdb:loan_return", args=[loan.pk]))
    loan.refresh_from_db()
    assert loan.returned_at is not None


def test_spare_parts_api(client, engineer, stock, work_order):
    client.force_login(engineer)
    assert client.get("/api/spare-parts/").json()["count"] == 1
    response = client.post(
        "/api/spare-requisitions/",
        {"stock": stock.pk, "quantity": 1, "work_order_number": work_order.number},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("D0601-")
    response = client.post(
        "/api/spare-requisitions/",
        {"stock": stock.pk, "quantity": 1, "work_order_number": "NOPE"},
        content_type="application/json",
    )
    assert response.status_code == 400
