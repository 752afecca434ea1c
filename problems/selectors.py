"""Reads of problems that depend on who is asking, the suggestions and the chart data."""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from incidents.choices import Status as WorkOrderStatus
from incidents.models import WorkOrder
from incidents.volumes import received_by_category
from servicedesk.models import Category

from .choices import OPEN_STATUSES, FishboneCategory, ParetoBasis, ProblemStatus
from .models import FishboneCause, Problem, ProblemWorkOrder

DEFAULT_SUGGESTION_THRESHOLD = 3


def problem_list(*, user, status: str = "", query: str = "") -> QuerySet[Problem]:
    """Problems for the IT staff who may read them; nothing for anyone else."""
    problems = (
        Problem.objects.restrict(user, "view")
        .select_related("owner__person", "category__parent__parent", "device")
        .annotate(work_order_count=Count("work_order_links", distinct=True))
    )
    if status == "open":
        problems = problems.filter(status__in=OPEN_STATUSES)
    elif status:
        problems = problems.filter(status=status)
    if query:
        problems = problems.filter(Q(number__icontains=query) | Q(title__icontains=query))
    return problems.order_by("-created_at", "-id")


def problem_get(*, user, number: str) -> Problem | None:
    lookup = Q(pk=int(number)) if str(number).isdecimal() else Q(number=number)
    return (
        Problem.objects.restrict(user, "view")
        .select_related("owner__person", "created_by__person", "category__parent__parent", "device")
        .filter(lookup)
        .first()
    )


def problem_work_orders(*, problem) -> QuerySet[WorkOrder]:
    return problem.work_orders.select_related(
        "requester__person", "assignee__person", "category", "device"
    ).order_by("-created_at")


def problem_causes(*, problem) -> list[tuple[str, str, list[FishboneCause]]]:
    """(category, label, causes) for each of the six bones, in the 人机料法环测 order."""
    by_category: dict[str, list] = {value: [] for value in FishboneCategory.values}
    for cause in problem.causes.order_by("pk"):
        by_category.setdefault(cause.category, []).append(cause)
    return [(value, str(label), by_category[value]) for value, label in FishboneCategory.choices]


def known_error_list(*, user) -> QuerySet[Problem]:
    """Known errors with their workarounds, newest first: what the desk tells callers."""
    return (
        Problem.objects.restrict(user, "view")
        .filter(status=ProblemStatus.KNOWN_ERROR)
        .select_related("category__parent__parent", "device")
        .order_by("-workaround_published_at", "-id")
    )


# --- suggestions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A recurring fault: `count` work orders on one device or in one category."""

    kind: str  # "device" | "category"
    key: int
    label: str
    count: int
    latest: datetime
    # An open problem already about this device or category: the recurrences belong on it,
    # so the page offers to link them there rather than raise a duplicate problem.
    open_problem: "OpenProblem | None" = None


@dataclass(frozen=True)
class OpenProblem:
    number: str
    title: str


def suggestion_threshold() -> int:
    return int(settings.ITSM.get("PROBLEM_SUGGESTION_THRESHOLD", DEFAULT_SUGGESTION_THRESHOLD))


def _unlinked_recent(since) -> QuerySet[WorkOrder]:
    """Work orders since `since`, not cancelled, not yet linked to an open problem."""
    linked = ProblemWorkOrder.objects.filter(problem__status__in=OPEN_STATUSES).values(
        "work_order_id"
    )
    return (
        WorkOrder.objects.filter(created_at__gte=since)
        .exclude(status=WorkOrderStatus.CANCELLED)
        .exclude(pk__in=linked)
    )


def problem_suggestions(
    *, since_days: int = 30, threshold: int | None = None, now=None
) -> list[Suggestion]:
    """Devices and categories with at least `threshold` unlinked work orders in the window.

    One grouped query (GROUP BY … HAVING) per grouping, the labels joined in, and one
    more for the open problems that already cover a suggested device or category (set
    as `open_problem`, the newest if there are several); most work orders first.
    """
    threshold = suggestion_threshold() if threshold is None else threshold
    since = (now or timezone.now()) - timedelta(days=since_days)
    recent = _unlinked_recent(since)
    suggestions = []
    by_device = (
        recent.filter(device__isnull=False)
        .values("device", "device__asset_tag", "device__name")
        .annotate(n=Count("id"), latest=Max("created_at"))
        .filter(n__gte=threshold)
        .order_by()
    )
    for row in by_device:
        suggestions.append(
            Suggestion(
                "device",
                row["device"],
                f"{row['device__asset_tag']} {row['device__name']}",
                row["n"],
                row["latest"],
            )
        )
    by_category = (
        recent.filter(category__isnull=False)
        .values("category", "category__name", "category__parent__name")
        .annotate(n=Count("id"), latest=Max("created_at"))
        .filter(n__gte=threshold)
        .order_by()
    )
    for row in by_category:
        parent = row["category__parent__name"]
        label = f"{parent} / {row['category__name']}" if parent else row["category__name"]
        suggestions.append(Suggestion("category", row["category"], label, row["n"], row["latest"]))
    suggestions = _with_open_problems(suggestions)
    suggestions.sort(key=lambda s: (-s.count, s.kind, s.label))
    return suggestions


def _with_open_problems(suggestions: list[Suggestion]) -> list[Suggestion]:
    if not suggestions:
        return suggestions
    devices = {s.key for s in suggestions if s.kind == "device"}
    categories = {s.key for s in suggestions if s.kind == "category"}
    rows = (
        Problem.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(device_id__in=devices) | Q(category_id__in=categories))
        .order_by("created_at", "id")
        .values_list("device_id", "category_id", "number", "title")
    )
    covering: dict[tuple[str, int], OpenProblem] = {}
    for device_id, category_id, number, title in rows:  # oldest first: the newest wins
        if device_id in devices:
            covering[("device", device_id)] = OpenProblem(number, title)
        if category_id in categories:
            covering[("category", category_id)] = OpenProblem(number, title)
    return [replace(s, open_problem=covering.get((s.kind, s.key))) for s in suggestions]


def open_problem_covering(*, kind: str, key: int) -> Problem | None:
    """The newest open problem about this device or category, if any."""
    if kind not in ("device", "category"):
        return None
    return (
        Problem.objects.filter(status__in=OPEN_STATUSES, **{f"{kind}_id": key})
        .order_by("-created_at", "-id")
        .first()
    )


def suggestion_work_orders(*, kind: str, key: int, since_days: int = 30, now=None):
    """The work orders behind one suggestion, newest first."""
    if kind not in ("device", "category"):
        return WorkOrder.objects.none()
    since = (now or timezone.now()) - timedelta(days=since_days)
    return (
        _unlinked_recent(since)
        .filter(**{f"{kind}_id": key})
        .select_related("requester__person", "device", "category")
        .order_by("-created_at")
    )


# --- Pareto data ------------------------------------------------------------------------


def _bounds(since: date, until: date):
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(since, time.min), zone)
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min), zone)
    return start, end


def pareto_data(*, since: date, until: date, basis: str = ParetoBasis.CATEGORY):
    """[(label, count)] for the Pareto chart over the days `since`..`until`, largest first.

    `category`: work orders received by category, from the daily volumes (a year over a
    million orders reads a few thousand rows; incidents.volumes); `cause`: fishbone causes
    by bone, of the problems raised in the period, one grouped query.
    """
    start, end = _bounds(since, until)
    if basis == ParetoBasis.CAUSE:
        labels = dict(FishboneCategory.choices)
        rows = (
            FishboneCause.objects.filter(
                problem__created_at__gte=start, problem__created_at__lt=end
            )
            .values("category")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
        return [(str(labels.get(r["category"], r["category"])), r["n"]) for r in rows]
    counts = received_by_category(since=since, until=until)
    categories = Category.objects.filter(pk__in=[pk for pk in counts if pk]).select_related(
        "parent"
    )
    names = {c.pk: f"{c.parent.name} / {c.name}" if c.parent_id else c.name for c in categories}
    ranked = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))
    return [(names.get(pk, "—") if pk else "—", n) for pk, n in ranked if n]


def problems_in_period(*, start: datetime, end: datetime) -> QuerySet[Problem]:
    """Problems raised or closed in [start, end), for the monthly service summary."""
    return (
        Problem.objects.filter(
            Q(created_at__gte=start, created_at__lt=end)
            | Q(closed_at__gte=start, closed_at__lt=end)
        )
        .select_related("owner__person")
        .order_by("created_at", "pk")
    )
