"""Demo: service type and response mode on the demo's work orders, and service records
(运行服务单) of recent on-site visits in every review state.

Called from `incidents.demo.seed`; idempotent on its own (each step skips once its data
exists), so a demo seeded before these fields gets them on the next `seed_demo`. Its own
random generator: the work orders' history (and the reports' known figures) stay as
they were.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..choices import ConfirmationMethod, ResponseMode, ServiceRecordStatus, ServiceType, Status
from ..models import ServiceRecord, WorkOrder

# Orders received before this (days ago) stay "not recorded", as on a real system where
# the fields arrived later.
RECORDED_SINCE = timedelta(days=120)
VISITS_SINCE = timedelta(days=30)
WORK_DONE = [
    "现场检查并更换硒鼓，打印测试页正常。",
    "清理内存条金手指，重新插拔后开机正常。",
    "更换网线，交换机端口指示灯正常。",
    "重装打印机驱动，用户试打印正常。",
    "更换电源，检查封条完好。",
]
RETURN_REASONS = ["未写明更换的配件型号。", "离场时间与工单记录不符，请核对。"]


def seed() -> str:
    rng = random.Random(18)  # noqa: S311 (the same demo every time, not secrets)
    typed = _delivery(rng)
    visits = _visits(rng)
    return f"{typed} work orders typed, {visits} service records"


def _delivery(rng) -> int:
    """Type and mode of the demo orders of the last months (not yet recorded ones)."""
    since = timezone.now() - RECORDED_SINCE
    if WorkOrder.objects.exclude(service_type="", response_mode="").exists():
        return 0
    orders = list(
        WorkOrder.objects.filter(created_at__gte=since)
        .exclude(status=Status.NEW)
        .exclude(status=Status.CANCELLED)
        .only("pk", "first_contact_resolution", "assigned_at")
    )
    for order in orders:
        if order.first_contact_resolution:
            order.service_type = ""
            order.response_mode = rng.choice([ResponseMode.HOTLINE, ResponseMode.REMOTE])
            continue
        order.service_type = rng.choices(
            [ServiceType.ON_SITE, ServiceType.TAKE_IN, ServiceType.SPECIAL], weights=[75, 15, 10]
        )[0]
        order.response_mode = rng.choices(
            [ResponseMode.ON_SITE, ResponseMode.REMOTE, ResponseMode.HOTLINE], weights=[70, 20, 10]
        )[0]
        order.vehicle_needed = order.service_type == ServiceType.TAKE_IN and rng.random() < 0.5
    WorkOrder.objects.bulk_update(
        orders, ["service_type", "response_mode", "vehicle_needed"], batch_size=500
    )
    return len(orders)


@transaction.atomic
def _visits(rng) -> int:
    """One record per recent on-site order: accepted when closed (the review came before
    the callback), otherwise awaiting review (confirmed or not) or returned."""
    if ServiceRecord.objects.exists():
        return 0
    since = timezone.now() - VISITS_SINCE
    orders = list(
        WorkOrder.objects.filter(
            created_at__gte=since,
            response_mode=ResponseMode.ON_SITE,
            accepted_at__isnull=False,
            assignee__isnull=False,
        )
        .exclude(status=Status.CANCELLED)
        .select_related("assignee", "requester")
        .order_by("created_at")
    )
    pending = [ServiceRecordStatus.SUBMITTED, ServiceRecordStatus.RETURNED]
    desk = get_user_model().objects.filter(username="agent").first()
    for index, order in enumerate(orders):
        arrived = order.accepted_at + timedelta(minutes=rng.randint(5, 25))
        left = arrived + timedelta(minutes=rng.randint(15, 90))
        if order.resolved_at and left > order.resolved_at:
            arrived, left = order.resolved_at - (left - arrived), order.resolved_at
        record = ServiceRecord(
            work_order=order,
            engineer=order.assignee,
            arrived_at=arrived,
            left_at=left,
            work_done=rng.choice(WORK_DONE),
            parts_used="网线 2 米" if rng.random() < 0.2 else "",
        )
        closed = order.status == Status.CLOSED
        # Open or resolved orders show every state in turn: waiting, confirmed, returned.
        state = ServiceRecordStatus.ACCEPTED if closed else pending[index % 2]
        if closed or index % 3:
            record.confirmed_at = left + timedelta(minutes=1)
            record.confirmed_by = order.assignee if index % 2 else order.requester
            record.confirmation_method = (
                ConfirmationMethod.PAPER if index % 2 else ConfirmationMethod.PORTAL
            )
        record.status = state
        if state != ServiceRecordStatus.SUBMITTED:
            record.reviewed_at, record.reviewed_by = left + timedelta(minutes=30), desk
        if state == ServiceRecordStatus.RETURNED:
            record.return_reason = rng.choice(RETURN_REASONS)
        record.save()
        ServiceRecord.objects.filter(pk=record.pk).update(created_at=left)
    return len(orders)
