"""The scheduled checks of the antivirus process: idempotent scans the beat runs.

- endpoint_states_refresh: each endpoint's state against the newest signature and
  engine seen in the latest import of its product (a closed network cannot ask the
  vendor, so "current" means "as current as the office's own console has seen");
- daily_check: the day's list for the engineers, one notification each per day;
- coverage_compute / coverage_record_week: protected ÷ live hosts per segment;
- outbreaks_detect: the same threat on many hosts within a window alerts once.
"""

from __future__ import annotations

import ipaddress
import socket
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cmdb.choices import CIStatus
from cmdb.models import ConfigurationItem
from servicedesk.choices import Role
from servicedesk.notifications import notify, notify_many

from .choices import COMPUTER_CLASSES, ProtectionState
from .import_fields import version_key
from .models import (
    AntivirusPolicy,
    CoverageSnapshot,
    DailyCheck,
    Endpoint,
    EndpointSnapshot,
    NetworkSegment,
    Outbreak,
    ScanHost,
    VirusEvent,
)

LIVE_CI_STATUSES = (CIStatus.IN_USE, CIStatus.IN_REPAIR)


def users_with_role(role) -> list:
    return list(get_user_model().objects.filter(groups__name=role, is_active=True).order_by("pk"))


def computers():
    """The CMDB computers that should run antivirus: desktops, laptops, servers in use."""
    return ConfigurationItem.objects.filter(
        ci_class__code__in=COMPUTER_CLASSES, status__in=LIVE_CI_STATUSES
    )


def live_endpoints():
    """Endpoints that count: hosts only a console knows, and CMDB computers in use (a
    retired or spare machine's old console record is history, not a problem)."""
    from django.db.models import Q

    return Endpoint.objects.filter(Q(ci__isnull=True) | Q(ci__status__in=LIVE_CI_STATUSES))


def endpoint_sync() -> int:
    """One endpoint row per CMDB computer (a computer no console reported is unprotected)."""
    have = Endpoint.objects.filter(ci__isnull=False).values("ci_id")
    missing = computers().exclude(pk__in=have).values_list("pk", flat=True)
    created = Endpoint.objects.bulk_create(
        [Endpoint(ci_id=pk) for pk in missing], batch_size=1000, ignore_conflicts=True
    )
    return len(created)


def newest_by_product() -> dict[str, dict]:
    """{product: {"signature_date", "engine", "signature"}} from the latest import of each."""
    latest = dict(
        EndpointSnapshot.objects.values("product")
        .annotate(last=Max("console_import_id"))
        .values_list("product", "last")
    )
    newest: dict[str, dict] = {}
    if not latest:
        return newest
    rows = (
        EndpointSnapshot.objects.filter(console_import_id__in=set(latest.values()))
        .values_list(
            "product", "console_import_id", "signature_date", "engine_version", "signature_version"
        )
        .distinct()
    )
    for product, import_id, signature_date, engine, signature in rows:
        if latest.get(product) != import_id:
            continue
        entry = newest.setdefault(product, {"signature_date": None, "engine": "", "signature": ""})
        if signature_date and (
            entry["signature_date"] is None or signature_date > entry["signature_date"]
        ):
            entry["signature_date"] = signature_date
        if engine and version_key(engine) > version_key(entry["engine"] or "0"):
            entry["engine"] = engine
        if signature and version_key(signature) > version_key(entry["signature"] or "0"):
            entry["signature"] = signature
    return newest


def judge(
    endpoint_values: dict, newest: dict, policy: AntivirusPolicy, now: datetime
) -> tuple[str, dict]:
    """(state, why) of one endpoint; pure, so it is tested without a database. `why` is
    stored as data (a code and its figures) and worded when shown, in the reader's language."""
    v = endpoint_values
    if not v["installed"]:
        return ProtectionState.UNPROTECTED, {"why": "no_console"}
    if v["last_seen"] and v["last_seen"] < now - timedelta(days=policy.not_reporting_days):
        return ProtectionState.NOT_REPORTING, {
            "why": "silent",
            "date": timezone.localtime(v["last_seen"]).date().isoformat(),
        }
    best = newest.get(v["product"]) or {}
    if v["signature_date"] and best.get("signature_date"):
        allowed = best["signature_date"] - timedelta(days=policy.signature_days_behind)
        if v["signature_date"] < allowed:
            return ProtectionState.STALE, {
                "why": "signature_date",
                "date": v["signature_date"].isoformat(),
                "newest": best["signature_date"].isoformat(),
            }
    elif v["signature_version"] and best.get("signature"):  # noqa: SIM102 (parallel to the date case)
        if version_key(v["signature_version"]) < version_key(best["signature"]):
            return ProtectionState.STALE, {
                "why": "signature_version",
                "version": v["signature_version"],
                "newest": best["signature"],
            }
    if v["engine_version"] and best.get("engine"):  # noqa: SIM102
        if version_key(v["engine_version"]) < version_key(best["engine"]):
            return ProtectionState.STALE, {
                "why": "engine",
                "version": v["engine_version"],
                "newest": best["engine"],
            }
    return ProtectionState.OK, {}


def endpoint_states_refresh(*, now=None) -> int:
    """Recompute every endpoint's state; writes only the rows whose state changed."""
    now = now or timezone.now()
    policy = AntivirusPolicy.current()
    newest = newest_by_product()
    fields = (
        "installed",
        "product",
        "engine_version",
        "signature_version",
        "signature_date",
        "last_seen",
    )
    changed = []
    for row in Endpoint.objects.values("pk", "state", "state_detail", *fields).iterator(
        chunk_size=2000
    ):
        state, reason = judge(row, newest, policy, now)
        if state != row["state"] or reason != row["state_detail"]:
            changed.append(Endpoint(pk=row["pk"], state=state, state_detail=reason))
    Endpoint.objects.bulk_update(changed, ["state", "state_detail"], batch_size=1000)
    return len(changed)


def daily_check(*, today: date | None = None) -> DailyCheck:
    """The day's check. The first run of a day claims the day (unique row) and notifies
    each engineer once; later runs that day only refresh the states."""
    today = today or timezone.localdate()
    endpoint_sync()
    endpoint_states_refresh()
    counts = {
        state: live_endpoints().filter(state=state).count()
        for state in (
            ProtectionState.STALE,
            ProtectionState.NOT_REPORTING,
            ProtectionState.UNPROTECTED,
        )
    }
    with transaction.atomic():
        check, created = DailyCheck.objects.get_or_create(
            day=today,
            defaults={
                "stale": counts[ProtectionState.STALE],
                "not_reporting": counts[ProtectionState.NOT_REPORTING],
                "unprotected": counts[ProtectionState.UNPROTECTED],
            },
        )
        if not created or not any(counts.values()):
            return check
        engineers = users_with_role(Role.ENGINEER)
        subject = _(
            "Antivirus check %(day)s: %(stale)s behind, %(silent)s not reporting, %(none)s without antivirus"
        ) % {
            "day": today.isoformat(),
            "stale": counts[ProtectionState.STALE],
            "silent": counts[ProtectionState.NOT_REPORTING],
            "none": counts[ProtectionState.UNPROTECTED],
        }
        url = reverse("antivirus:endpoint_list") + "?problems=1"
        check.notified = notify_many([(engineers, subject, "", url)])
        check.save(update_fields=["notified"])
    return check


# --- Coverage --------------------------------------------------------------------------


def _segment_lookup(segments):
    """IP → segment pk by longest prefix, with one dict probe per distinct prefix length."""
    tables: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
    for pk, cidr in segments:
        network = ipaddress.ip_network(cidr, strict=False)
        tables[(network.version, network.prefixlen)][int(network.network_address)] = pk
    order = sorted(tables, key=lambda k: -k[1])

    def find(ip_text: str) -> int | None:
        if ":" in ip_text:
            number, version, width = int(ipaddress.ip_address(ip_text)), 6, 128
        else:  # inet_aton is ~100 times faster than ipaddress for the common IPv4 case
            number, version, width = int.from_bytes(socket.inet_aton(ip_text), "big"), 4, 32
        for ver, prefix in order:
            if ver != version:
                continue
            key = number >> (width - prefix) << (width - prefix) if prefix else 0
            found = tables[(ver, prefix)].get(key)
            if found is not None:
                return found
        return None

    return find


def coverage_compute(*, now=None, scan_days: int = 7) -> dict:
    """Per segment: live hosts (CMDB computers in use with an IP, plus hosts a scan in the
    last `scan_days` found), protected ones, and the unprotected list. Four queries."""
    now = now or timezone.now()
    segments = list(NetworkSegment.objects.values_list("pk", "cidr"))
    find = _segment_lookup(segments)
    ci_by_ip = dict(computers().exclude(ip_address=None).values_list("ip_address", "pk"))
    protected_ci = set()
    protected_ip = set()
    for ci_id, ip, installed in Endpoint.objects.values_list("ci_id", "reported_ip", "installed"):
        if installed:
            if ci_id:
                protected_ci.add(ci_id)
            elif ip:
                protected_ip.add(ip)
    scanned = ScanHost.objects.filter(
        scan__scanned_at__gte=now - timedelta(days=scan_days)
    ).values_list("ip", "host_name")
    live: dict[str, tuple[int | None, str]] = {ip: (pk, "") for ip, pk in ci_by_ip.items()}
    for ip, host in scanned:
        if ip not in live:
            live[ip] = (None, host)
    result = {pk: {"live": 0, "protected": 0, "unprotected": []} for pk, _cidr in segments}
    outside = 0
    for ip, (ci_id, host) in live.items():
        segment = find(ip)
        if segment is None:
            outside += 1
            continue
        entry = result[segment]
        entry["live"] += 1
        if (ci_id and ci_id in protected_ci) or (not ci_id and ip in protected_ip):
            entry["protected"] += 1
        else:
            entry["unprotected"].append({"ip": ip, "ci_id": ci_id, "host": host})
    return {"segments": result, "outside": outside}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def coverage_record_week(*, today: date | None = None) -> int:
    """Store (or refresh) this week's coverage per segment, for the trend. Idempotent."""
    today = today or timezone.localdate()
    monday = week_start(today)
    figures = coverage_compute()["segments"]
    for segment_id, entry in figures.items():
        CoverageSnapshot.objects.update_or_create(
            week_start=monday,
            segment_id=segment_id,
            defaults={"live": entry["live"], "protected": entry["protected"]},
        )
    return len(figures)


# --- Outbreaks -------------------------------------------------------------------------


def _windows(events, *, hosts_needed: int, window: timedelta):
    """(first, last, most hosts) of each run of time during which ≥ hosts_needed distinct
    hosts fall within a sliding window; events are (time, host) sorted by time. One
    continuous run is one outbreak, however many events it holds."""
    found = []
    start = 0
    counts: dict[str, int] = defaultdict(int)
    run = None  # [first, last, most hosts] of the open run
    for at, host in events:
        counts[host] += 1
        while events[start][0] < at - window:
            old = events[start][1]
            counts[old] -= 1
            if not counts[old]:
                del counts[old]
            start += 1
        if len(counts) >= hosts_needed:
            if run is None:
                run = [events[start][0], at, len(counts)]
                found.append(run)
            else:
                run[1], run[2] = at, max(run[2], len(counts))
        else:
            run = None
    return [tuple(r) for r in found]


def outbreaks_detect(*, since=None, import_pk: int | None = None) -> list[Outbreak]:
    """Find outbreaks among the events of one import (or since a time); alert the
    supervisors once per outbreak (a conditional UPDATE claims the alert)."""
    policy = AntivirusPolicy.current()
    window = timedelta(hours=policy.outbreak_hours)
    events = VirusEvent.objects.all()
    if import_pk is not None:
        scope = VirusEvent.objects.filter(console_import_id=import_pk)
    else:
        scope = VirusEvent.objects.filter(detected_at__gte=since or timezone.now() - window)
    threats = list(scope.order_by().values_list("threat", flat=True).distinct())
    if not threats:
        return []
    span = scope.aggregate(first=Min("detected_at"), last=Max("detected_at"))
    rows = (
        events.filter(
            threat__in=threats,
            detected_at__gte=span["first"] - window,
            detected_at__lte=span["last"] + window,
        )
        .order_by("threat", "detected_at")
        .values_list("threat", "detected_at", "host_name")
    )
    by_threat: dict[str, list] = defaultdict(list)
    for threat, at, host in rows:
        by_threat[threat].append((at, host.upper()))
    touched = []
    for threat, series in by_threat.items():
        for first, last, count in _windows(
            series, hosts_needed=policy.outbreak_hosts, window=window
        ):
            touched.append(_outbreak_record(threat, first, last, count, window))
    return [o for o in dict.fromkeys(touched) if o is not None]


def _outbreak_record(threat, first, last, count, window) -> Outbreak:
    with transaction.atomic():
        existing = (
            Outbreak.objects.select_for_update()
            .filter(threat=threat, last_seen__gte=first - window, first_seen__lte=last + window)
            .order_by("first_seen")
            .first()
        )
        if existing is None:
            existing = Outbreak.objects.create(
                threat=threat, first_seen=first, last_seen=last, host_count=count
            )
        else:
            existing.first_seen = min(existing.first_seen, first)
            existing.last_seen = max(existing.last_seen, last)
            existing.host_count = max(existing.host_count, count)
            existing.save(update_fields=["first_seen", "last_seen", "host_count"])
        claimed = Outbreak.objects.filter(pk=existing.pk, alerted_at__isnull=True).update(
            alerted_at=timezone.now()
        )
        if claimed:
            notify(
                recipients=users_with_role(Role.SUPERVISOR),
                subject=_("Virus outbreak: %(threat)s on %(count)s hosts")
                % {"threat": threat, "count": count},
                body=_("First seen %(first)s. Consider starting the emergency process.")
                % {"first": timezone.localtime(first).strftime("%Y-%m-%d %H:%M")},
                url=reverse("antivirus:outbreak_detail", args=[existing.pk]),
            )
    return existing
