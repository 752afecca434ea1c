"""Demo vendor repairs: vendors on the CMDB's suppliers (plus one third-party repair shop),
a third-party send-out with a spare unit lent, an in-warranty repair with a progress
report, a returned repair, and one vendor with three failed verifications this month whose
blacklist application the system drafted and the supervisor submitted (waiting for 运维部
and 信息中心). Idempotent: skipped once any repair or vendor order exists.

Then the asset lifecycle's demo, each part once: the returned repair's warranty extended
on the device, a desktop with repeated faults this year and an old one proposed for
replacement, and four months of spare consumption (the toner below its minimum)."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cmdb.choices import CIStatus
from cmdb.models import ConfigurationItem, ReplacementProposal, Requisition, Stock, Supplier
from cmdb.selectors import warranty_extension_of
from incidents import services as wo_services

from . import services
from .models import BlacklistApplication, RepairOrder, Vendor, VendorOrder

VENDORS = [
    # code, supplier name, mail, repair point, manufacturer?
    ("V001", "联想华北技术服务中心", "service@lenovo.example.com", "海淀区联想服务站", True),
    ("V002", "惠普打印服务商", "repair@hp-print.example.com", "朝阳区惠普授权维修点", True),
    ("V003", "城东电脑维修部", "shop@chengdong.example.com", "东城区城东电脑维修部", False),
    ("V004", "金桥数码维修中心", "fix@jinqiao.example.com", "西城区金桥数码", False),
]


def _vendors() -> dict[str, Vendor]:
    result = {}
    for code, name, email, point, manufacturer in VENDORS:
        supplier, _ = Supplier.objects.get_or_create(name=name)
        result[code], _ = Vendor.objects.get_or_create(
            code=code,
            defaults={"supplier": supplier, "email": email, "repair_point": point,
                      "is_manufacturer": manufacturer},
        )  # fmt: skip
    return result


def _work_order(title, device, requester, agent, engineer):
    order = wo_services.work_order_create(
        actor=requester, requester=requester, title=title, description=title, device=device
    )
    order = wo_services.work_order_assign(work_order=order, actor=agent, assignee=engineer)
    return wo_services.work_order_start(work_order=order, actor=engineer)


def seed(*, password: str) -> str:
    vendors = _vendors()
    return f"{_seed_repairs(vendors)}; {_seed_lifecycle()}"


def _seed_repairs(vendors) -> str:
    if RepairOrder.objects.exists() or VendorOrder.objects.exists():
        return f"repairs exist, skipped; {_department_costs()}"
    result = _seed(vendors)
    return f"{result}; {_department_costs()}"


SPARE_NOTE = "演示：更换硒鼓"


def _department_costs() -> str:
    """Costs the department costs page attributes (idempotent): a vendor's charge on the
    returned repair, and toner cartridges with a unit cost consumed for two work orders."""
    from decimal import Decimal

    from cmdb.models import PartType, Requisition, Stock
    from cmdb.services import spares
    from incidents.models import WorkOrder
    from servicedesk.models import Location

    RepairOrder.objects.filter(returned_at__isnull=False, repair_cost__isnull=True).filter(
        pk__in=RepairOrder.objects.filter(returned_at__isnull=False).order_by("pk").values("pk")[:1]
    ).update(repair_cost=Decimal("350.00"))
    if Requisition.objects.filter(note=SPARE_NOTE).exists():
        return "spare costs exist"
    users = get_user_model().objects.in_bulk(["engineer", "supervisor"], field_name="username")
    location = Location.objects.filter(room="机房").first() or Location.objects.first()
    orders = list(
        WorkOrder.objects.filter(department__isnull=False, resolved_at__isnull=False).order_by(
            "-created_at"
        )[:2]
    )
    if len(users) < 2 or location is None or len(orders) < 2:
        return "no demo people, location or work orders: no spare costs"
    part, _ = PartType.objects.get_or_create(
        name="硒鼓", model="CF226A", defaults={"unit": "个", "unit_cost": Decimal("480.00")}
    )
    stock, _ = Stock.objects.get_or_create(part_type=part, location=location)
    spares.stock_add(actor=users["supervisor"], stock=stock, quantity=6)
    for order, quantity in zip(orders, (1, 2), strict=True):
        requisition = spares.requisition_create(
            actor=users["engineer"], stock=stock, quantity=quantity,
            work_order_number=order.number, note=SPARE_NOTE,
        )  # fmt: skip
        requisition = spares.requisition_approve(requisition=requisition, actor=users["supervisor"])
        requisition = spares.requisition_issue(requisition=requisition, actor=users["supervisor"])
        spares.requisition_consume(requisition=requisition, actor=users["engineer"])
    return "spare parts consumed for 2 work orders"


def _seed(vendors) -> str:
    users = get_user_model().objects.in_bulk(
        ["enduser", "agent", "engineer", "supervisor"], field_name="username"
    )
    if len(users) < 4:
        return f"{len(vendors)} vendors (demo people missing: no repairs)"
    requester, agent, engineer, supervisor = (
        users["enduser"], users["agent"], users["engineer"], users["supervisor"],
    )  # fmt: skip
    devices = list(
        ConfigurationItem.objects.filter(status=CIStatus.IN_USE, ci_class__code="desktop")
        .order_by("asset_tag")[:4]
    )  # fmt: skip
    spare = ConfigurationItem.objects.filter(
        status=CIStatus.SPARE, ci_class__code="desktop"
    ).first()
    if len(devices) < 4:
        return f"{len(vendors)} vendors (no desktops: no repairs)"

    # A third-party repair out now, with a spare unit at the user's desk.
    order = _work_order("电脑主板故障，无法开机", devices[0], requester, agent, engineer)
    repair = services.repair_create(
        actor=engineer, work_order=order, vendor=vendors["V003"], carrier=engineer,
        fault="主板故障，通电无反应", kind="third_party", data_handling="sealed",
        data_record="封条编号 FT-0012", consent_by="王芳", spare=spare,
    )  # fmt: skip
    services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)

    # An in-warranty repair with its first progress report.
    order = _work_order("笔记本屏幕闪烁", devices[1], requester, agent, engineer)
    repair = services.repair_create(
        actor=engineer, work_order=order, vendor=vendors["V001"], carrier=engineer,
        fault="屏幕闪烁，保修期内送厂", kind="in_warranty", data_handling="wiped",
        data_record="硬盘已按保密规定擦除，记录人张伟",
    )  # fmt: skip
    repair = services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)
    services.repair_report_progress(
        actor=agent, repair=repair, text="厂商已检测，等待屏幕配件到货。"
    )

    # A returned repair.
    order = _work_order("打印机进纸故障", devices[2], requester, agent, engineer)
    repair = services.repair_create(
        actor=engineer, work_order=order, vendor=vendors["V002"], carrier=engineer,
        fault="进纸辊磨损", kind="in_warranty", data_handling="kept",
    )  # fmt: skip
    repair = services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)
    services.repair_return(
        actor=engineer, repair=repair, lock_version=repair.lock_version, note="已更换进纸辊"
    )

    # One vendor fails verification three times this month → the drafted blacklist application.
    order = _work_order("电脑频繁蓝屏", devices[3], requester, agent, engineer)
    vendor_order = services.vendor_order_create(
        actor=engineer, work_order=order, vendor=vendors["V004"], product="台式机 启天 M420",
        problem_description="频繁蓝屏，疑似内存或主板故障", problem_type="hardware",
        requirements="5 个工作日内修复并提供检测报告",
    )  # fmt: skip
    step = {"actor": engineer}
    vendor_order = services.vendor_order_submit(
        order=vendor_order, lock_version=vendor_order.lock_version, **step
    )
    vendor_order = services.vendor_order_review(
        actor=supervisor,
        order=vendor_order,
        lock_version=vendor_order.lock_version,
        decision="approve",
    )
    vendor_order = services.vendor_order_send(
        order=vendor_order, lock_version=vendor_order.lock_version, **step
    )
    for reason in ("更换内存后仍蓝屏", "未提供检测报告", "修复后三天内再次蓝屏"):
        vendor_order.refresh_from_db()
        vendor_order = services.vendor_order_sign(
            actor=agent,
            order=vendor_order,
            lock_version=vendor_order.lock_version,
            name="金桥 赵师傅",
        )
        vendor_order = services.vendor_order_record_result(
            actor=agent, order=vendor_order, lock_version=vendor_order.lock_version,
            handling="更换内存条", result="测试通过",
        )  # fmt: skip
        vendor_order = services.vendor_order_confirm(
            actor=agent, order=vendor_order, lock_version=vendor_order.lock_version, name="王芳"
        )
        services.vendor_order_verify(
            actor=engineer, order=vendor_order, lock_version=vendor_order.lock_version,
            passed=False, reason=reason,
        )  # fmt: skip
    application = BlacklistApplication.objects.filter(vendor=vendors["V004"]).first()
    if application is not None:
        services.application_submit(
            actor=supervisor, application=application, lock_version=application.lock_version
        )
    return f"{len(vendors)} vendors, 3 send-outs, 1 vendor order with 3 nonconformances, 1 blacklist application"


# (part name, months back, day, quantity, used or still issued): four months of requisitions.
DEMO_CONSUMPTION = [
    ("硒鼓", 3, 6, 2, "consumed"), ("硒鼓", 2, 12, 3, "consumed"), ("硒鼓", 1, 9, 2, "consumed"),
    ("硒鼓", 0, 3, 1, "issued"), ("内存条", 3, 15, 1, "consumed"), ("内存条", 1, 20, 2, "consumed"),
    ("键盘", 2, 5, 1, "consumed"), ("电源适配器", 0, 2, 1, "consumed"),
]  # fmt: skip


def _months_back(today, months: int, day: int):
    index = today.year * 12 + today.month - 1 - months
    return datetime(index // 12, index % 12 + 1, 1) + timedelta(days=day - 1)


def _seed_lifecycle() -> str:
    from incidents.models import WorkOrder

    users = get_user_model().objects.in_bulk(
        ["enduser", "agent", "engineer", "supervisor"], field_name="username"
    )
    if len(users) < 4:
        return "lifecycle demo skipped (demo people missing)"
    requester, agent, engineer, supervisor = (
        users["enduser"], users["agent"], users["engineer"], users["supervisor"],
    )  # fmt: skip
    today = timezone.localdate()
    done = []
    returned = RepairOrder.objects.filter(status="returned").select_related("device").first()
    if returned is not None and warranty_extension_of(source=returned) is None:
        start = max(today, returned.device.warranty_end or today)
        services.repair_extend_warranty(
            actor=engineer, repair=returned, new_end=start + timedelta(days=90),
            terms="更换部件（进纸辊）保修 90 天，人为损坏除外",
        )  # fmt: skip
        done.append("1 warranty extended")
    faulty = ConfigurationItem.objects.filter(asset_tag="PC-0008").first()
    if faulty is not None and WorkOrder.objects.filter(device=faulty).count() < 3:
        for title in ("电脑频繁死机", "电脑再次死机，风扇异响", "开机黑屏，无法进入系统"):
            _work_order(title, faulty, requester, agent, engineer)
        done.append("3 faults on PC-0008")
    old = ConfigurationItem.objects.filter(asset_tag="PC-0005").first()
    if old is not None and not ReplacementProposal.objects.filter(item=old).exists():
        ReplacementProposal.objects.create(
            item=old, proposed_by=supervisor, note="使用超过 6 年，建议纳入下一批采购"
        )
        done.append("1 replacement proposed")
    numbers = list(WorkOrder.objects.order_by("-created_at").values_list("number", flat=True)[:20])
    stock = {s.part_type.name: s for s in Stock.objects.select_related("part_type")}
    if numbers and stock and not Requisition.objects.exists():
        zone = timezone.get_current_timezone()
        for n, (part, months, day, quantity, status) in enumerate(DEMO_CONSUMPTION):
            if part not in stock:
                continue
            issued = timezone.make_aware(
                datetime.combine(_months_back(today, months, day).date(), time(10)), zone
            )
            issued = min(issued, timezone.now())
            requisition = Requisition(
                stock=stock[part], quantity=quantity, work_order_number=numbers[n % len(numbers)],
                status=status, requested_by=engineer, approved_by=supervisor,
                approved_at=issued, issued_at=issued,
                closed_at=issued if status == "consumed" else None,
            )  # fmt: skip
            requisition.save()
            Requisition.objects.filter(pk=requisition.pk).update(created_at=issued)
        done.append(f"{len(DEMO_CONSUMPTION)} spare requisitions over four months")
    return ", ".join(done) or "lifecycle demo already loaded"
