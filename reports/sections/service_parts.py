"""Tables and charts of the service section, each from one grouped query (no per-row
queries: the number of queries does not grow with the work orders)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext_noop as N_

from incidents.choices import Channel

from ..definitions import Chart, Column, Drill, Series, Table

UNCLASSIFIED = N_("Not classified")
PATH_SEPARATOR = " › "
AGE_BUCKETS = ((0, 1), (2, 3), (4, 7), (8, 15), (16, None))


def english(choices, value) -> str:
    """A choice's label as its msgid (English source), translated when rendered."""
    if value not in choices.values:
        return value
    with translation.override("en"):
        return str(choices(value).label)


def local(instant: datetime | None) -> str | None:
    return timezone.localtime(instant).strftime("%Y-%m-%d %H:%M") if instant else None


def person_name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return person.name if person is not None else user.get_username()


def _share(n: int, total: int) -> float | None:
    return round(n / total, 4) if total else None


def _count_table(key, title, first_column, rows, total, drills, definition) -> Table:
    return Table(
        key=key,
        title=title,
        columns=[
            Column("name", first_column),
            Column("count", N_("Work orders"), "count"),
            Column("share", N_("Share"), "percent"),
        ],
        rows=[[name, n, _share(n, total)] for name, n in rows],
        definition=definition,
        row_drills=drills,
    )


def _count_chart(key, title, kind, table: Table) -> Chart:
    return Chart(
        key=key,
        title=title,
        kind=kind,
        categories=[row[0] for row in table.rows],
        series=[Series(N_("Work orders"), [row[1] for row in table.rows])],
        table=table.key,
    )


RECEIVED_DEFINITION = N_(
    "Work orders received (created) in the period, cancelled ones (withdrawn, duplicates "
    "merged into another) left out; by the value recorded on the work order today."
)


def volumes(orders, params: dict) -> tuple[list[Table], list[Chart], list]:
    """Received work orders by channel, category path, department and service level.

    Returns the tables, the charts and the category rows (reused by the Pareto)."""
    total = 0
    channel_rows, channel_drills = [], []
    for row in orders.values("channel").annotate(n=Count("pk")).order_by("-n", "channel"):
        total += row["n"]
        channel_rows.append((english(Channel, row["channel"]), row["n"]))
        channel_drills.append(Drill("summary.received", {**params, "channel": row["channel"]}))
    by_channel = _count_table(
        "service.by_channel",
        N_("Work orders by channel"),
        N_("Channel"),
        channel_rows,
        total,
        channel_drills,
        RECEIVED_DEFINITION,
    )

    categories = list(
        orders.values(
            "category_id",
            "category__name",
            "category__parent_id",
            "category__parent__name",
            "category__parent__parent_id",
            "category__parent__parent__name",
        )
        .annotate(n=Count("pk"))
        .order_by("category_id")
    )
    for row in categories:
        names = [
            row["category__parent__parent__name"],
            row["category__parent__name"],
            row["category__name"],
        ]
        row["path"] = PATH_SEPARATOR.join(n for n in names if n) or UNCLASSIFIED
        top = row["category__parent__parent_id"] or row["category__parent_id"]
        row["top_id"] = top or row["category_id"]
        row["top_name"] = next((n for n in names if n), UNCLASSIFIED)
    categories.sort(key=lambda r: (r["category_id"] is None, r["path"]))
    by_category = _count_table(
        "service.by_category",
        N_("Work orders by category (problem type › system type › fault type)"),
        N_("Category"),
        [(r["path"], r["n"]) for r in categories],
        total,
        [
            Drill("summary.received", {**params, "category_id": r["category_id"]})
            for r in categories
        ],
        RECEIVED_DEFINITION,
    )
    tops: dict = {}
    for r in categories:
        name, n = tops.get(r["top_id"], (r["top_name"], 0))
        tops[r["top_id"]] = (name, n + r["n"])
    by_problem_type = _count_table(
        "service.by_problem_type",
        N_("Work orders by problem type"),
        N_("Problem type"),
        sorted(tops.values(), key=lambda t: (-t[1], t[0])),
        total,
        [],
        RECEIVED_DEFINITION,
    )

    departments = list(
        orders.values("department_id", "department__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "department__name")
    )
    by_department = _count_table(
        "service.by_department",
        N_("Work orders by department"),
        N_("Department"),
        [(r["department__name"] or N_("No department"), r["n"]) for r in departments],
        total,
        [
            Drill("summary.received", {**params, "department_id": r["department_id"]})
            for r in departments
        ],
        RECEIVED_DEFINITION,
    )

    levels = list(
        orders.values("service_level_id", "service_level__name", "service_level__rank")
        .annotate(n=Count("pk"))
        .order_by("-service_level__rank")
    )
    by_level = _count_table(
        "service.by_level",
        N_("Work orders by service level"),
        N_("Service level"),
        [(r["service_level__name"], r["n"]) for r in levels],
        total,
        [Drill("summary.received", {**params, "level_id": r["service_level_id"]}) for r in levels],
        RECEIVED_DEFINITION,
    )
    tables = [by_channel, by_category, by_problem_type, by_department, by_level]
    charts = [
        _count_chart("service.by_channel", N_("Work orders by channel"), "pie", by_channel),
        _count_chart(
            "service.by_problem_type", N_("Work orders by problem type"), "bar", by_problem_type
        ),
        _count_chart(
            "service.by_department", N_("Work orders by department"), "bar", by_department
        ),
        _count_chart("service.by_level", N_("Work orders by service level"), "pie", by_level),
    ]
    return tables, charts, categories


def pareto(categories: list, params: dict) -> tuple[Table, Chart]:
    """Fault types (the category recorded on the order) by count, most frequent first,
    with the cumulative share: the few types behind most of the work."""
    rows = sorted(categories, key=lambda r: (-r["n"], r["path"]))
    total = sum(r["n"] for r in rows)
    running, table_rows = 0, []
    for r in rows:
        running += r["n"]
        table_rows.append([r["path"], r["n"], _share(r["n"], total), _share(running, total)])
    table = Table(
        key="service.pareto",
        title=N_("Pareto of fault types"),
        columns=[
            Column("fault_type", N_("Fault type")),
            Column("count", N_("Work orders"), "count"),
            Column("share", N_("Share"), "percent"),
            Column("cumulative", N_("Cumulative share"), "percent"),
        ],
        rows=table_rows,
        definition=N_(
            "Received work orders by the category recorded on them (the fault type where "
            "the desk classified that far), most frequent first; cumulative share of all "
            "received work orders."
        ),
        row_drills=[
            Drill("summary.received", {**params, "category_id": r["category_id"]}) for r in rows
        ],
    )
    chart = Chart(
        key="service.pareto",
        title=N_("Pareto of fault types"),
        kind="pareto",
        # Pareto: first series the bars (counts), second the cumulative line (ratio 0–1).
        categories=[row[0] for row in table_rows],
        series=[
            Series(N_("Work orders"), [row[1] for row in table_rows]),
            Series(N_("Cumulative share"), [row[3] for row in table_rows]),
        ],
        table=table.key,
    )
    return table, chart


def breaches_table(misses, level_names: dict, params: dict) -> Table:
    """Every response and resolution miss (the orders incidents.metrics counts in
    response_missed / resolution_missed), earliest due first within each clock."""
    clock_label = {"response": N_("Response"), "resolution": N_("Resolution")}
    # A due point can be missing (an order whose level lost its target): listed last.
    misses = sorted(
        misses,
        key=lambda m: (
            m.clock != "response",
            m.due_at is None,
            m.due_at.timestamp() if m.due_at else 0,
            m.number,
        ),
    )
    return Table(
        key="service.breaches",
        title=N_("SLA breaches"),
        columns=[
            Column("number", N_("Number")),
            Column("title", N_("Title")),
            Column("level", N_("Service level")),
            Column("clock", N_("Clock")),
            Column("due", N_("Due")),
            Column("actual", N_("Actual")),
            Column("late", N_("Late by (business hours)"), "hours"),
        ],
        rows=[
            [
                m.number,
                m.title,
                level_names.get(m.service_level_id, ""),
                clock_label[m.clock],
                local(m.due_at) or "",
                local(m.actual_at) or N_("not yet"),
                round(m.late_by.total_seconds() / 3600, 2),
            ]
            for m in misses
        ],
        definition=N_(
            "Every work order received in the period that missed its response or resolution "
            "due point, compared in business time: an action with no business time past the "
            "due point is in time. An order not yet answered (resolved) is late by the "
            "business time from its due point to when the report was made."
        ),
        row_drills=[Drill("summary.received", {**params, "number": m.number}) for m in misses],
    )


def working_day_ages(calendar, first: date, last: date) -> dict[date, int]:
    """Working days from each day (exclusive) to `last` (inclusive); one pass, no queries."""
    ages, count, day = {}, 0, last
    while day >= first:
        ages[day] = count
        if calendar.is_working_day(day):
            count += 1
        day -= timedelta(days=1)
    return ages


def ageing(backlog_rows, calendar, period, params: dict) -> tuple[Table, Chart]:
    """The backlog at period end in buckets of working days since it was received.

    Each bucket is a range of reception days (the age only grows with time), so its drill
    is a plain date range."""
    last = period.end
    created_days = [timezone.localtime(created).date() for _pk, created in backlog_rows]
    first = min([*created_days, last - timedelta(days=60)])
    ages = working_day_ages(calendar, first, last)
    counts = [0] * len(AGE_BUCKETS)
    for day in created_days:
        age = ages[day]
        counts[next(i for i, (lo, hi) in enumerate(AGE_BUCKETS) if hi is None or age <= hi)] += 1
    labels, drills = [], []
    for lo, hi in AGE_BUCKETS:
        days = [d for d, age in ages.items() if age >= lo and (hi is None or age <= hi)]
        bucket = {**params}
        if days and hi is not None:
            bucket["created_from"] = _midnight(min(days))
        if days and lo > 0:
            bucket["created_to"] = _midnight(max(days) + timedelta(days=1))
        drills.append(Drill("summary.backlog", bucket))
        labels.append(f"{lo}–{hi}" if hi is not None else f">{lo - 1}")
    table = Table(
        key="service.ageing",
        title=N_("Backlog at period end by age (working days)"),
        columns=[
            Column("age", N_("Age (working days)")),
            Column("count", N_("Work orders"), "count"),
        ],
        rows=[[label, n] for label, n in zip(labels, counts, strict=True)],
        definition=N_(
            "Work orders open at the end of the period (received before it, neither resolved "
            "nor closed nor cancelled before it), by the working days from the day received "
            "(not counted) to the last day of the period, on the business calendar."
        ),
        row_drills=drills,
    )
    chart = Chart(
        key="service.ageing",
        title=N_("Backlog at period end by age (working days)"),
        kind="bar",
        categories=labels,
        series=[Series(N_("Work orders"), counts)],
        table=table.key,
    )
    return table, chart


def _midnight(day: date) -> str:
    return timezone.make_aware(datetime.combine(day, time.min)).isoformat()


def repeat_devices(orders, params: dict) -> tuple[Table, list[int]]:
    """Devices with two or more work orders received in the period (two queries)."""
    devices = list(
        orders.filter(device__isnull=False)
        .values("device_id", "device__asset_tag", "device__name")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("-n", "device__asset_tag")
    )
    ids = [d["device_id"] for d in devices]
    numbers: dict[int, list[str]] = {}
    for device_id, number in (
        orders.filter(device_id__in=ids).order_by("created_at").values_list("device_id", "number")
    ):
        numbers.setdefault(device_id, []).append(number)
    table = Table(
        key="service.repeat_devices",
        title=N_("Repeat devices"),
        columns=[
            Column("asset_tag", N_("Asset tag")),
            Column("name", N_("Device")),
            Column("count", N_("Work orders"), "count"),
            Column("numbers", N_("Work order numbers")),
        ],
        rows=[
            [d["device__asset_tag"], d["device__name"], d["n"], ", ".join(numbers[d["device_id"]])]
            for d in devices
        ],
        definition=N_(
            "Devices (configuration items) named on two or more work orders received in the "
            "period: candidates for problem management."
        ),
        row_drills=[
            Drill("summary.received", {**params, "device_id": d["device_id"]}) for d in devices
        ],
    )
    return table, ids


def record_table(key, title, records, *, kind_label, status_choices, title_of, params) -> Table:
    """Problems, changes or releases raised or closed in the period."""
    start = datetime.fromisoformat(params["start"])
    end = datetime.fromisoformat(params["end"])
    rows = []
    for record in records:
        opened = start <= record.created_at < end
        closed = record.closed_at is not None and start <= record.closed_at < end
        rows.append(
            [
                record.number,
                title_of(record),
                english(status_choices, record.status),
                local(record.created_at) if opened else None,
                local(record.closed_at) if closed else None,
            ]
        )
    return Table(
        key=key,
        title=title,
        columns=[
            Column("number", N_("Number")),
            Column("title", N_("Title")),
            Column("status", N_("Status")),
            Column("opened", N_("Raised in the period")),
            Column("closed", N_("Closed in the period")),
        ],
        rows=rows,
        definition=kind_label,
        row_drills=[],
    )
