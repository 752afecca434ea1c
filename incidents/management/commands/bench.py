"""Seed many work orders and time the pages that must stay fast as rows grow.

Measured in-process with Django's test client (no network, no server), so the numbers
are the application and database: median and p95 milliseconds and the query count per
operation. Compare SQLite and PostgreSQL by running it with each DATABASE_URL.
"""

import os
import random
import statistics
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from incidents import bench_seed, scans, selectors
from incidents.choices import OPEN_STATUSES
from incidents.models import WorkOrder, WorkOrderEvent
from incidents.volumes import volumes_refresh
from itsm.bench import database_label, p95, timed
from itsm.maintenance import database_analyze
from itsm.search import text_terms
from servicedesk.models import Category


class Command(BaseCommand):
    help = (
        "Seed N work orders (30 % open) into the current database and time what every "
        "user waits for: filing a fault, the work-order page with its knowledge panel, "
        "the staff queue, keyword search, the Pareto page and the SLA scan. Prints the "
        "median, p95 and query count of each, and the ANALYZE'd plan of any query over "
        "10 ms on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument(
            "--open-share",
            type=float,
            default=0.3,
            help="Share of the seeded orders still open (the queue and the scan read these).",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the seeded rows.")
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help="Time the work orders already in the database (seeded earlier with --keep).",
        )
        parser.add_argument(
            "--seed-only", action="store_true", help="Seed (implies --keep) and time nothing."
        )
        parser.add_argument(
            "--skip-scan",
            action="store_true",
            help="Do not time the SLA scan.",
        )
        parser.add_argument(
            "--plans-over",
            type=float,
            default=10.0,
            help="Print the ANALYZE'd plan of page queries slower than this (ms, PostgreSQL).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run with DEBUG off (it writes many rows)."
        )

    def handle(self, *args, orders, repeat, open_share, keep, no_seed, seed_only, skip_scan,
               plans_over, force, **options):  # fmt: skip
        if not (settings.DEBUG or force):
            raise CommandError(
                "bench writes many rows into the current database: run it with DEBUG on, "
                "or pass --force if this database is meant for it."
            )
        agent = bench_seed.agent()
        keep = keep or seed_only
        first_new_pk = (
            WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        if not no_seed:
            started = time.perf_counter()
            seeded = bench_seed.seed(
                orders,
                open_share=open_share,
                requesters=bench_seed.requesters(agent),
                engineers=bench_seed.engineers(agent),
            )
            told = bench_seed.seed_told(timezone.now())
            volumes_refresh()
            # A production database has planner statistics and, on PostgreSQL, a visibility
            # map (autovacuum): without it a freshly COPY'd table gets no index-only scans,
            # and two common search words cost a heap read of both posting lists.
            database_analyze()
            # (Not inside a transaction, where PostgreSQL refuses VACUUM: the test suite.)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"seeded {told} SLA notices (thresholds passed before now)")
            self.stdout.write(
                f"seeded {seeded} work orders in {time.perf_counter() - started:.1f} s"
            )
        if seed_only:
            return
        try:
            # The test client calls itself "testserver" and speaks plain http in-process;
            # production settings would refuse the host and redirect to https.
            with override_settings(
                ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False
            ):
                self._report(agent, repeat, skip_scan=skip_scan, plans_over=plans_over)
        finally:
            if not keep:
                started = time.perf_counter()
                bench_seed.delete_from(first_new_pk)
                what = "the work orders filed while timing" if no_seed else "the seeded rows"
                self.stdout.write(f"removed {what} in {time.perf_counter() - started:.1f} s")

    def _report(self, agent, repeat, *, skip_scan=False, plans_over=10.0):
        self.stdout.write(f"database: {database_label()}; load average: {_load()}")
        self.stdout.write(
            f"rows: {WorkOrder.objects.count()} work orders "
            f"({WorkOrder.objects.filter(status__in=OPEN_STATUSES).count()} open), "
            f"{WorkOrderEvent.objects.count()} events"
        )
        client = Client()
        client.force_login(agent)
        reporter = bench_seed.reporter()
        reporter_client = Client()
        reporter_client.force_login(reporter)
        open_numbers = list(
            WorkOrder.objects.filter(status__in=OPEN_STATUSES)
            .order_by("?")
            .values_list("number", "title")[: max(repeat, 1)]
        )
        rng = random.Random(1)  # noqa: S311 (picks a page to open, not a secret)
        category = _leaf_category()
        common, rare = _search_words()
        operations = [
            ("file a fault (form)", lambda: _file_form(reporter_client, category)),
            ("file a fault (API)", lambda: _file(client)),
            ("work-order page + panel", lambda: _detail(client, rng.choice(open_numbers))),
            ("staff queue, first page", lambda: _get(client, reverse("incidents:queue"))),
        ]
        for label, word in ((f"search {common[0]} ({common[1]:.1%})", common[0]),
                            (f"search {rare[0]} ({rare[1]:.2%})", rare[0]),
                            ("search 打印 显示 (two words)", "打印 显示")):  # fmt: skip
            operations.append((label, _searcher(client, reverse("incidents:queue"), word)))
        operations.append(("queue tab counts (uncached)", lambda: _counts(agent)))
        operations.append(
            ("Pareto page, 90 days", lambda: _get(client, reverse("problems:pareto")))
        )
        operations.append(
            (
                "Pareto page, 1 year",
                lambda: _get(client, reverse("problems:pareto"), _year_params()),
            )
        )
        if not skip_scan:
            # The first scan after seeding works off the backlog of every threshold already
            # passed; later ones are the steady state of the minute-by-minute scan.
            began = time.perf_counter()
            backlog = {}
            while True:
                done = scans.sla_scan()
                for key, value in done.items():
                    backlog[key] = backlog.get(key, 0) + value
                # Steady: a run found nothing new to tell. (Orders can stay in range with
                # nothing to tell yet: a breach past 17:30 waits for business time.)
                if not sum(done.values()):
                    break
                if time.perf_counter() - began > 600:
                    break
            self.stdout.write(
                "SLA scan, working off the seeded backlog: "
                f"{time.perf_counter() - began:.1f} s, {sum(backlog.values())} notices"
            )
            operations.append(("SLA scan (steady state)", lambda: scans.sla_scan()))

        self.stdout.write(
            f"{'operation':<30} {'median ms':>10} {'p95 ms':>10} {'best ms':>10} {'queries':>8}"
        )
        slow: dict[str, tuple[float, str, list]] = {}
        for name, operation in operations:
            operation()  # warm caches (calendar, templates, default level) once
            runs = []
            for _ in range(repeat):
                recorder = SlowQueries(plans_over)
                with connection.execute_wrapper(recorder):
                    runs.append(timed(operation))
                for elapsed, sql, params in recorder.slow:
                    if sql not in slow or slow[sql][0] < elapsed:
                        slow[sql] = (elapsed, name, params)
            timings = [elapsed for elapsed, _, _ in runs]
            queries = [count for _, count, _ in runs]
            self.stdout.write(
                f"{name:<30} {statistics.median(timings):>10.1f} {p95(timings):>10.1f} "
                f"{min(timings):>10.1f} {max(queries):>8}"
            )
            self.stdout.flush()  # a line per operation as it finishes, also into a file
        self._plans(slow)

    def _plans(self, slow):
        if connection.vendor != "postgresql" or not slow:
            return
        self.stdout.write(f"\nqueries over the limit, with their plans ({len(slow)}):")
        for sql, (elapsed, name, params) in sorted(slow.items(), key=lambda i: -i[1][0]):
            if not sql.lstrip().upper().startswith("SELECT"):
                self.stdout.write(
                    f"-- {name}: {elapsed:.1f} ms (a write, not explained): {sql[:200]}"
                )
                continue
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            self.stdout.write(f"-- {name}: {elapsed:.1f} ms\n{sql}\n{plan}\n")


class SlowQueries:
    """Records the statements slower than `limit_ms` (to print their plans)."""

    def __init__(self, limit_ms: float):
        self.limit = limit_ms
        self.slow: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = (time.perf_counter() - began) * 1000
            if elapsed > self.limit and not many:
                self.slow.append((elapsed, sql, params))


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def _counts(agent):
    """The tabs' figures as the first queue page after any change computes them."""
    selectors.queue_counts_changed()
    selectors.queue_counts(agent)


def _searcher(client, queue, query):
    return lambda: _get(client, queue, {"q": query})


def _get(client, url, params=None):
    response = client.get(url, params or {})
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}")
    return response


def _detail(client, number_title):
    """The page, then its knowledge panel as the browser loads it (htmx, on load) when the
    page did not already hold it (a cached answer is put in place by the page)."""
    number, title = number_title
    page = _get(client, reverse("incidents:detail", args=[number]))
    if reverse("knowledge:suggest").encode() in page.content:
        _get(client, reverse("knowledge:suggest"), {"q": title})


def _year_params():
    today = timezone.localdate()
    return {"since": (today - timedelta(days=365)).isoformat(), "until": today.isoformat(),
            "basis": "category"}  # fmt: skip


def _file_form(client, category):
    response = client.post(
        reverse("incidents:report"),
        {
            "title": "打印机卡纸",
            "description": "基准测试",
            "urgency": "medium",
            "category": category.pk,
            "contact_phone": "13800000000",
            "filing_key": uuid.uuid4().hex,
        },
    )
    if response.status_code != 302:
        raise CommandError(f"the fault form answered {response.status_code}")


def _file(client):
    response = client.post(
        "/api/incidents/",
        {"title": "打印机卡纸", "description": "基准测试", "urgency": "medium"},
        content_type="application/json",
    )
    if response.status_code != 201:
        raise CommandError(
            f"filing a fault answered {response.status_code}: {response.content[:300]}"
        )


def _leaf_category():
    category = Category.objects.filter(level="fault_type", is_active=True).order_by("pk").first()
    if category is None:
        raise CommandError("no fault categories: run migrate first")
    return category


def _search_words() -> tuple[tuple[str, float], tuple[str, float]]:
    """A word in about 10 % of the titles and one in about 0.1 %, from how the orders
    are spread over the fault types (the seeded titles are the fault types' names)."""
    total = WorkOrder.objects.count() or 1
    per_category = dict(
        WorkOrder.objects.values_list("category").annotate(n=Count("id")).order_by()
    )
    share: dict[str, int] = {}
    for category in Category.objects.filter(
        pk__in=[pk for pk in per_category if pk]
    ).select_related("parent"):
        title = f"{category.parent.name if category.parent_id else ''}{category.name}"
        for term in text_terms(title):
            if len(term) == 2 and not term.isascii():
                share[term] = share.get(term, 0) + per_category[category.pk]
    if not share:
        return ("打印", 0.0), ("传真", 0.0)
    ranked = {term: count / total for term, count in share.items()}
    common = min(ranked.items(), key=lambda item: abs(item[1] - 0.10))
    rare = min(ranked.items(), key=lambda item: abs(item[1] - 0.001))
    return common, rare
