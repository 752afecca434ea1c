"""Demo inspections: the last three months' plans, records and reports on the demo estate.

One floor of the office building and the machine-room devices each month; a few failed
items became work orders, a few values seen on site differed from the CMDB (one accepted,
one rejected, one still open in the latest month). Idempotent: skipped once plans exist.
"""

from datetime import datetime, time, timedelta

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from cmdb.choices import CIStatus
from cmdb.models import ConfigurationItem
from servicedesk.models import Location

from . import services
from .models import InspectionApproval, InspectionPlan, InspectionRecord

MONTHS = 3
DEVICES_PER_MONTH = 40  # enough to show the pages; the whole estate would make seeding slow


def _aware(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)), timezone.get_current_timezone())


def seed(*, password: str) -> str:
    from .demo_facilities import seed_backups, seed_facilities

    return "; ".join((_seed_plans(), seed_facilities(), seed_backups()))


def _seed_plans() -> str:
    if InspectionPlan.objects.exists():
        return "inspections exist, skipped"
    users = get_user_model().objects.in_bulk(
        ["engineer", "engineer2", "supervisor", "approver", "approver2"], field_name="username"
    )
    if len(users) < 5:
        return "no demo staff, skipped"
    eng, eng2, sup = users["engineer"], users["engineer2"], users["supervisor"]
    ops, info = users["approver"], users["approver2"]
    floor = (
        ConfigurationItem.objects.filter(status=CIStatus.IN_USE, location__isnull=False)
        .values("location__building", "location__floor")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if floor is None:
        return "no demo items, skipped"
    locations = list(
        Location.objects.filter(
            building_id=floor["location__building"], floor=floor["location__floor"]
        )
    )
    this_month = services.month_start(timezone.localdate())
    periods = []
    month = this_month
    for _ in range(MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
        periods.append(month)
    periods.reverse()
    counts = {"plans": 0, "records": 0, "work_orders": 0, "discrepancies": 0}
    previous = None
    for index, period in enumerate(periods):
        plan = services.plan_create(
            actor=eng,
            period=period,
            title=f"{period:%Y年%m月}例行巡检计划",
            content="输入设备清洁消毒；硬件运行状态；封条；系统补丁；防病毒；重要资料备份；办公软件普查。",
            resources="清洁消毒用品 2 套；备用键鼠 5 套；U 盘 2 个（补丁离线包）。",
            locations=locations,
            engineers=[eng, eng2],
            previous=previous,
        )
        previous = plan
        # Keep the demo small: the first devices of the floor stay in scope.
        plan.devices.exclude(
            pk__in=list(
                plan.devices.order_by("order", "pk").values_list("pk", flat=True)[
                    :DEVICES_PER_MONTH
                ]
            )
        ).delete()
        services.plan_submit(plan=plan, actor=eng, lock_version=plan.lock_version)
        for signer in (sup, ops, info):
            plan.refresh_from_db()
            services.plan_decide(
                plan=plan,
                actor=signer,
                approve=True,
                comment="同意",
                lock_version=plan.lock_version,
            )
        counts["plans"] += 1
        _records(plan, period, index, counts, eng, eng2, sup)
        report = services.report_create(
            plan=plan,
            actor=eng,
            evaluation="本月巡检按计划完成，设备总体运行良好；个别设备键盘污损、补丁滞后，已开工作单处理。",
            suggestions="建议对使用超过六年的台式机列入更新计划；打印机耗材库存偏低，建议补充。",
        )
        last_month = index == len(periods) - 1
        if not last_month:  # the latest month's report still waits for its signatures
            report = services.report_submit(
                report=report, actor=eng, lock_version=report.lock_version
            )
            for signer in (sup, ops, info):
                report.refresh_from_db()
                services.report_decide(
                    report=report,
                    actor=signer,
                    approve=True,
                    comment="同意",
                    lock_version=report.lock_version,
                )
        else:
            report = services.report_submit(
                report=report, actor=eng, lock_version=report.lock_version
            )
        # The signatures belong to the month, not to the day the demo was loaded.
        InspectionApproval.objects.filter(plan=plan).update(
            decided_at=_aware(period - timedelta(days=3), 10)
        )
        InspectionApproval.objects.filter(report=report).update(
            decided_at=_aware(services.next_month(period) + timedelta(days=2), 10)
        )
        InspectionPlan.objects.filter(pk=plan.pk).update(
            submitted_at=_aware(period - timedelta(days=8), 9),
            approved_at=_aware(period - timedelta(days=3), 10),
        )
    return ", ".join(f"{v} {k}" for k, v in counts.items())


def _records(plan, period, index, counts, eng, eng2, sup):
    entries = list(plan.devices.select_related("ci__ci_class", "round").order_by("order", "pk"))
    other_room = Location.objects.exclude(pk__in=[e.ci.location_id for e in entries]).first()
    reached = entries[: len(entries) - 3]  # a few devices not reached each month
    with disable_auditlog():
        for n, entry in enumerate(reached):
            ci = entry.ci
            template = services.checklist_for(ci_class=ci.ci_class)
            lines = [services.LineInput(item_id=i.pk, result="pass") for i in template.items.all()]
            observed = None
            if n == 2:
                lines[0].result, lines[0].note = "fail", "键盘按键污损严重，需更换"
            if n == 5:
                lines[1].result, lines[1].note = "fail", "主机风扇异响"
            if n == 7 and other_room is not None:
                observed = services.Observed(location=other_room)
            if n == 9:
                observed = services.Observed(ip_address=f"10.20.{index}.{n + 100}")
            engineer = eng if n % 2 == 0 else eng2
            record = services.record_save(
                round=entry.round,
                ci=ci,
                actor=engineer,
                lines=lines,
                observed=observed,
                inspected_at=_aware(entry.round.day, 9 + n % 8),
            )
            counts["records"] += 1
            for line in record.lines.filter(result="fail"):
                services.line_raise_work_order(line=line, actor=engineer)
                counts["work_orders"] += 1
            for discrepancy in record.discrepancies.all():
                counts["discrepancies"] += 1
                if index < MONTHS - 1:
                    services.discrepancy_decide(
                        discrepancy=discrepancy,
                        actor=sup,
                        accept=discrepancy.field == "location",
                        note="现场核实"
                        if discrepancy.field == "location"
                        else "临时调试地址，不更新",
                    )
    InspectionRecord.objects.filter(plan=plan).update(created_at=timezone.now())
