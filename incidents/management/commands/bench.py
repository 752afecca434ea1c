"""Seed many work orders and time the pages that must stay fast as rows grow.

Measured in-process with Django's test client (no network, no server), so the numbers
are the application and database: median and p95 milliseconds and the query count per
operation. Compare SQLite and PostgreSQL by running it with each DATABASE_URL.
"""

import os
import random
import secrets
import statistics
import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from incidents import scans, selectors, sla
from incidents.choices import OPEN_STATUSES, Channel, EventKind, Level3, Status
from incidents.demo import numbers_for, sla_clocks, sla_target_table
from incidents.models import SlaNotice, WorkOrder, WorkOrderEvent, WorkOrderTerm
from incidents.models.work_order import QUEUE_NEVER, SCAN_NOW
from incidents.priority import priority_for
from incidents.search import row_terms
from incidents.volumes import volumes_refresh
from itsm.bench import database_label, p95, timed
from itsm.bulk import copy_rows, pk_sequence_reset
from itsm.maintenance import database_analyze
from itsm.search import text_terms
from itsm.services import form_code_get
from servicedesk.calendar import business_calendar
from servicedesk.choices import Role
from servicedesk.models import Category, ServiceLevel

BATCH = 5000
HISTORY_DAYS = 90
SLOT = timedelta(minutes=10)  # created instants share slots so the SLA arithmetic is cached
EVENT_COLUMNS = ("work_order_id", "kind", "actor_id", "body", "is_internal", "status_from",
                 "status_to", "data", "at")  # fmt: skip
COMMENTS = ["已收到，马上处理。", "请问是哪台设备？", "已到现场。", "正在联系厂商。"]


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
        agent = _agent()
        keep = keep or seed_only
        first_new_pk = (
            WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        if not no_seed:
            started = time.perf_counter()
            seeded = _seed(
                orders,
                open_share=open_share,
                requesters=_requesters(agent),
                engineers=_engineers(agent),
            )
            told = _seed_told(timezone.now())
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
                _delete_from(first_new_pk)
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
        reporter = _reporter()
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
    """The page, then its knowledge panel as the browser loads it (htmx, on load)."""
    number, title = number_title
    _get(client, reverse("incidents:detail", args=[number]))
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


def _agent():
    """The demo service-desk agent; the demo people are seeded first if they are missing."""
    user_model = get_user_model()
    agent = user_model.objects.filter(username="agent").first()
    if agent is None:
        from servicedesk import demo

        demo.seed(password=secrets.token_urlsafe(16))  # nobody logs in with it
        agent = user_model.objects.get(username="agent")
    return agent


def _requesters(agent):
    users = list(
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk=agent.pk)
        .select_related("person__department")[:200]
    )
    return users or [agent]


def _engineers(agent):
    users = list(get_user_model().objects.filter(is_active=True, groups__name=Role.ENGINEER))
    return users or [agent]


def _reporter():
    """An end user who files faults: the demo's, or any active user with a person."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(username="enduser").first()
        or user_model.objects.filter(is_active=True, person__isnull=False).first()
    )


def _seed(count, *, open_share, requesters, engineers) -> int:
    """`count` realistic work orders with two events each and their search terms.

    Titles are the fault types' (system type + fault), chosen with a long-tailed weight so
    some words are in a tenth of the titles and some in a thousandth; a share `open_share`
    is open, assigned and in-progress ones have an engineer; the clocks are the real ones.
    On PostgreSQL the rows go in by COPY (itsm.bulk), a million in a few minutes.
    """
    rng = random.Random(100_000)  # noqa: S311 (synthetic data)
    calendar = business_calendar()
    targets = sla_target_table()
    level = ServiceLevel.default()
    faults = list(
        Category.objects.filter(level="fault_type").select_related("parent").order_by("pk")
    )
    if not faults:
        raise CommandError("no fault categories: run migrate first")
    weights = _fault_weights(len(faults))
    code = form_code_get(key=WorkOrder.FORM_KEY, default=WorkOrder.FORM_CODE_DEFAULT)
    now = timezone.now()
    today = timezone.localdate(now)
    slots = _working_slots(calendar, today, now)
    clocks = sla_clocks(calendar, targets)
    next_pk = (WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    # Every column's default once, from an instance; each row is a copy with its values
    # (a model instance per row cost more than everything else the seeding does).
    template = WorkOrder()
    defaults = {f.attname: getattr(template, f.attname) for f in WorkOrder._meta.concrete_fields}

    created_total = 0
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        instants = sorted(rng.choice(slots) for _ in range(size))
        chosen = rng.choices(faults, weights=weights, k=size)
        with transaction.atomic():
            numbers = numbers_for(code, instants)
            orders = []
            for created, fault in zip(instants, chosen, strict=True):
                orders.append(
                    _order(
                        rng,
                        defaults,
                        pk=next_pk,
                        number=numbers[timezone.localdate(created)].pop(0),
                        created=created,
                        fault=fault,
                        requester=rng.choice(requesters),
                        engineers=engineers,
                        level=level,
                        clocks=clocks,
                        is_open=rng.random() < open_share,
                    )
                )
                next_pk += 1
            names = [name for name in orders[0] if not name.startswith("_")]
            copy_rows(WorkOrder, names, ([order[name] for name in names] for order in orders))
            copy_rows(
                WorkOrderTerm,
                ("work_order_id", "term"),
                ((order["id"], term) for order in orders for term in row_terms(_term_row(order))),
            )
            events = []
            for order in orders:
                events.append(
                    (order["id"], EventKind.CREATED, order["requester_id"], order["description"],
                     False, "", "", {}, order["created_at"])
                )  # fmt: skip
                events.append(
                    (order["id"], EventKind.COMMENT, order["requester_id"], rng.choice(COMMENTS),
                     False, "", "", {}, order["created_at"] + timedelta(minutes=5))
                )  # fmt: skip
            copy_rows(WorkOrderEvent, EVENT_COLUMNS, events)
        created_total += size
    pk_sequence_reset(WorkOrder)
    return created_total


def _seed_told(now) -> int:
    """What the minute-by-minute scan would have told by `now` in a running system: a
    notice for every threshold passed, breach flags set, every order's watermark placed.

    A production database is in that steady state; without it the first scan after
    seeding a million orders would work off a backlog of a million notices first.
    """
    table = connection.ops.quote_name(SlaNotice._meta.db_table)
    calendar = business_calendar()
    before = SlaNotice.objects.count()
    for rule in scans.RULES:
        reached = sla.breach_cutoff(calendar, now) if rule.breach_flag else now
        rows = WorkOrder.objects.filter(
            status__in=OPEN_STATUSES, **{f"{rule.instant}__lt": reached}, **rule.pending
        )
        if connection.vendor == "postgresql":
            sql, params = rows.values_list("pk", rule.due).query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (work_order_id, clock, level, due_at, created_at) "  # noqa: S608
                    f"SELECT sub.wo, %s, %s, sub.due, %s FROM ({sql}) AS sub(wo, due) "
                    "ON CONFLICT DO NOTHING",
                    [rule.clock, rule.level, now, *params],
                )
        else:
            SlaNotice.objects.bulk_create(
                (
                    SlaNotice(work_order_id=pk, clock=rule.clock, level=rule.level, due_at=due)
                    for pk, due in rows.values_list("pk", rule.due).iterator(chunk_size=5000)
                ),
                batch_size=5000,
                ignore_conflicts=True,
            )
        if rule.breach_flag:
            rows.update(**{rule.breach_flag: True})
    scans.advance_watermarks(now, deadline=time.monotonic() + 3600)
    return SlaNotice.objects.count() - before


def _fault_weights(count: int) -> list[float]:
    # Zipf-like, exponent 1.5: with the demo's fault types the most common system type is
    # in about a tenth of the titles and the rarest fault in about a thousandth.
    return [1 / (rank + 1) ** 1.5 for rank in range(count)]


def _order(rng, defaults, *, pk, number, created, fault, requester, engineers, level, clocks,
           is_open) -> dict:  # fmt: skip
    """One work order's column values (attnames), as WorkOrder.save() would leave them."""
    impact = rng.choice(list(Level3))
    urgency = rng.choice(list(Level3))
    priority = priority_for(impact, urgency)
    response, resolution = clocks(created, level.pk, priority)
    status = (
        rng.choice([Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS]) if is_open else Status.CLOSED
    )
    person = getattr(requester, "person", None)
    order = dict(defaults)
    order.update(
        id=pk,
        number=number,
        title=f"{fault.parent.name if fault.parent_id else ''}{fault.name}",
        description=f"{fault.name}，请尽快处理。",
        channel=rng.choice([Channel.WEB, Channel.PHONE, Channel.MAIL]),
        requester_id=requester.pk,
        created_by_id=requester.pk,
        department_id=person.department_id if person is not None else None,
        category_id=fault.pk,
        impact=impact,
        urgency=urgency,
        priority=priority,
        service_level_id=level.pk,
        status=status,
        response_warn_at=response.warn_at,
        response_due_at=response.due_at,
        response_escalate_at=response.escalate_at,
        resolve_warn_at=resolution.warn_at,
        resolve_due_at=resolution.due_at,
        resolve_escalate_at=resolution.escalate_at,
        dispatch_due_at=created + timedelta(minutes=10),
        created_at=created,
        updated_at=created,
        # What save() sets; bulk inserts do not call it.
        queue_due_at=resolution.due_at if is_open else QUEUE_NEVER,
        sla_scan_at=SCAN_NOW if is_open else QUEUE_NEVER,
    )
    # For the search terms (not columns): who asked, from which department.
    order["_requester"] = requester
    if status in (Status.ASSIGNED, Status.IN_PROGRESS):
        order["assignee_id"] = rng.choice(engineers).pk
        order["assigned_at"] = created + timedelta(minutes=8)
        order["accept_due_at"] = order["assigned_at"] + timedelta(minutes=30)
        if status == Status.IN_PROGRESS:
            order["accepted_at"] = order["responded_at"] = created + timedelta(minutes=20)
    if not is_open:
        order["assignee_id"] = rng.choice(engineers).pk
        order["assigned_at"] = created + timedelta(minutes=8)
        order["accepted_at"] = order["responded_at"] = created + timedelta(minutes=20)
        order["resolved_at"] = order["closed_at"] = created + timedelta(hours=2)
        order["resolution"] = "处理完毕"
    return order


def _term_row(order: dict) -> dict:
    """The search index's view of a seeded row (incidents.search.TERM_FIELDS)."""
    requester = order["_requester"]
    person = getattr(requester, "person", None)
    return {
        "pk": order["id"],
        "number": order["number"],
        "title": order["title"],
        "description": order["description"],
        "requester__username": requester.username,
        "requester__person__name": person.name if person is not None else None,
        "department__name": person.department.name
        if person is not None and person.department_id
        else None,
        "device__asset_tag": None,
    }


def _working_slots(calendar, today, now) -> list[datetime]:
    slots = []
    for back in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=back)
        if not calendar.is_working_day(day):
            continue
        instant = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
            hours=8, minutes=30
        )
        end = instant + timedelta(hours=9)
        while instant < end and instant < now:
            slots.append(instant)
            instant += SLOT
    return slots


def _delete_from(first_pk: int) -> None:
    """Remove the work orders from `first_pk` on (the seeded ones and those filed while timing)."""
    while True:
        pks = list(WorkOrder.objects.filter(pk__gte=first_pk).values_list("pk", flat=True)[:BATCH])
        if not pks:
            return
        with transaction.atomic():
            WorkOrderEvent.objects.filter(work_order_id__in=pks).delete()
            WorkOrder.objects.filter(pk__in=pks).delete()
