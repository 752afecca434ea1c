"""Seed many work orders and time the pages that must stay fast as rows grow.

Measured in-process with Django's test client (no network, no server), so the numbers
are the application and database: median and p95 milliseconds and the query count per
operation. Compare SQLite and PostgreSQL by running it with each DATABASE_URL.
"""

import random
import secrets
import statistics
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from incidents import scans, selectors
from incidents.choices import OPEN_STATUSES, Channel, EventKind, Level3, Status
from incidents.demo import historic_timestamps, numbers_for, sla_clocks, sla_target_table
from incidents.models import WorkOrder, WorkOrderEvent
from incidents.models.work_order import QUEUE_NEVER
from incidents.priority import priority_for
from incidents.search import terms_index
from itsm.bench import database_label, p95, timed
from itsm.maintenance import database_analyze
from itsm.services import form_code_get
from servicedesk.calendar import business_calendar
from servicedesk.models import Category, ServiceLevel

BATCH = 5000
HISTORY_DAYS = 90
SLOT = timedelta(minutes=10)  # created instants share slots so the SLA arithmetic is cached
COMMENTS = ["已收到，马上处理。", "请问是哪台设备？", "已到现场。", "正在联系厂商。"]


class Command(BaseCommand):
    help = (
        "Seed N work orders with comments into the current database and time the staff "
        "queue, a work-order page, a Chinese keyword search, filing a fault and the SLA scan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument(
            "--open-share",
            type=float,
            default=0.2,
            help="Share of the seeded orders still open (the queue and the scan read these).",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the seeded rows.")
        parser.add_argument(
            "--no-seed",
            action="store_true",
            help="Time the work orders already in the database (seeded earlier with --keep).",
        )
        parser.add_argument(
            "--skip-scan",
            action="store_true",
            help="Do not time the SLA scan (with many open orders each run takes seconds).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run with DEBUG off (it writes many rows)."
        )

    def handle(self, *args, orders, repeat, open_share, keep, no_seed, skip_scan, force, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "bench writes many rows into the current database: run it with DEBUG on, "
                "or pass --force if this database is meant for it."
            )
        agent = _agent()
        first_new_pk = (
            WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        if not no_seed:
            started = time.perf_counter()
            seeded = _seed(orders, open_share=open_share, requesters=_requesters(agent))
            # A production database has planner statistics; a freshly seeded one must get them.
            database_analyze()
            self.stdout.write(
                f"seeded {seeded} work orders in {time.perf_counter() - started:.1f} s"
            )
        try:
            # The test client calls itself "testserver"; a dev ALLOWED_HOSTS lacks it.
            with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
                self._report(agent, repeat, skip_scan=skip_scan)
        finally:
            if not keep:
                started = time.perf_counter()
                _delete_from(first_new_pk)
                what = "the work orders filed while timing" if no_seed else "the seeded rows"
                self.stdout.write(f"removed {what} in {time.perf_counter() - started:.1f} s")

    def _report(self, agent, repeat, *, skip_scan=False):
        self.stdout.write(f"database: {database_label()}")
        self.stdout.write(
            f"rows: {WorkOrder.objects.count()} work orders "
            f"({WorkOrder.objects.filter(status__in=OPEN_STATUSES).count()} open), "
            f"{WorkOrderEvent.objects.count()} events"
        )
        client = Client()
        client.force_login(agent)
        open_numbers = list(
            WorkOrder.objects.filter(status__in=OPEN_STATUSES)
            .order_by("?")
            .values_list("number", flat=True)[: max(repeat, 1)]
        )
        rng = random.Random(1)  # noqa: S311 (picks a page to open, not a secret)
        operations = []
        queue = _url("incidents:queue")
        detail_ok = _url("incidents:detail", "D0201-1") is not None
        if queue:
            operations.append(("staff queue, first page", lambda: _get(client, queue)))
            # One common word; pairs of common words that never meet in one order (the
            # database must not walk the whole queue for them); a word nobody used.
            for query in ("打印", "打印 显示", "无法 故障", "传真"):
                operations.append((f"keyword search {query}", _searcher(client, queue, query)))
        else:
            self.stdout.write("skipped the queue and search: no URL named incidents:queue")
        if detail_ok and open_numbers:
            operations.append(
                (
                    "work-order page",
                    lambda: _get(
                        client, reverse("incidents:detail", args=[rng.choice(open_numbers)])
                    ),
                )
            )
        operations.append(("file a fault (API)", lambda: _file(client)))
        # The first scan after seeding works off the backlog of every threshold already
        # passed; later ones are the steady state of the minute-by-minute scan.
        if not skip_scan:
            began = time.perf_counter()
            backlog = scans.sla_scan()
            self.stdout.write(
                "SLA scan, first run over the seeded backlog: "
                f"{(time.perf_counter() - began) * 1000:.0f} ms, {sum(backlog.values())} notices"
            )
            operations.append(("SLA scan (steady state)", lambda: scans.sla_scan()))

        operations.append(("queue tab counts (uncached)", lambda: _counts(agent)))

        self.stdout.write(
            f"{'operation':<28} {'median ms':>10} {'p95 ms':>10} {'best ms':>10} {'queries':>8}"
        )
        for name, operation in operations:
            operation()  # warm caches (calendar, templates, default level) once
            runs = [timed(operation) for _ in range(repeat)]
            timings = [elapsed for elapsed, _, _ in runs]
            queries = [count for _, count, _ in runs]
            self.stdout.write(
                f"{name:<28} {statistics.median(timings):>10.1f} {p95(timings):>10.1f} "
                f"{min(timings):>10.1f} {max(queries):>8}"
            )
            self.stdout.flush()  # a line per operation as it finishes, also into a file


def _counts(agent):
    """The tabs' figures as the first queue page after any change computes them."""
    selectors.queue_counts_changed()
    selectors.queue_counts(agent)


def _searcher(client, queue, query):
    return lambda: _get(client, queue, {"q": query})


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _get(client, url, params=None):
    response = client.get(url, params or {})
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}")


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
    users = list(get_user_model().objects.filter(is_active=True).exclude(pk=agent.pk)[:200])
    return users or [agent]


def _seed(count, *, open_share, requesters) -> int:
    rng = random.Random(100_000)  # noqa: S311 (synthetic data)
    calendar = business_calendar()
    targets = sla_target_table()
    level = ServiceLevel.default()
    faults = list(Category.objects.filter(level="fault_type").select_related("parent"))
    if not faults:
        raise CommandError("no fault categories: run migrate first")
    code = form_code_get(key=WorkOrder.FORM_KEY, default=WorkOrder.FORM_CODE_DEFAULT)
    now = timezone.now()
    today = timezone.localdate(now)
    slots = _working_slots(calendar, today, now)
    clocks = sla_clocks(calendar, targets)

    created_total = 0
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        instants = sorted(rng.choice(slots) for _ in range(size))
        with transaction.atomic():
            numbers = numbers_for(code, instants)
            orders = []
            for created in instants:
                fault = rng.choice(faults)
                impact = rng.choice(list(Level3))
                urgency = rng.choice(list(Level3))
                priority = priority_for(impact, urgency)
                response, resolution = clocks(created, level.pk, priority)
                is_open = rng.random() < open_share
                requester = rng.choice(requesters)
                order = WorkOrder(
                    number=numbers[timezone.localdate(created)].pop(0),
                    title=f"{fault.parent.name if fault.parent_id else ''}{fault.name}",
                    description=f"{fault.name}，请尽快处理。",
                    channel=rng.choice([Channel.WEB, Channel.PHONE, Channel.MAIL]),
                    requester=requester,
                    created_by=requester,
                    category=fault,
                    impact=impact,
                    urgency=urgency,
                    priority=priority,
                    service_level=level,
                    status=rng.choice([Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS])
                    if is_open
                    else Status.CLOSED,
                    response_warn_at=response.warn_at,
                    response_due_at=response.due_at,
                    response_escalate_at=response.escalate_at,
                    resolve_warn_at=resolution.warn_at,
                    resolve_due_at=resolution.due_at,
                    queue_due_at=resolution.due_at if is_open else QUEUE_NEVER,
                    resolve_escalate_at=resolution.escalate_at,
                    dispatch_due_at=created + timedelta(minutes=10),
                    created_at=created,
                    updated_at=created,
                )
                if not is_open:
                    order.responded_at = created + timedelta(minutes=20)
                    order.resolved_at = order.closed_at = created + timedelta(hours=2)
                    order.resolution = "处理完毕"
                orders.append(order)
            with historic_timestamps(WorkOrder):
                WorkOrder.objects.bulk_create(orders, batch_size=1000)
            terms_index(orders, replace=False)
            events = []
            for order in orders:
                events.append(
                    WorkOrderEvent(
                        work_order=order,
                        kind=EventKind.CREATED,
                        actor=order.requester,
                        body=order.description,
                        at=order.created_at,
                    )
                )
                events.append(
                    WorkOrderEvent(
                        work_order=order,
                        kind=EventKind.COMMENT,
                        actor=order.requester,
                        body=rng.choice(COMMENTS),
                        at=order.created_at + timedelta(minutes=5),
                    )
                )
            WorkOrderEvent.objects.bulk_create(events, batch_size=2000)
        created_total += size
    return created_total


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
