"""Seeding for `manage.py bench`: realistic work orders in bulk (COPY on PostgreSQL),
the SLA notices already due, and the people they belong to. The command times; this
module only writes the rows it times."""

import random
import secrets
import time
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from incidents import scans, sla
from incidents.choices import OPEN_STATUSES, Channel, EventKind, Level3, Status
from incidents.models import SlaNotice, WorkOrder, WorkOrderEvent, WorkOrderTerm
from incidents.models.work_order import QUEUE_NEVER, SCAN_NOW
from incidents.priority import priority_for
from incidents.search import row_terms
from incidents.seeding import numbers_for, sla_clocks, sla_target_table
from itsm.bulk import copy_rows, pk_sequence_reset
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


def agent():
    """The demo service-desk agent; the demo people are seeded first if they are missing."""
    user_model = get_user_model()
    agent = user_model.objects.filter(username="agent").first()
    if agent is None:
        from servicedesk import demo

        demo.seed(password=secrets.token_urlsafe(16))  # nobody logs in with it
        agent = user_model.objects.get(username="agent")
    return agent


def requesters(agent):
    users = list(
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(pk=agent.pk)
        .select_related("person__department")[:200]
    )
    return users or [agent]


def engineers(agent):
    users = list(get_user_model().objects.filter(is_active=True, groups__name=Role.ENGINEER))
    return users or [agent]


def reporter():
    """An end user who files faults: the demo's, or any active user with a person."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(username="enduser").first()
        or user_model.objects.filter(is_active=True, person__isnull=False).first()
    )


def seed(count, *, open_share, requesters, engineers) -> int:
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


def seed_told(now) -> int:
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


def delete_from(first_pk: int) -> None:
    """Remove the work orders from `first_pk` on (the seeded ones and those filed while timing)."""
    while True:
        pks = list(WorkOrder.objects.filter(pk__gte=first_pk).values_list("pk", flat=True)[:BATCH])
        if not pks:
            return
        with transaction.atomic():
            WorkOrderEvent.objects.filter(work_order_id__in=pks).delete()
            WorkOrder.objects.filter(pk__in=pks).delete()
