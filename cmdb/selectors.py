"""Reads of the CMDB that depend on who is asking.

Who sees which rows is decided once, by each model's `restrict(user, action)` in
cmdb.permissions: staff roles and approvers see every item; anyone else sees the items
they are responsible for, their accessories, and shared items they are named as a user of.
"""

from datetime import timedelta

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from itsm.audit import TimelineEntry, audit_timeline

from .choices import WARRANTY_EXPIRING_DAYS, WarrantyStatus
from .models import CIRelationship, ConfigurationItem
from .permissions import sees_all_items

# What list rows and detail pages read, so that no row costs a query of its own.
LIST_RELATED = (
    "ci_class",
    "department",
    "location__building",
    "responsible__person",
)
DETAIL_RELATED = (
    "ci_class",
    "department",
    "location__building",
    "supplier",
    "service_level",
    "parent__ci_class",
    "responsible__person__service_level",
    "responsible__person__department__service_level",
    "replacement_proposal",
)


__all__ = ["sees_all_items"]  # changes' pages ask it before linking to an impact page


def ci_visible(*, user) -> QuerySet[ConfigurationItem]:
    """Every item `user` may see (object-level visibility; pages and API share it)."""
    return ConfigurationItem.objects.restrict(user, "view")


def ci_list(
    *,
    user,
    query: str = "",
    ci_class: int | None = None,
    status: str = "",
    department: int | None = None,
    location: int | None = None,
    warranty: str = "",
    responsible: int | None = None,
) -> QuerySet[ConfigurationItem]:
    """Items `user` may see, filtered; search matches tag, name, serials and IP address."""
    items = ci_visible(user=user).select_related(*LIST_RELATED)
    if query:
        query = query.strip()
        items = items.filter(
            Q(asset_tag__icontains=query)
            | Q(name__icontains=query)
            | Q(serial_number__icontains=query)
            | Q(system_serial__icontains=query)
            | Q(ip_address__icontains=query)
        )
    if ci_class:
        items = items.filter(ci_class_id=ci_class)
    if status:
        items = items.filter(status=status)
    if department:
        items = items.filter(department_id=department)
    if location:
        items = items.filter(location_id=location)
    if responsible:
        items = items.filter(responsible_id=responsible)
    if warranty:
        items = items.filter(_warranty_q(warranty))
    return items.order_by("asset_tag")


def _warranty_q(status: str) -> Q:
    today = timezone.localdate()
    soon = today + timedelta(days=WARRANTY_EXPIRING_DAYS)
    return {
        WarrantyStatus.UNKNOWN: Q(warranty_end__isnull=True),
        WarrantyStatus.EXPIRED: Q(warranty_end__lt=today),
        WarrantyStatus.EXPIRING: Q(warranty_end__gte=today, warranty_end__lte=soon),
        WarrantyStatus.IN_WARRANTY: Q(warranty_end__gt=soon),
    }.get(status, Q())


def ci_get(*, user, pk: int) -> ConfigurationItem | None:
    """One item with everything its detail page shows, or None if `user` may not see it."""
    return ci_visible(user=user).select_related(*DETAIL_RELATED).filter(pk=pk).first()


def ci_list_for_user(*, user) -> QuerySet[ConfigurationItem]:
    """The devices `user` is responsible for and their accessories (the fault form's picker)."""
    if not user.is_authenticated:
        return ConfigurationItem.objects.none()
    return (
        ConfigurationItem.objects.filter(Q(responsible=user) | Q(parent__responsible=user))
        .select_related("ci_class", "parent")
        .order_by("parent_id", "asset_tag")
    )


def ci_find_by_tag(*, tag: str) -> ConfigurationItem | None:
    """The item whose asset tag is `tag`, ignoring case and surrounding blanks."""
    tag = (tag or "").strip()
    if not tag:
        return None
    return (
        ConfigurationItem.objects.select_related(*DETAIL_RELATED)
        .filter(asset_tag__iexact=tag)
        .first()
    )


def ci_children(*, ci: ConfigurationItem) -> list[ConfigurationItem]:
    return list(ci.children.select_related("ci_class").order_by("asset_tag"))


def ci_relationships(*, user, ci: ConfigurationItem) -> dict:
    """Outgoing ("this runs on …") and incoming ("… runs on this") links `user` may see,
    two queries."""
    links = CIRelationship.objects.restrict(user, "view")
    return {
        "outgoing": list(
            links.filter(source=ci)
            .select_related("target__ci_class")
            .order_by("type", "target__asset_tag")
        ),
        "incoming": list(
            links.filter(target=ci)
            .select_related("source__ci_class")
            .order_by("type", "source__asset_tag")
        ),
    }


def ci_timeline(*, ci: ConfigurationItem, limit: int = 200) -> list[TimelineEntry]:
    """The item's field changes plus its relationships being added or removed, newest first."""
    entries = audit_timeline(subject=ci, limit=limit)
    relationship_type = ContentType.objects.get_for_model(CIRelationship)
    logs = (
        LogEntry.objects.filter(content_type=relationship_type)
        .filter(Q(additional_data__source=ci.pk) | Q(additional_data__target=ci.pk))
        .select_related("actor__person")
        .order_by("-timestamp")[:limit]
    )
    for log in logs:
        data = log.additional_data or {}
        entries.append(
            TimelineEntry(
                at=log.timestamp,
                kind=_LOG_KIND.get(log.action, "update"),
                actor=log.actor,
                title=log.get_action_display(),
                changes=[],
                note=data.get("label", log.object_repr),
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


_LOG_KIND = {LogEntry.Action.CREATE: "create", LogEntry.Action.DELETE: "delete"}


# --- Warranty ---------------------------------------------------------------------------


def warranty_due_list(*, user, today=None) -> QuerySet[ConfigurationItem]:
    """Items whose warranty ends within 60 days (not retired or lost), and ended ones in use.

    Soonest first; the warranty list page and its alerts share the rule.
    """
    from .choices import CIStatus
    from .services.warranty import ALERT_STATUSES

    today = today or timezone.localdate()
    soon = today + timedelta(days=WARRANTY_EXPIRING_DAYS)
    return (
        ci_visible(user=user)
        .filter(
            Q(warranty_end__gte=today, warranty_end__lte=soon, status__in=ALERT_STATUSES)
            | Q(warranty_end__lt=today, status=CIStatus.IN_USE)
        )
        .select_related(*LIST_RELATED, "supplier")
        .order_by("warranty_end", "asset_tag")
    )


def ci_warranty_extensions(*, ci: ConfigurationItem) -> list:
    """The item's warranty extensions, newest first, each with its repair (two queries,
    plus one per kind of source record)."""
    from .models import WarrantyExtension

    return list(
        WarrantyExtension.objects.filter(item=ci)
        .select_related("recorded_by__person")
        .prefetch_related("source")
        .order_by("-created_at", "-pk")
    )


def warranty_extension_of(*, source):
    """The warranty extension a repair (any record) recorded, or None."""
    from django.contrib.contenttypes.models import ContentType

    from .models import WarrantyExtension

    return WarrantyExtension.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).first()


# --- Census -------------------------------------------------------------------------------


def census_list(*, user) -> QuerySet:
    from .models import CensusCampaign

    return (
        CensusCampaign.objects.restrict(user, "view")
        .select_related("created_by__person")
        .prefetch_related("departments", "locations__building")
    )


def census_lines(*, campaign, result: str = "") -> QuerySet:
    lines = campaign.lines.select_related(
        "item__ci_class",
        "item__location__building",
        "observed_class",
        "expected_location__building",
        "expected_department",
        "expected_responsible__person",
        "observed_location__building",
        "observed_department",
        "observed_responsible__person",
        "checked_by__person",
    ).order_by("item__asset_tag", "observed_tag")
    if result:
        lines = lines.filter(result=result)
    return lines


# --- Spares -------------------------------------------------------------------------------


def stock_list(*, user) -> QuerySet:
    from .models import Stock

    return (
        Stock.objects.restrict(user, "view")
        .select_related("part_type", "location__building")
        .order_by(
            "part_type__name", "part_type__model", "location__building__name", "location__floor"
        )
    )


def requisition_list(*, user, status: str = "") -> QuerySet:
    """Staff see every requisition; others only their own (cmdb.permissions)."""
    from .models import Requisition

    rows = Requisition.objects.restrict(user, "view").select_related(
        "stock__part_type", "stock__location__building", "requested_by__person"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at")


def loan_list(*, user, open_only: bool = False) -> QuerySet:
    from .models import SpareUnitLoan

    loans = SpareUnitLoan.objects.restrict(user, "view").select_related(
        "spare__ci_class", "borrower__person", "device_in_repair"
    )
    if open_only:
        loans = loans.filter(returned_at__isnull=True)
    return loans.order_by("returned_at", "-lent_at")


# --- Monthly baseline and configuration change summary --------------------------------------


def cmdb_monthly_summary(*, year: int, month: int) -> dict:
    """Counts of CMDB changes in a month, from the audit log, plus baselines and censuses.

    The reports app reuses this for its monthly report. Returns:
    changes: [(model label, created, updated, deleted)], fields: [(field label, n)]
    (item fields changed most), reasons: [(reason kind, n)], baselines, censuses.
    """
    from calendar import monthrange
    from datetime import datetime

    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = start + timedelta(days=monthrange(year, month)[1])
    return cmdb_summary(start=start, end=end)


def cmdb_summary(*, start, end) -> dict:
    """`cmdb_monthly_summary` for any [start, end) of aware datetimes (a quarter, a year)."""
    from collections import Counter

    from django.apps import apps

    from .models import Baseline, CensusCampaign

    types = {ct.pk: ct for ct in ContentType.objects.filter(app_label="cmdb")}
    logs = LogEntry.objects.filter(
        content_type_id__in=list(types), timestamp__gte=start, timestamp__lt=end
    )
    per_model: dict[int, Counter] = {}
    for type_id, action, n in (
        logs.values_list("content_type_id", "action").annotate(n=Count("pk")).order_by()
    ):
        per_model.setdefault(type_id, Counter())[action] = n
    changes = []
    for type_id, counter in per_model.items():
        model = apps.get_model("cmdb", types[type_id].model)
        changes.append(
            (
                str(model._meta.verbose_name_plural),
                counter[LogEntry.Action.CREATE],
                counter[LogEntry.Action.UPDATE],
                counter[LogEntry.Action.DELETE],
            )
        )
    changes.sort(key=lambda row: -(row[1] + row[2] + row[3]))

    item_type = ContentType.objects.get_for_model(ConfigurationItem)
    fields, reasons = Counter(), Counter()
    for changed, data in (
        logs.filter(content_type=item_type, action=LogEntry.Action.UPDATE)
        .values_list("changes", "additional_data")
        .iterator(chunk_size=2000)
    ):
        fields.update((changed or {}).keys())
        reason = str((data or {}).get("reason", "")).split(" ")[0] if data else ""
        reasons[reason or "-"] += 1
    labels = {
        f.name: str(f.verbose_name)
        for f in ConfigurationItem._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    return {
        "start": start.date(),
        "end": (end - timedelta(days=1)).date(),
        "changes": changes,
        "fields": [(labels.get(name, name), n) for name, n in fields.most_common()],
        "reasons": reasons.most_common(),
        "baselines": list(
            Baseline.objects.filter(taken_at__gte=start, taken_at__lt=end)
            .select_related("department", "ci_class")
            .order_by("taken_at")
        ),
        "censuses": list(
            CensusCampaign.objects.filter(
                Q(started_at__gte=start, started_at__lt=end)
                | Q(closed_at__gte=start, closed_at__lt=end)
            ).order_by("started_at")
        ),
    }


def baseline_list(*, user) -> QuerySet:
    from .models import Baseline

    return (
        Baseline.objects.restrict(user, "view")
        .select_related("department", "ci_class", "taken_by__person")
        .defer("snapshot")
    )


# --- Lifecycle: ageing rules, tools on site ----------------------------------------------


def ageing_rules(*, user) -> list:
    """The replacement rules (data an admin edits), for the candidates page's legend."""
    from .models import AgeingRule

    return list(AgeingRule.objects.restrict(user, "view").select_related("ci_class"))


def tool_list(*, user, on_site_only: bool = True) -> QuerySet:
    """Tools brought on site that `user` may see; by default only those still on site."""
    from .models import SiteTool

    tools = SiteTool.objects.restrict(user, "view").select_related(
        "owner__person", "location__building", "registered_by__person"
    )
    if on_site_only:
        tools = tools.filter(taken_out_on__isnull=True)
    return tools.order_by("taken_out_on", "name", "serial_number", "pk")


# --- spare parts consumed, per department (plan §2.2.2.2) -------------------------------

NO_DEPARTMENT = 0  # department_id for costs of no department (incidents' value)


def spare_cost_records(*, starts_on, ends_on, department_id: int | None = None) -> QuerySet:
    """Requisitions whose parts were consumed in the days (closed as consumed) and carry
    a cost (the part type has a unit cost), charged to the requisition's department (the
    work order's when requested). `department_id` narrows them (NO_DEPARTMENT: none)."""
    from datetime import datetime, time

    from .choices import RequisitionStatus
    from .models import Requisition

    start = timezone.make_aware(datetime.combine(starts_on, time.min))
    end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min))
    qs = Requisition.objects.filter(
        status=RequisitionStatus.CONSUMED,
        closed_at__gte=start,
        closed_at__lt=end,
        cost__isnull=False,
    )
    if department_id == NO_DEPARTMENT:
        qs = qs.filter(department__isnull=True)
    elif department_id:
        qs = qs.filter(department_id=department_id)
    return qs.select_related("stock__part_type", "department").order_by("closed_at", "pk")


def spare_costs_by_department(*, starts_on, ends_on) -> dict:
    """{department id (None: none) → cost of the spare parts consumed in the days}: one
    grouped query over exactly the rows `spare_cost_records` lists."""
    from decimal import Decimal

    from django.db.models import Sum

    rows = (
        spare_cost_records(starts_on=starts_on, ends_on=ends_on)
        .order_by()
        .values("department_id")
        .annotate(total=Sum("cost"))
    )
    return {r["department_id"]: r["total"] or Decimal("0") for r in rows}


def requisitions_used_for(*, work_order_number: str) -> QuerySet:
    """The spare requisitions of a work order whose parts left the stock (issued, or
    consumed since): the parts an on-site service record links to."""
    from .choices import RequisitionStatus
    from .models import Requisition

    return (
        Requisition.objects.filter(
            work_order_number=work_order_number,
            status__in=[RequisitionStatus.ISSUED, RequisitionStatus.CONSUMED],
        )
        .select_related("stock__part_type")
        .order_by("created_at", "pk")
    )
