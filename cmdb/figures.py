"""Figures of the baseline and configuration changes report (基线与配置变更月报) for any span
of days, and the records behind each count (the reports app's drill-down).

Changes are read from the audit log (every CMDB write is logged there with its user and,
where known, the work order or change behind it). An item is "new" when it was created in
the span, "retired" when a logged change in the span set its status to retired. Census
findings are the moved / changed / missing / unexpected lines of the censuses closed in
the span. Baseline drift compares each department's or class's latest baseline with the
configuration on the day the report is generated.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from .choices import CensusResult, CensusStatus, CIStatus
from .models import Baseline, CensusItem, CIClass, ConfigurationItem
from .selectors import cmdb_summary

FINDINGS = [CensusResult.MOVED, CensusResult.CHANGED, CensusResult.MISSING, CensusResult.UNEXPECTED]


def _bounds(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(starts_on, time.min))
    return start, timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min))


def _item_logs(start, end):
    item_type = ContentType.objects.get_for_model(ConfigurationItem)
    return LogEntry.objects.filter(content_type=item_type, timestamp__gte=start, timestamp__lt=end)


def _retired_ids(start, end) -> list[int]:
    ids = []
    for object_pk, changes in (
        _item_logs(start, end)
        .filter(action=LogEntry.Action.UPDATE, changes__has_key="status")
        .values_list("object_pk", "changes")
    ):
        change = (changes or {}).get("status")
        if isinstance(change, list) and len(change) == 2 and change[1] == CIStatus.RETIRED:
            ids.append(int(object_pk))
    return ids


def cmdb_records(name: str, *, starts_on: date, ends_on: date, ci_class: str = "") -> QuerySet:
    start, end = _bounds(starts_on, ends_on)
    if name == "changes":
        cmdb_types = ContentType.objects.filter(app_label="cmdb")
        return (
            LogEntry.objects.filter(
                content_type__in=cmdb_types, timestamp__gte=start, timestamp__lt=end
            )
            .select_related("actor", "content_type")
            .order_by("timestamp", "pk")
        )
    if name == "item_changes":
        logs = _item_logs(start, end)
        if ci_class:
            ids = ConfigurationItem.objects.filter(ci_class__code=ci_class).values_list("pk")
            logs = logs.filter(object_pk__in=[str(pk) for (pk,) in ids])
        return logs.select_related("actor").order_by("timestamp", "pk")
    if name == "new_items":
        items = ConfigurationItem.objects.filter(created_at__gte=start, created_at__lt=end)
    elif name == "retired_items":
        items = ConfigurationItem.objects.filter(pk__in=_retired_ids(start, end))
    elif name == "census_findings":
        return (
            CensusItem.objects.filter(
                campaign__status=CensusStatus.CLOSED,
                campaign__closed_at__gte=start,
                campaign__closed_at__lt=end,
                result__in=FINDINGS,
            )
            .select_related("campaign", "item", "observed_class")
            .order_by("campaign__closed_at", "pk")
        )
    elif name == "baselines":
        return (
            Baseline.objects.filter(taken_at__gte=start, taken_at__lt=end)
            .select_related("department", "ci_class")
            .order_by("taken_at", "pk")
        )
    else:
        raise KeyError(name)
    if ci_class:
        items = items.filter(ci_class__code=ci_class)
    return items.select_related("ci_class", "department").order_by("asset_tag")


@dataclass
class CMDBFigures:
    starts_on: date
    ends_on: date
    changes: list = field(default_factory=list)  # [(model label, created, updated, deleted)]
    change_total: int = 0
    fields: list = field(default_factory=list)  # [(item field label, n)]
    reasons: list = field(default_factory=list)  # [(reason, n)]
    by_class: list = field(default_factory=list)  # [(class code, class name, n changes)]
    new_items: int = 0
    new_by_class: list = field(default_factory=list)  # [(code, name, n)]
    retired_items: int = 0
    census_findings: int = 0
    census_by_result: list = field(default_factory=list)  # [(result value, n)]
    baselines_taken: int = 0
    drift: list = field(
        default_factory=list
    )  # [(baseline name, taken_at, added, removed, changed)]


def cmdb_figures(*, starts_on: date, ends_on: date, drift_limit: int = 30) -> CMDBFigures:
    from .services.baselines import baseline_compare

    start, end = _bounds(starts_on, ends_on)
    summary = cmdb_summary(start=start, end=end)
    item_pks = Counter(int(pk) for pk in _item_logs(start, end).values_list("object_pk", flat=True))
    classes = dict(
        ConfigurationItem.objects.filter(pk__in=list(item_pks)).values_list("pk", "ci_class__code")
    )
    names = dict(CIClass.objects.values_list("code", "name"))
    by_class = Counter()
    for pk, n in item_pks.items():
        by_class[classes.get(pk, "")] += n
    new_by_class = Counter(
        cmdb_records("new_items", starts_on=starts_on, ends_on=ends_on).values_list(
            "ci_class__code", flat=True
        )
    )
    census = Counter(
        cmdb_records("census_findings", starts_on=starts_on, ends_on=ends_on).values_list(
            "result", flat=True
        )
    )
    # The latest baseline of each scope taken by the end of the span.
    latest = {}
    for baseline in Baseline.objects.filter(taken_at__lt=end).order_by("taken_at", "pk"):
        latest[(baseline.department_id, baseline.ci_class_id)] = baseline
    drift = []
    for baseline in sorted(latest.values(), key=lambda b: b.name)[:drift_limit]:
        diff = baseline_compare(baseline=baseline)
        drift.append(
            (
                baseline.name,
                baseline.taken_at,
                len(diff.added),
                len(diff.removed),
                len(diff.changed),
            )
        )
    return CMDBFigures(
        starts_on=starts_on,
        ends_on=ends_on,
        changes=summary["changes"],
        change_total=sum(c + u + d for _l, c, u, d in summary["changes"]),
        fields=summary["fields"],
        reasons=summary["reasons"],
        by_class=[(code, names.get(code, code), n) for code, n in by_class.most_common()],
        new_items=sum(new_by_class.values()),
        new_by_class=[(c, names.get(c, c), n) for c, n in new_by_class.most_common()],
        retired_items=cmdb_records("retired_items", starts_on=starts_on, ends_on=ends_on).count(),
        census_findings=sum(census.values()),
        census_by_result=[(r.value, census.get(r.value, 0)) for r in FINDINGS],
        baselines_taken=len(summary["baselines"]),
        drift=drift,
    )
