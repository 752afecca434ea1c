"""Seed many knowledge records and time the search, as end user and as staff.

Measured in-process (no network): the selector that the search page, the suggestion box
and the API share, plus the search page itself through Django's test client. Prints
median and p95 milliseconds and the query count per operation, and the database vendor,
so running it once with each DATABASE_URL compares SQLite and PostgreSQL.
"""

import io
import random
import secrets
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from itsm.bench import database_label, p95, timed
from itsm.services import form_code_get, numbers_reserve
from knowledge import selectors, services
from knowledge.choices import Audience, Status
from knowledge.models import KnowledgeRecord, KnowledgeTerm
from knowledge.models.records import record_visibility
from servicedesk.models import Category

BATCH = 2000

CHINESE_QUERIES = [
    "打印机卡纸",
    "卡纸",
    "蓝屏",
    "登记系统无法登录",
    "网络不通",
    "电脑开机很慢怎么办",
    "驱动程序",
    "邮箱已满",
    "卡",
]
# What the fault form sends as the user types: its title and description together.
FAULT_FORM_TEXT = "三楼打印机卡纸 今天上午打印机一直卡纸，纸张取不出来，指示灯闪烁怎么办"
ENGLISH_QUERIES = ["printer jam", "outlook", "vpn connection", "blue screen", "password reset"]

PLACES = [
    "三楼",
    "五楼会议室",
    "财务处",
    "登记大厅",
    "局领导办公室",
    "档案室",
    "二楼东侧",
    "服务台",
]
WHEN = ["开机后", "使用过程中", "每天上午", "偶尔", "频繁", "突然", "重启后", "更新后", "插上U盘后"]
SYMPTOMS = [
    "提示错误",
    "没有反应",
    "速度很慢",
    "无法使用",
    "报错退出",
    "画面卡住",
    "出现异响",
    "指示灯闪烁",
    "显示乱码",
    "连接中断",
]
CAUSES = [
    "驱动程序版本过旧",
    "配置文件损坏",
    "网线松动",
    "硬件老化",
    "病毒感染",
    "权限不足",
    "磁盘空间不足",
    "服务未启动",
    "证书过期",
    "电源故障",
    "散热不良",
    "系统补丁冲突",
]
SOLUTIONS = [
    "重新安装驱动程序",
    "清理临时文件后重启",
    "更换备件并测试",
    "恢复默认配置",
    "联系厂商维修",
    "更新系统补丁",
    "重置密码并通知用户",
    "检查网线并重新连接",
    "清洁设备内部灰尘",
    "调整权限设置",
    "重启相关服务",
    "备份数据后重装系统",
]
ENGLISH = [
    ("Printer jam on floor {n}", "Paper jams in the tray", "Worn pickup roller"),
    ("Outlook cannot send mail", "Messages stay in the outbox", "Expired password"),
    ("VPN connection drops", "The VPN client disconnects every few minutes", "Unstable uplink"),
    ("Blue screen after update", "The PC shows a blue screen and restarts", "Faulty driver"),
    ("Password reset request", "The user forgot the login password", "Password expired"),
    ("Slow network share", "Opening files on the share is slow", "Congested switch port"),
]


class Command(BaseCommand):
    help = (
        "Seed N generated knowledge records (with their index terms) into the current "
        "database and time Chinese and English searches; removes them again unless --keep."
    )

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=20_000)
        parser.add_argument("--repeat", type=int, default=50)
        parser.add_argument("--keep", action="store_true", help="Keep the seeded rows.")
        parser.add_argument(
            "--force", action="store_true", help="Run with DEBUG off (it writes many rows)."
        )

    def handle(self, *args, records, repeat, keep, force, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "bench_knowledge writes many rows into the current database: run it with "
                "DEBUG on, or pass --force if this database is meant for it."
            )
        reader, staff = _users()
        first_pk = (
            KnowledgeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        started = time.perf_counter()
        seeded, terms = _seed(records)
        self.stdout.write(
            f"seeded {seeded} knowledge records ({terms} index terms) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        try:
            # The test client calls itself "testserver"; let it in for the page timings.
            with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
                self._report(reader, staff, max(repeat, 1))
        finally:
            if not keep:
                started = time.perf_counter()
                _delete_from(first_pk)
                self.stdout.write(
                    f"removed the seeded rows in {time.perf_counter() - started:.1f} s"
                )

    def _report(self, reader, staff, repeat):
        self.stdout.write(f"database: {database_label()}")
        self.stdout.write(
            f"rows: {KnowledgeRecord.objects.count()} records "
            f"({KnowledgeRecord.objects.filter(status=Status.PUBLISHED).count()} published), "
            f"{KnowledgeTerm.objects.count()} index terms"
        )
        client = Client()
        client.force_login(reader)
        page = reverse("knowledge:search")

        def searches(user, queries):
            return [(q, lambda q=q: selectors.record_search(user=user, query=q)) for q in queries]

        groups = [
            ("Chinese search, end user", searches(reader, CHINESE_QUERIES)),
            ("Chinese search, staff", searches(staff, CHINESE_QUERIES)),
            ("English search, end user", searches(reader, ENGLISH_QUERIES)),
            ("English search, staff", searches(staff, ENGLISH_QUERIES)),
            (
                "search page 打印机卡纸",
                [("page", lambda: _get(client, page, {"q": "打印机卡纸"}))],
            ),
            (
                "suggestions (5) 打印机卡纸",
                [
                    (
                        "suggest",
                        lambda: _get(client, reverse("knowledge:suggest"), {"q": "打印机卡纸"}),
                    )
                ],
            ),
            (
                "suggestions, fault form",
                [
                    (
                        "suggest",
                        lambda: _get(
                            client,
                            reverse("knowledge:suggest"),
                            {"title": FAULT_FORM_TEXT[:7], "description": FAULT_FORM_TEXT[8:]},
                        ),
                    )
                ],
            ),
        ]
        self.stdout.write(
            f"{'operation':<28} {'median ms':>10} {'p95 ms':>10} {'queries':>8} {'hits':>6}"
        )
        for name, operations in groups:
            timings, queries, hits = [], [], 0
            for _label, operation in operations:
                operation()  # warm up once
            for _ in range(repeat):
                for _label, operation in operations:
                    elapsed, count, result = timed(operation)
                    timings.append(elapsed)
                    queries.append(count)
                    if isinstance(result, list):
                        hits = max(hits, len(result))
            self.stdout.write(
                f"{name:<28} {statistics.median(timings):>10.1f} {p95(timings):>10.1f} "
                f"{max(queries):>8} {hits or '':>6}"
            )


def _get(client, url, params):
    response = client.get(url, params)
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}")


def _users():
    """The demo end user and service-desk agent; the demo people are seeded if missing."""
    user_model = get_user_model()
    if user_model.objects.filter(username__in=["enduser", "agent"]).count() != 2:
        from servicedesk import demo

        demo.seed(password=secrets.token_urlsafe(16))  # nobody logs in with it
    return user_model.objects.get(username="enduser"), user_model.objects.get(username="agent")


def _record(rng, number, fault, now):
    system = fault.parent.name if fault.parent_id else ""
    if rng.random() < 0.15:
        title, symptom, cause = rng.choice(ENGLISH)
        title = title.format(n=rng.randint(1, 8))
        solution = f"{rng.choice(SOLUTIONS)}. Checked by the engineer on site."
    else:
        place, when, what = rng.choice(PLACES), rng.choice(WHEN), rng.choice(SYMPTOMS)
        title = f"{place}{system}{fault.name}{what}"
        symptom = f"{when}{system}{what}，{rng.choice(WHEN)}{rng.choice(SYMPTOMS)}。"
        cause = f"{rng.choice(CAUSES)}，{rng.choice(CAUSES)}。"
        solution = "；".join(rng.sample(SOLUTIONS, 3)) + "。"
    published = rng.random() < 0.85
    return KnowledgeRecord(
        number=number,
        title=title,
        fault_type=fault,
        symptom=symptom,
        cause=cause,
        solution=solution,
        audience=Audience.INTERNAL if rng.random() < 0.3 else Audience.PUBLIC,
        status=Status.PUBLISHED if published else rng.choice([Status.DRAFT, Status.RETIRED]),
        published_at=now if published else None,
        helpful_count=rng.randint(0, 30),
        view_count=rng.randint(0, 300),
    )


def _seed(count):
    rng = random.Random(20_000)  # noqa: S311 (synthetic data)
    faults = list(Category.objects.filter(level="fault_type").select_related("parent__parent"))
    if not faults:
        raise CommandError("no fault categories: run migrate first")
    code = form_code_get(key=KnowledgeRecord.FORM_KEY, default=KnowledgeRecord.FORM_CODE_DEFAULT)
    now = timezone.now()
    today = timezone.localdate(now)
    seeded = terms = 0
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        with transaction.atomic():
            numbers = numbers_reserve(code=code, per_day={today: size})[today]
            rows = [_record(rng, number, rng.choice(faults), now) for number in numbers]
            KnowledgeRecord.objects.bulk_create(rows, batch_size=500)
            term_rows = [
                (record.pk, term, weight, record_visibility(record))
                for record in rows
                for term, weight in services.record_terms(record).items()
            ]
            _insert_terms(term_rows)
        seeded += len(rows)
        terms += len(term_rows)
    _statistics()
    return seeded, terms


def _insert_terms(rows) -> None:
    """COPY on PostgreSQL, executemany of plain tuples on SQLite: model instances and
    multi-row INSERTs would triple the seeding time."""
    table = connection.ops.quote_name(KnowledgeTerm._meta.db_table)
    columns = "(record_id, term, weight, visibility)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Terms are CJK characters or [a-z0-9] words: nothing to escape in the text format.
            data = io.StringIO("".join(f"{r}\t{t}\t{w}\t{v}\n" for r, t, w, v in rows))
            cursor.cursor.copy_expert(f"COPY {table} {columns} FROM STDIN", data)
            return
        sql = f"INSERT INTO {table} {columns} VALUES (%s, %s, %s, %s)"  # noqa: S608
        for start in range(0, len(rows), 20_000):
            cursor.executemany(sql, rows[start : start + 20_000])


def _statistics() -> None:
    """Fresh planner statistics (and PostgreSQL's visibility map, which lets the search
    read the index alone), as autovacuum would gather them after a bulk load."""
    tables = [
        connection.ops.quote_name(model._meta.db_table)
        for model in (KnowledgeRecord, KnowledgeTerm)
    ]
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")


def _delete_from(first_pk):
    with transaction.atomic():
        terms = KnowledgeTerm.objects.filter(record_id__gte=first_pk)
        terms._raw_delete(terms.db)
        records = KnowledgeRecord.objects.filter(pk__gte=first_pk)
        records._raw_delete(records.db)
