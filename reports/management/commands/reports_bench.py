"""Seed many work orders over 13 months; time the manager dashboard and the monthly
service summary (sections + PDF) of a month with 10,000 work orders.

Measured in-process with Django's test client, DEBUG off, as a logged-in manager: 3
warm-up requests, then median and p95 milliseconds and the query count of 20; then the
dashboard right after a work-order write (which drops the cached figures). The goal
(issue 15): < 120 ms median at 100,000 work orders with a query count that does not grow
with the data. Runs against the configured database (DATABASE_URL), SQLite or PostgreSQL.
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
from django.urls import reverse
from django.utils import timezone

from incidents.choices import Channel, Level3, Status
from incidents.models import Callback, WorkOrder
from incidents.models.work_order import QUEUE_NEVER
from incidents.priority import priority_for
from incidents.seeding import historic_timestamps, numbers_for, sla_clocks, sla_target_table
from incidents.selectors import queue_counts_changed
from itsm.bench import database_label, p95, timed
from itsm.maintenance import database_analyze
from itsm.services import form_code_get
from reports import registry
from reports.dashboard_cache import month_changed
from reports.pdf import render_pdf
from reports.periods import Period
from reports.rendering import preview_document
from servicedesk.calendar import business_calendar
from servicedesk.choices import Role
from servicedesk.models import Category, Department, ServiceLevel

BATCH = 5000
MONTHS = 13
SLOT = timedelta(minutes=10)  # created instants share slots so the SLA arithmetic is cached
LEVEL_WEIGHTS = {"vip": 8, "advanced": 22, "standard": 70}
BENCH_DEPARTMENTS = 12


class Command(BaseCommand):
    help = (
        "Seed N work orders over the last 13 months (levels, departments, breaches, "
        "ratings, call-backs) into the configured database and time the manager dashboard."
    )

    def add_arguments(self, parser):
        parser.add_argument("--orders", type=int, default=100_000)
        parser.add_argument("--warmup", type=int, default=3)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument(
            "--summary-orders",
            type=int,
            default=10_000,
            help="Top up last month to this many work orders and time its service summary PDF "
            "(0 skips it).",
        )
        parser.add_argument("--keep", action="store_true", help="Keep the seeded rows.")
        parser.add_argument(
            "--no-seed", action="store_true", help="Time the rows already in the database."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run with DEBUG off (it writes many rows)."
        )

    def handle(
        self, *args, orders, warmup, repeat, summary_orders, keep, no_seed, force, **options
    ):
        if not (settings.DEBUG or force):
            raise CommandError(
                "reports_bench writes many rows into the current database: run it with DEBUG "
                "on, or pass --force if this database is meant for it."
            )
        manager = _manager()
        first_new_pk = (
            WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1
        if not no_seed:
            started = time.perf_counter()
            seeded = _seed(orders, requesters=_requesters())
            last = Period.containing("month", timezone.localdate()).previous()
            already = WorkOrder.objects.filter(
                created_at__gte=last.start_at, created_at__lt=last.end_at
            ).count()
            if summary_orders > already:
                seeded += _seed(summary_orders - already, requesters=_requesters(), only=last)
            database_analyze()  # a production database has planner statistics
            self.stdout.write(
                f"seeded {seeded} work orders in {time.perf_counter() - started:.1f} s"
            )
        try:
            with override_settings(
                DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
            ):
                self._report(manager, warmup, repeat)
                if summary_orders:
                    self._summary_pdf(repeat=max(repeat // 5, 3))
        finally:
            if not keep and not no_seed:
                started = time.perf_counter()
                _delete_from(first_new_pk)
                self.stdout.write(
                    f"removed the seeded rows in {time.perf_counter() - started:.1f} s"
                )

    def _report(self, manager, warmup, repeat):
        self.stdout.write(f"database: {database_label()}")
        self.stdout.write(
            f"rows: {WorkOrder.objects.count()} work orders, {Callback.objects.count()} call-backs"
        )
        client = Client()
        client.force_login(manager)
        this_month = timezone.localdate().strftime("%Y-%m")
        last = timezone.localdate().replace(day=1) - timedelta(days=1)
        operations = [
            ("dashboard, this month", reverse("reports:dashboard"), {}),
            ("dashboard, last month", reverse("reports:dashboard"), {"month": f"{last:%Y-%m}"}),
            ("api/report-figures", "/api/report-figures/", {"month": this_month}),
        ]
        self.stdout.write(f"{'operation':<28}{'median ms':>10}{'p95 ms':>10}{'queries':>9}")
        for name, url, params in operations:
            for _ in range(warmup):
                _get(client, url, params)
            times, queries = [], set()
            for _ in range(repeat):
                elapsed, count, _response = timed(lambda: _get(client, url, params))  # noqa: B023
                times.append(elapsed)
                queries.add(count)
            self._line(name, times, queries)
        # Cold: right after a work-order write, which drops the cached figures.
        times, queries = [], set()
        for _ in range(max(repeat // 4, 3)):
            queue_counts_changed()
            month_changed(timezone.now())  # what saving a work order of this month does
            elapsed, count, _response = timed(lambda: _get(client, *operations[0][1:]))
            times.append(elapsed)
            queries.add(count)
        self._line("dashboard, after a write", times, queries)
        # The worst case: a write to an order of a full month (last month's ~10,000 with
        # --summary-orders), which recounts that whole month.
        times, queries = [], set()
        last_month = timezone.localtime().replace(day=1) - timedelta(days=1)
        for _ in range(max(repeat // 4, 3)):
            month_changed(last_month)
            elapsed, count, _response = timed(lambda: _get(client, *operations[0][1:]))
            times.append(elapsed)
            queries.add(count)
        self._line("after a last-month write", times, queries)

    def _summary_pdf(self, *, repeat):
        """The monthly service summary of last month: sections built from the database, then
        the PDF, as report generation does (issue 15 goal: < 5 s at 10,000 work orders)."""
        period = Period.containing("month", timezone.localdate()).previous()
        received = WorkOrder.objects.filter(
            created_at__gte=period.start_at, created_at__lt=period.end_at
        ).count()
        report_type = registry.REPORT_TYPES["service_summary"]
        builds, renders, totals, size, pages = [], [], [], 0, 0
        for _ in range(repeat):
            started = time.perf_counter()
            document = preview_document(report_type, period)
            built = time.perf_counter()
            pdf = render_pdf(document, language="zh-hans")
            done = time.perf_counter()
            builds.append((built - started) * 1000)
            renders.append((done - built) * 1000)
            totals.append((done - started) * 1000)
            size, pages = len(pdf), pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
        self.stdout.write(
            f"service summary {period.slug} ({received} work orders, {pages} pages, "
            f"{size // 1024} KB), median of {repeat}: sections {statistics.median(builds):.0f} ms"
            f" + PDF {statistics.median(renders):.0f} ms = {statistics.median(totals):.0f} ms"
        )

    def _line(self, name, times, queries):
        shown = "/".join(str(q) for q in sorted(queries))
        self.stdout.write(
            f"{name:<28}{statistics.median(times):>10.1f}{p95(times):>10.1f}{shown:>9}"
        )


def _get(client, url, params):
    response = client.get(url, params)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    return response


def _manager():
    """A manager to sign in as: the demo's, else one made for the benchmark."""
    user_model = get_user_model()
    manager = user_model.objects.filter(groups__name=Role.MANAGER, is_active=True).first()
    if manager is not None:
        return manager
    from servicedesk.services import person_create

    person = person_create(
        username="bench-manager",
        name="基准经理",
        email="bench-manager@example.gov.cn",
        password=secrets.token_urlsafe(16),  # nobody logs in with it
        roles=(Role.MANAGER,),
    )
    return person.user


def _requesters():
    """(user, department id) pairs over a dozen departments."""
    departments = list(Department.objects.filter(is_active=True).values_list("pk", flat=True))
    for n in range(len(departments), BENCH_DEPARTMENTS):
        department, _created = Department.objects.get_or_create(
            code=f"bench-{n}", defaults={"name": f"基准处室{n}"}
        )
        departments.append(department.pk)
    users = list(get_user_model().objects.filter(is_active=True).values_list("pk", flat=True)[:200])
    if not users:
        raise CommandError("no users: run `manage.py demo` or create one first")
    rng = random.Random(7)  # noqa: S311 (synthetic data)
    return [(user, rng.choice(departments)) for user in users]


def _slots(calendar, now, only: Period | None = None) -> list[datetime]:
    """Working-time instants of the last 13 months (or of `only`), every 10 minutes."""
    slots, today = [], timezone.localdate(now)
    for back in range(MONTHS * 31, -1, -1):
        day = today - timedelta(days=back)
        if only is not None and not only.start <= day <= only.end:
            continue
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


def _seed(count, *, requesters, only: Period | None = None) -> int:
    """Work orders spread over 13 months of working time: ~3 % still open (mostly
    recent), ~6 % answered late, ~9 % resolved late, 40 % of the resolved fixed at the
    desk, 90 % called back (93 % of those reached), 25 % rated by the user."""
    rng = random.Random(100_000)  # noqa: S311 (synthetic data)
    calendar = business_calendar()
    targets = sla_target_table()
    levels = {level.code: level for level in ServiceLevel.objects.all()}
    weighted = [levels[c] for c, w in LEVEL_WEIGHTS.items() if c in levels for _ in range(w)]
    weighted = weighted or list(levels.values())
    faults = list(Category.objects.filter(level="fault_type"))
    if not faults:
        raise CommandError("no fault categories: run migrate first")
    code = form_code_get(key=WorkOrder.FORM_KEY, default=WorkOrder.FORM_CODE_DEFAULT)
    callback_agent = requesters[0][0]
    now = timezone.now()
    slots = _slots(calendar, now, only)
    recent = now - timedelta(days=20)
    clocks = sla_clocks(calendar, targets)

    created_total = 0
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        instants = sorted(rng.choice(slots) for _ in range(size))
        with transaction.atomic():
            numbers = numbers_for(code, instants)
            orders, answers = [], []
            for created in instants:
                requester, department = rng.choice(requesters)
                level = rng.choice(weighted)
                impact, urgency = rng.choice(list(Level3)), rng.choice(list(Level3))
                priority = priority_for(impact, urgency)
                response, resolution = clocks(created, level.pk, priority)
                is_open = rng.random() < (0.25 if created > recent else 0.01)
                order = WorkOrder(
                    number=numbers[timezone.localdate(created)].pop(0),
                    title="基准工单",
                    channel=rng.choice([Channel.WEB, Channel.PHONE, Channel.MAIL]),
                    requester_id=requester,
                    created_by_id=requester,
                    department_id=department,
                    category=rng.choice(faults),
                    impact=impact,
                    urgency=urgency,
                    priority=priority,
                    service_level=level,
                    status=Status.IN_PROGRESS if is_open else Status.CLOSED,
                    response_warn_at=response.warn_at,
                    response_due_at=response.due_at,
                    response_escalate_at=response.escalate_at,
                    resolve_warn_at=resolution.warn_at,
                    resolve_due_at=resolution.due_at,
                    resolve_escalate_at=resolution.escalate_at,
                    queue_due_at=resolution.due_at if is_open else QUEUE_NEVER,
                    dispatch_due_at=created + timedelta(minutes=10),
                    created_at=created,
                    updated_at=created,
                )
                late_answer = rng.random() < 0.06
                if not is_open or rng.random() < 0.7:
                    order.responded_at = (
                        response.due_at + timedelta(minutes=30)
                        if late_answer
                        else created + timedelta(minutes=rng.randint(3, 50))
                    )
                    order.response_breached = late_answer
                if not is_open:
                    at_desk = rng.random() < 0.4
                    late_fix = rng.random() < 0.09
                    order.resolved_at = (
                        resolution.due_at + timedelta(hours=2)
                        if late_fix
                        else created + timedelta(minutes=rng.randint(10, 200))
                    )
                    order.responded_at = min(order.responded_at, order.resolved_at)
                    order.closed_at = order.resolved_at + timedelta(hours=3)
                    order.resolution_breached = late_fix
                    order.first_contact_resolution = at_desk
                    if not at_desk:
                        order.assigned_at = created + timedelta(minutes=rng.randint(2, 14))
                    if rng.random() < 0.25:
                        order.rating = rng.choices([5, 4, 3, 2, 1], weights=[60, 30, 6, 3, 1])[0]
                    if rng.random() < 0.9:
                        reached = rng.random() < 0.93
                        satisfaction = (
                            rng.choices([5, 4, 3, 2], weights=[70, 25, 4, 1])[0]
                            if reached
                            else None
                        )
                        order.callback_satisfaction = satisfaction
                        answers.append((order, reached, satisfaction))
                orders.append(order)
            with historic_timestamps(WorkOrder):
                WorkOrder.objects.bulk_create(orders, batch_size=1000)
            Callback.objects.bulk_create(
                [
                    Callback(
                        work_order=order,
                        agent_id=callback_agent,
                        outcome="reached" if reached else "not_reached",
                        satisfaction=satisfaction,
                        at=order.closed_at,
                    )
                    for order, reached, satisfaction in answers
                ],
                batch_size=2000,
            )
        created_total += size
    return created_total


def _delete_from(first_pk: int) -> None:
    """Remove the work orders from `first_pk` on (and with them their call-backs)."""
    while True:
        pks = list(WorkOrder.objects.filter(pk__gte=first_pk).values_list("pk", flat=True)[:BATCH])
        if not pks:
            return
        with transaction.atomic():
            Callback.objects.filter(work_order_id__in=pks).delete()
            WorkOrder.objects.filter(pk__in=pks).delete()
