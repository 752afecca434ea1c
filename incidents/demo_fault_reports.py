"""Demo fault reports: the handlers wrote up some of the demo history's major system and
network faults; the rest stay listed as missing on the fault log. Idempotent."""

from datetime import timedelta

from .fault_log import DONE_STATUSES, MAJOR_Q, SYSTEM_FAULT_Q
from .models import FaultReport, WorkOrder

WRITTEN = 3


def seed_fault_reports() -> str:
    if FaultReport.objects.exists():
        return "fault reports exist, skipped"
    majors = (
        WorkOrder.objects.filter(SYSTEM_FAULT_Q, MAJOR_Q, status__in=DONE_STATUSES)
        .exclude(assignee__isnull=True)
        .exclude(resolved_at__isnull=True)
        .order_by("-resolved_at")[:WRITTEN]
    )
    made = 0
    for order in majors:
        FaultReport.objects.create(
            work_order=order,
            started_at=order.created_at,
            ended_at=max(order.resolved_at, order.created_at + timedelta(minutes=1)),
            cause="核心交换机电源模块故障，备用电源未自动切换",
            impact="三楼、四楼共 60 个用户无法访问登记系统和内网",
            actions="更换电源模块，手工切换备用电源，逐层确认网络恢复",
            prevention="电源模块纳入季度巡检；配置双电源自动切换并演练",
            written_by=order.assignee,
        )
        made += 1
    return f"{made} fault reports"
