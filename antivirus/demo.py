"""Demo antivirus data on the demo estate: endpoints with a realistic mix (most current,
a few without antivirus, some behind or silent), segments per floor, three months of
virus events with one outbreak, weekly evaluations and coverage history.

Idempotent: runs once (a demo import marks it), later calls only report.
"""

import hashlib
import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from servicedesk.models import Department, Location, Person

from . import checks
from .choices import EventResult, ImportKind, ImportStatus
from .importing import fingerprint
from .models import (
    ConsoleImport,
    CoverageSnapshot,
    DepartmentHead,
    Endpoint,
    EndpointSnapshot,
    NetworkSegment,
    VirusEvent,
    WeeklyEvaluation,
)

MARK = "demo-console-endpoints.csv"
THREATS = [
    ("TROJ_GEN.R002C0", 20),
    ("PUA.Win32.Adware.Agent", 18),
    ("HKTL_KEYGEN", 15),
    ("Trojan.Win32.Autorun", 15),
    ("Virus.Win32.Ramnit", 8),
    ("Ransom.Win32.WANNACRY.A", 4),
]
RESULTS = [
    (EventResult.CLEANED, "已清除", 50),
    (EventResult.QUARANTINED, "已隔离", 30),
    (EventResult.DELETED, "已删除", 12),
    (EventResult.BLOCKED, "已阻止", 5),
    (EventResult.FAILED, "清除失败", 3),
]


def seed(*, password: str) -> str:
    if ConsoleImport.objects.filter(file_name=MARK).exists():
        return "already seeded"
    User = get_user_model()  # noqa: N806
    actor = (
        User.objects.filter(groups__name="engineer").order_by("pk").first()
        or User.objects.filter(is_superuser=True).first()
    )
    if actor is None:
        return "no engineer to act as; skipped"
    now = timezone.now()
    today = timezone.localdate()

    _segments()
    _heads()
    checks.endpoint_sync()

    status_import = ConsoleImport(
        kind=ImportKind.STATUS,
        file_name=MARK,
        sha256=hashlib.sha256(MARK.encode()).hexdigest(),
        status=ImportStatus.DONE,
        encoding="utf-8",
        created_by=actor,
        finished_at=now,
        progress=100,
    )
    status_import.file.save(MARK, ContentFile(b"Endpoint,IP Address\n"), save=False)
    status_import.save()

    newest = today - timedelta(days=1)
    changed, snapshots = [], []
    endpoints = (
        Endpoint.objects.filter(ci__isnull=False)
        .select_related("ci__ci_class")
        .order_by("ci__asset_tag")
    )
    for n, endpoint in enumerate(endpoints, start=1):
        if n % 37 == 0:
            continue  # no antivirus: the coverage page and daily check list these
        server = endpoint.ci.ci_class.code == "server"
        trend = not server and n % 7 != 0
        endpoint.installed = True
        endpoint.product = "Trend Micro Apex One" if trend else "360天擎"
        endpoint.product_version = "14.0.12345" if trend else "6.3.0.2000"
        endpoint.engine_version = (
            ("23.600.1002" if n % 29 else "22.500.1001") if trend else "3.0.0.5500"
        )
        behind = 10 if n % 23 == 0 else n % 2
        endpoint.signature_date = newest - timedelta(days=behind)
        endpoint.signature_version = endpoint.signature_date.strftime("%Y.%m.%d.1")
        endpoint.console = "OSCE-SRV01" if trend else "天擎控制中心"
        silent = n % 41 == 0
        endpoint.last_seen = now - timedelta(days=12 if silent else 0, hours=n % 9)
        endpoint.last_import = status_import
        changed.append(endpoint)
        snapshots.append(
            EndpointSnapshot(
                endpoint=endpoint,
                console_import=status_import,
                taken_on=today,
                **{
                    f: getattr(endpoint, f)
                    for f in (
                        "installed",
                        "product",
                        "product_version",
                        "engine_version",
                        "signature_version",
                        "signature_date",
                        "console",
                        "last_seen",
                    )
                },
            )
        )
    Endpoint.objects.bulk_update(
        changed,
        [
            "installed",
            "product",
            "product_version",
            "engine_version",
            "signature_version",
            "signature_date",
            "console",
            "last_seen",
            "last_import",
        ],
        batch_size=500,
    )
    EndpointSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    checks.endpoint_states_refresh()

    events = _events(actor, endpoints=list(endpoints.filter(installed=True)), now=now)
    checks.outbreaks_detect(since=now - timedelta(days=95))
    _coverage_history(today)
    _evaluations(actor, today)
    return f"{len(changed)} endpoints reporting, {events} virus events"


def _segments():
    building_locations = {loc.floor: loc for loc in Location.objects.filter(room__regex=r"^\d+01$")}
    for floor in range(1, 9):
        NetworkSegment.objects.get_or_create(
            cidr=f"10.1.{floor}.0/24",
            defaults={"name": f"{floor} 楼办公网", "location": building_locations.get(str(floor))},
        )
    NetworkSegment.objects.get_or_create(
        cidr="10.0.0.0/24",
        defaults={
            "name": "机房服务器",
            "department": Department.objects.filter(code="infocentre").first(),
        },
    )


def _heads():
    for department in Department.objects.all():
        person = (
            Person.objects.filter(department=department, user__is_active=True)
            .order_by("user__username")
            .first()
        )
        if person is not None:
            DepartmentHead.objects.get_or_create(
                department=department, defaults={"head": person.user}
            )


def _events(actor, *, endpoints, now) -> int:
    record = ConsoleImport(
        kind=ImportKind.EVENTS,
        file_name="demo-console-virus-events.csv",
        sha256=hashlib.sha256(b"demo-events").hexdigest(),
        status=ImportStatus.DONE,
        encoding="utf-8",
        created_by=actor,
        finished_at=now,
        progress=100,
    )
    record.file.save(record.file_name, ContentFile(b"Generated,Endpoint\n"), save=False)
    record.save()
    rows = []
    start = timezone.localtime(now) - timedelta(days=90)
    rng = random.Random(12)  # noqa: S311 (demo data, the same on every machine)
    threats = [t for t, _w in THREATS]
    threat_weights = [w for _t, w in THREATS]
    results = [(r, text) for r, text, _w in RESULTS]
    result_weights = [w for *_rest, w in RESULTS]
    # One or two detections a day, spread over hosts and threats: a normal quarter.
    for n in range(150):
        endpoint = rng.choice(endpoints)
        day = start + timedelta(minutes=rng.randrange(90 * 24 * 60))
        threat = rng.choices(threats, threat_weights)[0]
        result, text = rng.choices(results, result_weights)[0]
        rows.append(_event(record, endpoint, day, threat, result, text, n))
    # An outbreak three weeks ago: the same worm on nine desktops within six hours.
    outbreak_at = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=21), time(9))
    )
    for k in range(9):
        endpoint = endpoints[(k * 17 + 5) % len(endpoints)]
        rows.append(
            _event(
                record,
                endpoint,
                outbreak_at + timedelta(minutes=37 * k),
                "WORM_DOWNAD.AD",
                EventResult.QUARANTINED,
                "已隔离",
                10_000 + k,
            )
        )
    VirusEvent.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    count = VirusEvent.objects.filter(console_import=record).count()
    ConsoleImport.objects.filter(pk=record.pk).update(rows_total=len(rows), added=count)
    return count


def _event(record, endpoint, at, threat, result, text, n):
    ci = endpoint.ci
    values = {
        "detected_at": at,
        "host": endpoint.host_name,
        "threat": threat,
        "file_path": f"C:\\Users\\Public\\Downloads\\setup{n % 50}.exe",
        "action": "自动处理",
    }
    return VirusEvent(
        detected_at=at,
        ci=ci,
        host_name=values["host"],
        ip=ci.ip_address,
        user_name=endpoint.user_name,
        threat=threat,
        file_path=values["file_path"],
        action=values["action"],
        result=result,
        result_text=text,
        product=endpoint.product,
        console_import=record,
        fingerprint=fingerprint(values),
    )


def _coverage_history(today):
    checks.coverage_record_week(today=today)
    current = {
        s.segment_id: s
        for s in CoverageSnapshot.objects.filter(week_start=checks.week_start(today))
    }
    for weeks_back in range(1, 6):
        monday = checks.week_start(today) - timedelta(weeks=weeks_back)
        for segment_id, snap in current.items():
            missing = min(snap.live - snap.protected + weeks_back, snap.live)
            CoverageSnapshot.objects.get_or_create(
                week_start=monday,
                segment_id=segment_id,
                defaults={"live": snap.live, "protected": max(snap.live - missing, 0)},
            )


def _evaluations(actor, today):
    this_week = checks.week_start(today)
    texts = [
        (
            "U 盘交叉使用导致 Autorun 类病毒传播；部分用户下载破解软件。",
            "禁用 U 盘自动播放；开展防病毒宣传；对破解软件来源进行封堵。",
        ),
        (
            "个别终端病毒库长期未更新，被蠕虫利用漏洞感染。",
            "督促未更新终端联网升级；补齐 MS08-067 补丁。",
        ),
    ]
    for weeks_back, (causes, recommendations) in zip((3, 2), texts, strict=True):
        monday = this_week - timedelta(weeks=weeks_back)
        evaluation, created = WeeklyEvaluation.objects.get_or_create(
            week_start=monday, defaults={"causes": causes, "recommendations": recommendations}
        )
        if created:
            from .selectors import week_figures

            figures = week_figures(week_of=monday)
            evaluation.figures = {
                k: figures[k]
                for k in ("total", "by_department", "by_threat", "by_result", "top_departments")
            }
            evaluation.sent_at = timezone.make_aware(
                datetime.combine(monday + timedelta(days=8), time(10))
            )
            evaluation.sent_by = actor
            evaluation.save()
            evaluation.sent_to.set([row["department_id"] for row in figures["top_departments"]])
    WeeklyEvaluation.objects.get_or_create(week_start=this_week - timedelta(weeks=1))
