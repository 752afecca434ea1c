"""Demo facility checks and backups: the office building's lightning protection checked
through the last year on its seasonal schedule (one check over the 4 Ω limit), and backup
plans of the key departments with a year of runs, restore tests and one overdue plan.
Idempotent: each part skipped once its rows exist."""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from servicedesk.models import Building, Department

from . import services
from .choices import BackupMethod, FacilityKind, ItemResult, RunResult
from .models import BackupPlan, Facility, FacilitySchedule


def _months_back(today: date, n: int) -> date:
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 10)


def seed_facilities() -> str:
    if Facility.objects.exists():
        return "facilities exist, skipped"
    engineer = get_user_model().objects.filter(username="engineer").first()
    if engineer is None:
        return "no demo staff, facilities skipped"
    schedule = FacilitySchedule.objects.filter(season_start_month=4, season_end_month=8).first()
    if schedule is None:
        schedule = FacilitySchedule.objects.create(
            name="防雷测试 Lightning protection test",
            season_start_month=4,
            season_end_month=8,
            every_in_season=1,
            every_off_season=4,
        )
    ups_schedule, _ = FacilitySchedule.objects.get_or_create(
        name="UPS 季度检查 Quarterly UPS check", defaults={"every_off_season": 3}
    )
    building = Building.objects.order_by("pk").first()
    grid = Facility.objects.create(
        name=f"{building.name if building else '办公楼'} 防雷接地网",
        kind=FacilityKind.LIGHTNING,
        building=building,
        place="楼顶避雷针及地下接地网",
        schedule=schedule,
        responsible=engineer,
        next_due_on=date(2000, 1, 31),  # set by the first check below
    )
    Facility.objects.create(
        name="机房 UPS",
        kind=FacilityKind.UPS,
        building=building,
        place="三楼机房",
        schedule=ups_schedule,
        responsible=engineer,
    )
    template = services.facility_checklist(kind=FacilityKind.LIGHTNING)
    items = list(template.items.all())
    today = timezone.localdate()
    due = set(schedule.due_months)
    made = 0
    for back in range(12, 0, -1):
        day = _months_back(today, back)
        if day.month not in due:
            continue
        # One summer reading over the limit: the check fails and says so.
        ohms = "4.6" if day.month == 6 else f"{Decimal('2.8') + Decimal(back % 3) / 10}"
        lines = [
            services.FacilityLine(item_id=item.pk, value=ohms)
            if item.is_measured
            else services.FacilityLine(
                item_id=item.pk,
                result=ItemResult.PASS,
            )
            for item in items
        ]
        services.facility_check_record(
            facility=grid, actor=engineer, lines=lines, checked_on=day, note=""
        )
        made += 1
    return f"{made} facility checks"


PLANS = [
    ("办公室", "公文系统数据库", BackupMethod.NETWORK, 1, 30, "备份服务器 /backup/oa"),
    ("财务处", "财务软件账套", BackupMethod.STORAGE, 7, 365, "存储阵列 卷 FIN"),
    ("信息中心", "登记系统服务器", BackupMethod.IMAGE_CLONE, 30, 180, "母盘库 柜 A-02"),
]


def seed_backups() -> str:
    if BackupPlan.objects.exists():
        return "backup plans exist, skipped"
    users = get_user_model().objects.in_bulk(["engineer", "engineer2"], field_name="username")
    if len(users) < 2:
        return "no demo staff, backups skipped"
    today = timezone.localdate()
    made = 0
    for n, (dept_name, system, method, every, keep, where) in enumerate(PLANS):
        department = Department.objects.filter(name=dept_name).first() or (
            Department.objects.order_by("pk")[n : n + 1].first()
        )
        if department is None:
            continue
        engineer = users["engineer"] if n % 2 == 0 else users["engineer2"]
        plan = BackupPlan.objects.create(
            department=department,
            system=system,
            method=method,
            every_days=every,
            retention_days=keep,
            location=where,
            responsible=engineer,
        )
        # The image clone plan stopped two months ago: the overdue list shows it.
        last = today - timedelta(days=60 if method == BackupMethod.IMAGE_CLONE else 1)
        day = last - timedelta(days=every * 6)
        while day <= last:
            failed = day == last - timedelta(days=every * 3)
            services.backup_record(
                plan=plan,
                actor=engineer,
                performed_on=day,
                result=RunResult.FAILED if failed else RunResult.OK,
                size_gb=Decimal("12.50") + n,
                note="磁带机报错，次日重做" if failed else "",
            )
            made += 1
            day += timedelta(days=every)
        services.restore_test_record(
            plan=plan, actor=engineer, tested_on=last - timedelta(days=every), result=RunResult.OK
        )
    return f"{made} backup records"
