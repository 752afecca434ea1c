"""Demo problems: a known error on the printer that keeps jamming (with its fishbone and
workaround), one under investigation and a new one. Idempotent: skipped once any exist."""

from django.contrib.auth import get_user_model
from django.db.models import Count

from incidents.models import WorkOrder
from servicedesk.models import Category

from . import services
from .choices import FishboneCategory
from .models import Problem

FISHBONE = [
    (FishboneCategory.PEOPLE, "用户取纸时强拉纸张"),
    (FishboneCategory.MACHINE, "定影组件老化，搓纸轮磨损"),
    (FishboneCategory.MATERIAL, "使用了 70g 以下的再生纸"),
    (FishboneCategory.METHOD, "未按季度做清洁保养"),
    (FishboneCategory.ENVIRONMENT, "复印间湿度高，纸张受潮"),
    (FishboneCategory.MEASUREMENT, "卡纸次数未统计，无法预警"),
]


def seed(*, password: str) -> str:
    if Problem.objects.exists():
        return "problems exist, skipped"
    users = get_user_model().objects.in_bulk(["supervisor", "engineer"], field_name="username")
    supervisor, engineer = users.get("supervisor"), users.get("engineer")
    if supervisor is None or engineer is None:
        return "no demo supervisor or engineer, skipped"
    # The problem's work orders are the ones it is about: paper jams on the printer that
    # jammed most, not whatever that printer's latest orders were (toner, drivers…).
    jam = Category.objects.filter(name="卡纸", parent__name="打印机").first()
    jams = WorkOrder.objects.filter(device__isnull=False, device__ci_class__code="printer")
    jams = jams.filter(category=jam) if jam else jams.filter(title__contains="卡纸")
    busiest = jams.values("device").annotate(n=Count("id")).order_by("-n", "device").first()
    created = 0
    if busiest is not None:
        orders = list(
            jams.filter(device_id=busiest["device"])
            .select_related("device", "category")
            .order_by("-created_at")[:3]
        )
        device = orders[0].device
        problem = services.problem_create(
            actor=supervisor,
            title=f"{device.name}频繁卡纸",
            description="同一台打印机一个月内多次报卡纸，更换纸张后仍复发。",
            category=jam or orders[0].category,
            device=device,
            work_orders=orders[:2],
        )
        services.problem_investigate(problem=problem, actor=engineer)
        for category, text in FISHBONE:
            services.fishbone_cause_add(
                problem=problem, actor=engineer, category=category, text=text
            )
        services.problem_record_root_cause(
            problem=problem,
            actor=engineer,
            root_cause="定影组件老化导致出纸受阻；复印间潮湿加剧卡纸。",
        )
        services.problem_publish_workaround(
            problem=problem,
            actor=supervisor,
            workaround="打开后盖，按箭头方向取出卡纸；改用 80g 干燥纸张；等待定影组件更换变更。",
        )
        created += 1
    # A recurring fault without a device: the commonest fault type's own orders, so the
    # problem's title and its work orders name the same fault.
    commonest = (
        WorkOrder.objects.filter(category__isnull=False, device__isnull=True)
        .exclude(category=jam)
        .values("category")
        .annotate(n=Count("id"))
        .order_by("-n", "category")
        .first()
    )
    if commonest is not None:
        category = Category.objects.select_related("parent").get(pk=commonest["category"])
        category_orders = list(
            WorkOrder.objects.filter(category=category, device__isnull=True).order_by(
                "-created_at"
            )[:3]
        )
        system = category.parent.name if category.parent_id else ""
        problem = services.problem_create(
            actor=supervisor,
            title=f"{system}{category.name}问题反复出现",
            description="多个部门近期报告同类故障，需查明共性原因。",
            category=category,
            work_orders=category_orders,
        )
        services.problem_investigate(problem=problem, actor=engineer)
        created += 1
    services.problem_create(
        actor=supervisor,
        title="部分电脑开机后网络驱动器映射丢失",
        description="财务处、人事处各有用户反映，重启后恢复。",
    )
    created += 1
    return f"{created} problems created"
