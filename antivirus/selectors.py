"""Reads of the antivirus process, also the figures the reports app will render."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from cmdb.models import ConfigurationItem

from .checks import _segment_lookup, coverage_compute, live_endpoints, week_start
from .choices import RESOLVED_RESULTS, EventResult, ProtectionState
from .models import (
    AntivirusPolicy,
    ConsoleImport,
    CoverageSnapshot,
    Endpoint,
    EndpointSnapshot,
    NetworkSegment,
    Outbreak,
    ReinstallRequest,
    VirusEvent,
    WeeklyEvaluation,
)

ENDPOINT_RELATED = ("ci__department", "ci__responsible__person", "ci__ci_class")
PROBLEM_STATES = (ProtectionState.STALE, ProtectionState.NOT_REPORTING, ProtectionState.UNPROTECTED)


def endpoint_list(
    *,
    user,
    department: int | None = None,
    segment: NetworkSegment | None = None,
    product: str = "",
    state: str = "",
    problems: bool = False,
    unknown: bool = False,
    query: str = "",
):
    """Endpoints `user` may see, filtered; one query whatever the page size."""
    rows = Endpoint.objects.restrict(user, "view").select_related(*ENDPOINT_RELATED)
    if department:
        rows = rows.filter(ci__department_id=department)
    if product:
        rows = rows.filter(product=product)
    if state:
        rows = rows.filter(state=state)
    if problems:
        rows = rows.filter(state__in=PROBLEM_STATES)
    if unknown:
        rows = rows.filter(ci__isnull=True)
    if query:
        query = query.strip()
        rows = rows.filter(
            Q(ci__asset_tag__icontains=query)
            | Q(ci__name__icontains=query)
            | Q(ci__ip_address__icontains=query)
            | Q(reported_host__icontains=query)
            | Q(reported_ip__icontains=query)
        )
    if segment is not None:
        rows = rows.filter(_in_segment_q(segment))
    return rows.order_by("ci__asset_tag", "reported_host")


def _in_segment_q(segment: NetworkSegment) -> Q:
    """IPs inside a segment as a text-prefix filter where the mask allows, else by list."""
    network = segment.network
    if network.version == 4 and network.prefixlen in (8, 16, 24):
        prefix = ".".join(str(network.network_address).split(".")[: network.prefixlen // 8]) + "."
        return Q(ci__ip_address__startswith=prefix) | Q(
            ci__isnull=True, reported_ip__startswith=prefix
        )
    find = _segment_lookup([(segment.pk, segment.cidr)])
    ips = [
        ip
        for ip in ConfigurationItem.objects.exclude(ip_address=None).values_list(
            "ip_address", flat=True
        )
        if find(ip)
    ]
    reported = [
        ip
        for ip in Endpoint.objects.exclude(reported_ip=None).values_list("reported_ip", flat=True)
        if find(ip)
    ]
    return Q(ci__ip_address__in=ips) | Q(ci__isnull=True, reported_ip__in=reported)


def endpoint_products() -> list[str]:
    return list(
        Endpoint.objects.exclude(product="")
        .order_by("product")
        .values_list("product", flat=True)
        .distinct()
    )


def endpoint_for_ci(*, user, ci) -> Endpoint | None:
    return Endpoint.objects.restrict(user, "view").filter(ci=ci).first()


def endpoint_get(*, user, pk: int) -> Endpoint | None:
    return (
        Endpoint.objects.restrict(user, "view")
        .select_related(*ENDPOINT_RELATED, "install_work_order")
        .filter(pk=pk)
        .first()
    )


def endpoint_history(*, endpoint: Endpoint, limit: int = 60):
    return endpoint.snapshots.select_related("console_import").order_by("-taken_on", "-pk")[:limit]


def endpoint_state_on(*, endpoint: Endpoint, day: date) -> EndpointSnapshot | None:
    """What the consoles said about the endpoint on `day` (the last import up to then)."""
    return endpoint.snapshots.filter(taken_on__lte=day).order_by("-taken_on", "-pk").first()


def state_counts(*, user) -> dict:
    counts = dict(
        Endpoint.objects.restrict(user, "view")
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {state: counts.get(state, 0) for state in ProtectionState.values}


def import_list(*, user, limit: int = 30):
    return ConsoleImport.objects.restrict(user, "view").select_related(
        "profile", "created_by__person"
    )[:limit]


def event_list(*, user, since=None, until=None, threat: str = "", department: int | None = None):
    rows = VirusEvent.objects.restrict(user, "view").select_related("ci__department")
    if since:
        rows = rows.filter(detected_at__gte=since)
    if until:
        rows = rows.filter(detected_at__lt=until)
    if threat:
        rows = rows.filter(threat=threat)
    if department:
        rows = rows.filter(ci__department_id=department)
    return rows.order_by("-detected_at")


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _grouped(events, field: str, label: str, limit: int = 10) -> list[dict]:
    return [
        {"key": row[field], label: row[field], "count": row["count"], "hosts": row["hosts"]}
        for row in events.values(field)
        .annotate(count=Count("pk"), hosts=Count("host_name", distinct=True))
        .order_by("-count", field)[:limit]
    ]


def events_figures(*, start: date, end: date, top: int = 10) -> dict:
    """Events in [start, end): by department, threat, source host and result."""
    events = VirusEvent.objects.filter(
        detected_at__gte=day_start(start), detected_at__lt=day_start(end)
    )
    by_department = [
        {
            "department_id": row["ci__department"],
            "department": row["ci__department__name"] or "",
            "count": row["count"],
            "hosts": row["hosts"],
        }
        for row in events.values("ci__department", "ci__department__name")
        .annotate(count=Count("pk"), hosts=Count("host_name", distinct=True))
        .order_by("-count", "ci__department__name")
    ]
    by_result = {
        row["result"]: row["count"]
        for row in events.values("result").annotate(count=Count("pk")).order_by()
    }
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "total": sum(by_result.values()),
        "by_department": by_department,
        "by_threat": _grouped(events, "threat", "threat", top),
        "by_host": _grouped(events, "host_name", "host", top),
        "by_result": [
            {"result": value, "label": str(label), "count": by_result.get(value, 0)}
            for value, label in EventResult.choices
        ],
    }


def week_figures(*, week_of: date) -> dict:
    monday = week_start(week_of)
    figures = events_figures(start=monday, end=monday + timedelta(days=7))
    top = AntivirusPolicy.current().top_departments
    figures["top_departments"] = [row for row in figures["by_department"] if row["department_id"]][
        :top
    ]
    return figures


def evaluation_list(*, user, limit: int = 20):
    return WeeklyEvaluation.objects.restrict(user, "view").prefetch_related("sent_to")[:limit]


def coverage(*, user, weeks: int = 8) -> dict:
    """The coverage page: per segment live, protected, %, unprotected list and trend."""
    figures = coverage_compute()
    segments = list(
        NetworkSegment.objects.restrict(user, "view").select_related("department", "location")
    )
    this_week = week_start(timezone.localdate())
    history: dict[int, dict] = {}
    for snap in CoverageSnapshot.objects.filter(
        week_start__gte=this_week - timedelta(weeks=weeks)
    ).values_list("segment_id", "week_start", "live", "protected"):
        history.setdefault(snap[0], {})[snap[1]] = (snap[2], snap[3])
    shown = {
        pk: sorted(entry["unprotected"], key=lambda r: _ip_key(r["ip"]))[:UNPROTECTED_SHOWN]
        for pk, entry in figures["segments"].items()
    }
    unprotected_ci = {row["ci_id"] for rows in shown.values() for row in rows if row["ci_id"]}
    items = {
        ci.pk: ci
        for ci in ConfigurationItem.objects.filter(pk__in=unprotected_ci)
        .select_related("department", "av_endpoint")
        .only(
            "pk",
            "asset_tag",
            "name",
            "responsible_id",
            "department__name",
            "av_endpoint__id",
            "av_endpoint__ci",
        )
    }
    rows, total_live, total_protected = [], 0, 0
    previous_week = this_week - timedelta(weeks=1)
    for segment in segments:
        entry = figures["segments"].get(segment.pk, {"live": 0, "protected": 0, "unprotected": []})
        total_live += entry["live"]
        total_protected += entry["protected"]
        past = history.get(segment.pk, {}).get(previous_week)
        rows.append(
            {
                "segment": segment,
                "live": entry["live"],
                "protected": entry["protected"],
                "percent": _percent(entry["protected"], entry["live"]),
                "last_week": _percent(past[1], past[0]) if past else None,
                "unprotected": [
                    {**row, "ci": items.get(row["ci_id"])} for row in shown.get(segment.pk, [])
                ],
                "unprotected_count": len(entry["unprotected"]),
            }
        )
    trend = []
    for n in range(weeks - 1, -1, -1):
        monday = this_week - timedelta(weeks=n)
        live = sum(h.get(monday, (0, 0))[0] for h in history.values())
        protected = sum(h.get(monday, (0, 0))[1] for h in history.values())
        trend.append(
            {
                "week": monday,
                "live": live,
                "protected": protected,
                "percent": _percent(protected, live),
            }
        )
    return {
        "rows": rows,
        "live": total_live,
        "protected": total_protected,
        "percent": _percent(total_protected, total_live),
        "outside": figures["outside"],
        "trend": trend,
    }


UNPROTECTED_SHOWN = 5  # per segment; the endpoint list filtered by segment shows them all


def _ip_key(ip: str):
    try:
        return (0, tuple(int(p) for p in ip.split(".")))
    except ValueError:
        return (1, ip)


def _percent(part, whole):
    return round(part * 100 / whole, 1) if whole else None


def outbreak_list(*, user, limit: int = 20):
    return Outbreak.objects.restrict(user, "view").select_related("work_order")[:limit]


def reinstall_list(*, user, limit: int = 50):
    return ReinstallRequest.objects.restrict(user, "view").select_related(
        "work_order", "ci", "user__person", "requested_by__person"
    )[:limit]


def monthly_statistics(*, year: int, month: int) -> dict:
    """病毒处理服务统计分析报告: the month's figures, for this app's PDF and the reports app."""
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return {"year": year, "month": month, **period_statistics(start=start, end=end)}


def period_statistics(*, start: date, end: date) -> dict:
    """The statistics report's figures for the days [start, end) (a month, quarter or year).
    Events, outbreaks and reinstalls are those of the days; coverage and signature states
    are the endpoints' as the consoles last reported them (snapshots keep no state), so a
    report made after the period freezes them as of that day."""
    figures = events_figures(start=start, end=end, top=15)
    endpoints = live_endpoints().filter(ci__isnull=False)
    states = dict(endpoints.values_list("state").annotate(n=Count("pk")).order_by())
    total = sum(states.values())
    protected = total - states.get(ProtectionState.UNPROTECTED, 0)
    reinstalls = ReinstallRequest.objects.filter(
        done_at__gte=day_start(start), done_at__lt=day_start(end)
    ).count()
    resolved = sum(
        row["count"] for row in figures["by_result"] if row["result"] in RESOLVED_RESULTS
    )
    evaluations = list(
        WeeklyEvaluation.objects.filter(
            week_start__gte=start - timedelta(days=6), week_start__lt=end
        )
        .exclude(recommendations="")
        .values_list("week_start", "recommendations")
    )
    return {
        "endpoints": total,
        "protected": protected,
        "coverage_percent": _percent(protected, total),
        "current": states.get(ProtectionState.OK, 0),
        "current_percent": _percent(states.get(ProtectionState.OK, 0), protected),
        "stale": states.get(ProtectionState.STALE, 0),
        "not_reporting": states.get(ProtectionState.NOT_REPORTING, 0),
        "unprotected": states.get(ProtectionState.UNPROTECTED, 0),
        "events": figures["total"],
        "resolved": resolved,
        "unresolved": figures["total"] - resolved,
        "reinstalled": reinstalls,
        "by_threat": figures["by_threat"],
        "by_department": figures["by_department"][:15],
        "by_result": figures["by_result"],
        "recommendations": [{"week": w.isoformat(), "text": t} for w, t in evaluations],
        "outbreaks": Outbreak.objects.filter(
            first_seen__gte=day_start(start), first_seen__lt=day_start(end)
        ).count(),
    }
