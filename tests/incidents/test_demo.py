"""The demo's work orders: months of realistic history, fast, once, with numbers that carry on."""

import time

import pytest
from django.db.models import Count

from incidents import demo, services
from incidents.choices import OPEN_STATUSES, Status
from incidents.models import Callback, WorkOrder, WorkOrderEvent
from servicedesk import demo as servicedesk_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    servicedesk_demo.seed(password="Demo@2026")
    started = time.perf_counter()
    summary = demo.seed(password="Demo@2026")
    return summary, time.perf_counter() - started


def test_demo_creates_months_of_work_orders_in_every_state(seeded):
    summary, _seconds = seeded
    assert "created" in summary
    count = WorkOrder.objects.count()
    assert 900 <= count <= 2200  # thirteen months of history (the reports show twelve)
    statuses = dict(WorkOrder.objects.values_list("status").annotate(n=Count("pk")))
    assert statuses[Status.CLOSED] > count / 2
    for status in OPEN_STATUSES:
        assert statuses.get(status, 0) > 0, status
    assert WorkOrder.objects.filter(resolution_breached=True).exists()
    assert WorkOrder.objects.filter(category__isnull=True).count() == 0
    assert WorkOrder.objects.filter(number__startswith="D0201-").count() == count


def test_demo_history_is_consistent(seeded):
    # The previous system's records come in as they were (no callbacks, clocks or
    # timeline: incidents.history_import); the portal's own history is checked here.
    live = WorkOrder.objects.filter(imported_at__isnull=True)
    assert WorkOrder.objects.filter(imported_at__isnull=False).count() == 4
    closed = live.filter(status=Status.CLOSED)
    assert not closed.filter(closed_at__isnull=True).exists()
    assert Callback.objects.filter(work_order__in=closed).count() == closed.count()
    # The demo's satisfaction comes from the call-backs (kept apart from user ratings).
    ratings = list(
        closed.exclude(callback_satisfaction=None).values_list("callback_satisfaction", flat=True)
    )
    assert sum(r >= 4 for r in ratings) / len(ratings) > 0.85
    oldest = WorkOrder.objects.order_by("created_at").first()
    newest = WorkOrder.objects.order_by("-created_at").first()
    assert (newest.created_at - oldest.created_at).days > 60
    assert WorkOrderEvent.objects.filter(kind="created").count() == live.count()
    for order in live.exclude(status=Status.ON_HOLD)[:50]:
        assert order.response_due_at and order.resolve_due_at
        events = list(order.events.all())
        assert events[0].kind == "created" and events[0].at == order.created_at
        assert [e.at for e in events] == sorted(e.at for e in events)


def test_demo_runs_once(seeded):
    # Its time is printed by `make run`'s seeding, not asserted: no timed tests.
    _summary, _seconds = seeded
    count = WorkOrder.objects.count()
    assert "skipped" in demo.seed(password="Demo@2026")
    assert WorkOrder.objects.count() == count


def test_numbers_allocated_after_the_demo_do_not_collide(seeded):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="enduser")
    order = services.work_order_create(actor=user, requester=user, title="新报障")
    assert WorkOrder.objects.filter(number=order.number).count() == 1


# The CMDB classes a system type's faults may be on (None: on no device).
FAULT_DEVICES = {
    "台式机": {"desktop"},
    "Windows": {"desktop"},
    "办公软件": {"desktop"},
    "笔记本": {"laptop"},
    "打印机": {"printer"},
    "网络设备": {"network"},
    "服务器": {"server"},
    "Linux": {"server"},
    "数据库": {"server"},
    "登记系统": {"application"},
    "电子邮件": {"application"},
}


def test_demo_faults_are_on_the_kind_of_device_they_name():
    from cmdb import demo as cmdb_demo

    servicedesk_demo.seed(password="Demo@2026")
    cmdb_demo.seed(password="Demo@2026")
    demo.seed(password="Demo@2026")

    orders = WorkOrder.objects.select_related(
        "category__parent", "device__ci_class", "device__location", "requester__person__location"
    )
    on_device = 0
    for order in orders:
        system = order.category.parent.name
        if order.device is None:
            continue
        on_device += 1
        assert order.device.ci_class.code in FAULT_DEVICES.get(system, set()), (
            system,
            order.device,
        )
        if order.device.ci_class.code in ("desktop", "laptop"):
            assert order.device.responsible_id == order.requester_id
        if order.device.ci_class.code == "printer":
            person = order.requester.person
            assert order.device.responsible_id == order.requester_id or (
                order.device.location.floor == person.location.floor
            )
        if system == "数据库":
            assert "数据库" in order.device.name
    assert on_device > orders.count() / 3  # most faults name their device
    printers = orders.filter(category__parent__name="打印机")
    assert printers.filter(device__isnull=False).count() > printers.count() / 2


def test_demo_types_recent_orders_and_has_service_records_in_every_review_state(seeded):
    from incidents.models import ServiceRecord

    typed = WorkOrder.objects.exclude(service_type="")
    assert typed.filter(service_type="on_site").exists()
    assert typed.filter(service_type="take_in").exists()
    assert WorkOrder.objects.filter(service_type="", response_mode="").exists()  # older ones
    states = set(ServiceRecord.objects.values_list("status", flat=True))
    assert states == {"submitted", "accepted", "returned"}
    assert all(r.number == f"D0302-{r.work_order.number}" for r in ServiceRecord.objects.all())
    # The desk accepted every record of a closed order before its callback.
    closed = ServiceRecord.objects.filter(work_order__status=Status.CLOSED)
    assert not closed.exclude(status="accepted").exists()
    assert "skipped" in demo.seed(password="Demo@2026")
