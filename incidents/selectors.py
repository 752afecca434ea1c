"""Reads of work orders that depend on who is asking."""

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from itsm.actors import is_system_user
from itsm.sql import reverse_exists

from . import permissions
from .choices import OPEN_STATUSES, HoldReason, Status
from .models import Attachment, WorkOrder, WorkOrderEvent, WorkOrderLink
from .models.work_order import QUEUE_NEVER

DUE_SOON = timedelta(minutes=30)
COUNTS_VERSION_KEY = "incidents:queue-counts-version"
COUNTS_TTL = 15  # seconds; "due within 30 min" may lag this much
COUNT_CAP = 1000  # a tab shows "999+" beyond: nobody reads a longer queue by its count

# Queue key → label, in the order of the tabs.
QUEUES = {
    "open": _("Open"),
    "unassigned": _("Unassigned"),
    "mine": _("Mine"),
    "team": _("My teams"),
    "due_soon": _("Due within 30 min"),
    "breached": _("Breached"),
    "waiting_user": _("Waiting for user"),
    "waiting_vendor": _("Waiting for vendor"),
    "waiting_parts": _("Waiting for parts"),
    "resolved_awaiting_callback": _("Awaiting callback"),
}


def queue_statuses(queue: str) -> set[str]:
    """The statuses a queue's rows can have: a status filter outside them overrides the tab."""
    return {
        "unassigned": {Status.NEW, Status.REOPENED},
        "waiting_user": {Status.ON_HOLD},
        "waiting_vendor": {Status.ON_HOLD},
        "waiting_parts": {Status.ON_HOLD},
        "resolved_awaiting_callback": {Status.RESOLVED},
    }.get(queue, set(OPEN_STATUSES))


LIST_RELATED = (
    "requester__person",
    "assignee__person",
    "category",
    "team",
    "device",
    "department",
)
# The work-order page's relations. One query joining all eighteen tables cost PostgreSQL
# 5-13 ms to plan (the join order search grows much faster than the joins) and under 1 ms
# to run; the small tables join here, people, the device and the location are read by
# key in a query each (`_detail_relations_load`).
# The work-order page joins only these one-row-each small tables; the category and its
# parents come from the cached table of active categories (`_detail_relations_load`):
# PostgreSQL spent over a millisecond planning its three extra joins.
DETAIL_JOINED = ("team", "department", "service_level")


def _queue_q(user, queue: str, now, *, open_: Q | None = None) -> Q:
    """The rows of `queue`; `open_` is how "still open" is tested (the status by default)."""
    if open_ is None:
        open_ = Q(status__in=OPEN_STATUSES)
    # Only the asked queue's condition is built: "team" reads the user's teams.
    match queue:
        case "open":
            return open_
        case "unassigned":
            return Q(status__in=[Status.NEW, Status.REOPENED], assignee__isnull=True)
        case "mine":
            return open_ & Q(assignee=user)
        case "team":
            return open_ & Q(team_id__in=permissions.team_ids(user))
        case "due_soon":
            return (
                open_
                & ~Q(status=Status.ON_HOLD)
                & Q(resolve_due_at__gte=now, resolve_due_at__lte=now + DUE_SOON)
            )
        case "breached":
            return open_ & (
                Q(resolution_breached=True) | Q(resolve_due_at__lt=now) & ~Q(status=Status.ON_HOLD)
            )
        case "waiting_user":
            return Q(status=Status.ON_HOLD, hold_reason=HoldReason.USER)
        case "waiting_vendor":
            return Q(status=Status.ON_HOLD, hold_reason=HoldReason.VENDOR)
        case "waiting_parts":
            return Q(status=Status.ON_HOLD, hold_reason=HoldReason.PARTS)
        case "resolved_awaiting_callback":
            return Q(status=Status.RESOLVED)
    raise KeyError(queue)


def work_order_list(*, user, queue: str | None = None, filters=None) -> QuerySet[WorkOrder]:
    """The visible work orders: a queue of open work soonest due first, or (no queue) all
    of them newest first.

    `filters` is a mapping as the queue page's filter form takes it (see filters.py).
    """
    # No joins here: SQLite would drive the query from a joined table and sort; the
    # page's rows get their related objects afterwards (work_order_rows).
    orders = WorkOrder.objects.restrict(user, "view")
    in_queue_order = queue and queue != "resolved_awaiting_callback"
    if queue:
        if queue not in QUEUES:
            raise ValueError(queue)
        # queue_due_at is below QUEUE_NEVER exactly while an order is open (services keep
        # it so), so the queues of open work test that instead of the status: testing
        # both makes PostgreSQL multiply the two (the same) selectivities, expect a
        # fifth of the open rows, and choose a parallel plan or a sort over the walk
        # down the wo_open_queue index (18 ms instead of 2 for 打印 at 100k orders).
        open_ = Q() if in_queue_order else None
        orders = orders.filter(_queue_q(user, queue, timezone.now(), open_=open_))
    if filters:
        from .filters import WorkOrderFilter

        orders = WorkOrderFilter(filters, queryset=orders).qs
    if in_queue_order:
        # Open work, soonest resolution due first, paused last: the wo_open_queue index.
        return orders.filter(queue_due_at__lt=QUEUE_NEVER).order_by("queue_due_at", "pk")
    return orders.order_by("-created_at", "-pk")


# What a queue row shows, read as plain values: no model instances for fifty rows and
# their five related objects each (that was a quarter of the page's time).
ROW_VALUES = (
    "pk",
    "number",
    "title",
    "status",
    "priority",
    "resolve_due_at",
    "requester_id",
    "department_id",
    "assignee_id",
    "team_id",
    "category_id",
)


def work_order_rows(pks) -> list[dict]:
    """The rows of one page, in the page's order, with what the list shows: the orders'
    own columns, then their people (two queries); departments, teams and categories by
    key from their cached tables.

    One query joining the seven tables took PostgreSQL ~5 ms to plan (the join orders it
    weighs), five times its execution, on every queue page.
    """
    from django.contrib.auth import get_user_model

    from servicedesk.directory import staff_directory
    from servicedesk.models import Category
    from servicedesk.selectors import organisation_table

    pks = list(pks)
    by_pk = {row["pk"]: row for row in WorkOrder.objects.filter(pk__in=pks).values(*ROW_VALUES)}
    rows = [by_pk[pk] for pk in pks if pk in by_pk]
    user_ids = {row[f"{field}_id"] for row in rows for field in ("requester", "assignee")}
    people = {
        pk: (username, name)
        for pk, username, name in get_user_model()
        .objects.filter(pk__in=user_ids - {None})
        .values_list("pk", "username", "person__name")
    }
    departments = organisation_table()["departments"]
    teams = dict(staff_directory().teams)
    categories = {category.pk: category.name for category in Category.active()}
    retired = {row["category_id"] for row in rows} - set(categories) - {None}
    if retired:  # a category retired since: read by key
        categories.update(Category.objects.filter(pk__in=retired).values_list("pk", "name"))
    for row in rows:
        for field in ("requester", "assignee"):
            username, name = people.get(row[f"{field}_id"], (None, None))
            row[f"{field}__username"], row[f"{field}__person__name"] = username, name
        department = departments.get(row["department_id"])
        row["department__name"] = department.name if department is not None else None
        row["team__name"] = teams.get(row["team_id"])
        row["category__name"] = categories.get(row["category_id"])
    return rows


def work_order_list_mine(*, user) -> QuerySet[WorkOrder]:
    """What `user` reported, open ones first, newest first."""
    return (
        WorkOrder.objects.filter(requester=user)
        .select_related("category", "assignee__person")
        .order_by(F("closed_at").desc(nulls_first=True), "-created_at", "-pk")
    )


def queue_counts(user) -> dict[str, int]:
    """Rows per queue for the tabs, at most COUNT_CAP each (a fixed number of queries).

    Every queue is open or awaiting callback, so the counts read those rows only, never
    the closed history. The figures are cached for a few seconds per user and dropped
    whenever any work order changes.
    """
    key = f"incidents:queue-counts:{user.pk}:{cache.get_or_set(COUNTS_VERSION_KEY, 1, None)}"
    counts = cache.get(key)
    if counts is None:
        now = timezone.now()
        visible = WorkOrder.objects.restrict(user, "view")
        if permissions.sees_all(user):
            # The desk sees every open order: each tab through its own index, stopping
            # at the cap (under 1 ms a tab with 100,000 open orders, where one aggregate
            # over them all takes ~90 ms on PostgreSQL and ~120 ms on SQLite).
            counts = {
                name: visible.filter(_queue_q(user, name, now))
                .order_by()
                .values("pk")[:COUNT_CAP]
                .count()
                for name in QUEUES
            }
        else:
            # An engineer's own and team orders are few: one aggregate reads them once
            # (per-tab queries would each test the visibility rule again).
            aggregates = {name: Count("pk", filter=_queue_q(user, name, now)) for name in QUEUES}
            counts = visible.filter(status__in=[*OPEN_STATUSES, Status.RESOLVED]).aggregate(
                **aggregates
            )
        cache.set(key, counts, timeout=COUNTS_TTL)
    return counts


def queue_counts_changed() -> None:
    """Called by every work-order write: the next queue page counts afresh."""
    try:
        cache.incr(COUNTS_VERSION_KEY)
    except ValueError:
        cache.set(COUNTS_VERSION_KEY, 1, None)


def queue_tabs(user) -> list[dict]:
    """The tabs: key, label, count, and the count as shown ("999+" from COUNT_CAP on)."""
    counts = queue_counts(user)
    return [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "shown": f"{COUNT_CAP - 1}+" if counts[key] >= COUNT_CAP else str(counts[key]),
        }
        for key, label in QUEUES.items()
    ]


# What the page lists from other tables that most orders have none of: whether there is
# any is read with the order (an EXISTS each, as SQL written once: itsm.sql), and a list
# known empty is not queried (`has_none`). Reverse relations by name: the emergency is
# the emergencies app's.
PRESENT = ("service_records", "complaints", "links", "attachments", "emergency")


def _presence() -> dict:
    # SQL naming the order's table: only for a top-level query of orders (itsm.sql).
    return {f"_present_{name}": reverse_exists(WorkOrder, name) for name in PRESENT}


def has_none(work_order, relation: str) -> bool:
    """True when the page's read of `work_order` found no rows of `relation` (PRESENT)."""
    return getattr(work_order, f"_present_{relation}", True) is False


def work_order_get(*, user, number: str) -> WorkOrder:
    """One work order with what its page shows; 404 when `user` may not see it."""
    work_order = (
        WorkOrder.objects.restrict(user, "view")
        .select_related(*DETAIL_JOINED)
        .annotate(**_presence())
        .filter(number=number)
        .order_by()[:1]
    )
    work_order = next(iter(work_order), None)
    if work_order is None:
        raise Http404
    if has_none(work_order, "emergency"):
        # As a read that found none would leave it: the page's `wo.emergency` is empty.
        WorkOrder._meta.get_field("emergency").set_cached_value(work_order, None)
    _detail_relations_load(work_order)
    return work_order


# The order's people the page reads with it (with their person): the timeline's actors
# are mostly these.
ORDER_PEOPLE = ("requester", "assignee", "created_by")


def _detail_relations_load(work_order: WorkOrder) -> None:
    """Requester, assignee and creator (with their people) in one query; the category
    from the cache; the device and the location, the parent and the order it was merged
    into, each by key when set."""
    from cmdb.models import ConfigurationItem
    from servicedesk.models import Category, Location

    if work_order.category_id:
        category = next((c for c in Category.active() if c.pk == work_order.category_id), None)
        if category is None:  # retired since: read with its parents
            category = Category.objects.select_related("parent__parent").get(
                pk=work_order.category_id
            )
        work_order.category = category

    user_ids = {getattr(work_order, f"{field}_id") for field in ORDER_PEOPLE} - {None}
    users = _users_with_person(user_ids)
    for field in ORDER_PEOPLE:
        pk = getattr(work_order, f"{field}_id")
        if pk in users:
            setattr(work_order, field, users[pk])
    if work_order.device_id:
        work_order.device = ConfigurationItem.objects.select_related("ci_class").get(
            pk=work_order.device_id
        )
    if work_order.location_id:
        work_order.location = Location.objects.select_related("building").get(
            pk=work_order.location_id
        )
    others = {work_order.parent_id, work_order.merged_into_id} - {None}
    if others:
        found = WorkOrder.objects.in_bulk(others)
        for field in ("parent", "merged_into"):
            pk = getattr(work_order, f"{field}_id")
            if pk in found:
                setattr(work_order, field, found[pk])


def sees_internal(user, work_order, *, fresh=False) -> bool:
    """Internal notes and files are for the staff who may add them (asked once per page:
    the timeline, the files and the complaints all ask). `fresh`: `work_order` was read
    in this request, so the rule is decided on it without a query."""
    known = work_order.__dict__.setdefault("_sees_internal", {})
    if user.pk not in known:
        refusal = permissions.work_order_refusals(user, work_order, ["note"], fresh=fresh)
        known[user.pk] = not refusal["note"]
    return known[user.pk]


def work_order_timeline(*, user, work_order) -> list[WorkOrderEvent]:
    """Events oldest first, internal ones only for staff; each with its visible attachments
    (read once with the page's list of files: `work_order_attachments`)."""
    internal = sees_internal(user, work_order)
    events = work_order.events.all()  # the actors below: most are already in hand
    if not internal:
        events = events.filter(is_internal=False)
    files: dict[int, list[Attachment]] = {}
    for attachment in work_order_attachments(user=user, work_order=work_order):
        files.setdefault(attachment.event_id, []).append(attachment)
    status_labels = dict(Status.choices)
    result = list(events)
    _actors_load(result, user=user, work_order=work_order)
    for event in result:
        # As prefetch_related stores its rows, so `event.attachments.all()` (the page and
        # the API's serializer) reads these without a query of its own.
        prefetched = event.attachments.all()
        prefetched._result_cache = files.get(event.pk, [])
        prefetched._prefetch_done = True
        event._prefetched_objects_cache = {"attachments": prefetched}
        event.status_from_label = status_labels.get(event.status_from, "")
        event.status_to_label = status_labels.get(event.status_to, "")
        data = event.data if isinstance(event.data, dict) else {}
        event.score = data.get("satisfaction") or data.get("rating")
        # What the system did (scans, auto-close) shows as "system", not as an account.
        event.by = None if event.actor is not None and is_system_user(event.actor) else event.actor
    return result


def _users_with_person(ids) -> dict:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.select_related("person").in_bulk(ids)


def _actors_load(events, *, user, work_order) -> None:
    """Each event's actor with their person. Most are people the page has in hand (the
    viewer, the requester, the assignee, the creator, each read with their person): only
    the others are read, in one query. Joining every event to its actor and person cost the
    page 0.7 ms of ORM work for rows it mostly had."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    person = user_model._meta.get_field("person")
    in_hand = [user]
    for name in ORDER_PEOPLE:
        if WorkOrder._meta.get_field(name).is_cached(work_order):
            in_hand.append(getattr(work_order, name))
    known = {u.pk: u for u in in_hand if isinstance(u, user_model) and person.is_cached(u)}
    missing = {e.actor_id for e in events} - known.keys() - {None}
    if missing:
        known.update(_users_with_person(missing))
    actor = WorkOrderEvent._meta.get_field("actor")
    for event in events:
        if event.actor_id is not None:
            # None: deleted between the two reads (SET_NULL), as a join would have found
            actor.set_cached_value(event, known.get(event.actor_id))


def work_order_attachments(*, user, work_order) -> list[Attachment]:
    """The order's files `user` may see, oldest first (read once per page)."""
    known = work_order.__dict__.setdefault("_visible_attachments", {})
    if user.pk not in known and has_none(work_order, "attachments"):
        known[user.pk] = []
    if user.pk not in known:
        attachments = work_order.attachments.order_by("created_at", "pk")
        if not sees_internal(user, work_order):
            attachments = attachments.filter(is_internal=False)
        known[user.pk] = list(attachments)
    return known[user.pk]


def attachment_get(*, user, work_order, pk: int) -> Attachment:
    attachment = work_order.attachments.filter(pk=pk).first()
    if attachment is None or (attachment.is_internal and not sees_internal(user, work_order)):
        raise Http404
    return attachment


def device_open_work_orders(*, user, work_order, limit: int = 10) -> list[WorkOrder]:
    """The device's other open work orders `user` may see, for the staff page's device panel."""
    if not work_order.device_id:
        return []
    return list(
        WorkOrder.objects.restrict(user, "view")
        .open()
        .filter(device_id=work_order.device_id)
        .exclude(pk=work_order.pk)
        .select_related("assignee__person")
        .order_by("-created_at")[:limit]
    )


def work_order_links(*, work_order) -> list[WorkOrderLink]:
    if has_none(work_order, "links"):
        return []
    # prefetch_related on the generic key: one query per linked model, not per link.
    return list(
        work_order.links.select_related("content_type")
        .prefetch_related("target")
        .order_by("created_at")
    )


def requester_recent(*, requester, limit: int = 10) -> list[WorkOrder]:
    return list(
        WorkOrder.objects.filter(requester=requester)
        .select_related("category", "assignee__person", "device")
        .order_by("-created_at")[:limit]
    )


def complaint_list():
    """Complaints for the supervisor and the manager, open first, newest first."""
    from .models import Complaint

    return Complaint.objects.select_related(
        "work_order",
        "cause",
        "department",
        "engineer__person",
        "raised_by__person",
        "complainant__person",
        "handled_by__person",
    ).order_by("status", "-created_at")


def complaint_causes():
    """The active complaint causes, in their order (the handling form's choices)."""
    from .models import ComplaintCause

    return ComplaintCause.objects.filter(is_active=True).order_by("sort_order", "name")


def complaint_open_count() -> int:
    """Open complaints, for the queue's tab and the menu (one query)."""
    from .models import Complaint
    from .models.quality import ComplaintStatus

    return Complaint.objects.filter(status=ComplaintStatus.OPEN).count()


def work_order_complaints(*, user, work_order) -> list:
    """The complaints about this work order that `user` may read: staff all of them, the
    requester the ones they made."""
    from .models import Complaint

    if has_none(work_order, "complaints"):
        return []
    # Most orders have none: one query with no joins (planning the list's seven joins
    # cost PostgreSQL more than running it); the people are read only when there are rows.
    complaints = (
        Complaint.objects.filter(work_order=work_order)
        .prefetch_related(
            "cause",
            "department",
            "engineer__person",
            "raised_by__person",
            "complainant__person",
            "handled_by__person",
        )
        .order_by("status", "-created_at")
    )
    if not sees_internal(user, work_order):
        complaints = complaints.filter(complainant=user)
    rows = list(complaints)
    for complaint in rows:
        complaint.work_order = work_order
    return rows
