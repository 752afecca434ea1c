"""Every read of the emergency process that depends on who asks, and the figures of the
应急流程管理报告 (D0405), which the reports app reads from here."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum
from django.utils import timezone

from .choices import EmergencyType, Outcome, ResourceStatus, Status
from .models import DisasterMeasure, Emergency, EmergencyReport, Evaluation, ResourceRequest


def emergency_list(*, user, status: str = "", open_only: bool = False):
    qs = (
        Emergency.objects.all()
        .restrict(user, "view")
        .select_related("commander__person", "work_order")
        .annotate(child_count=Count("work_order__children", distinct=True))
        .order_by("-created_at")
    )
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.open()
    return qs


def emergency_get(*, user, number: str) -> Emergency | None:
    return (
        Emergency.objects.all()
        .restrict(user, "view")
        .select_related(
            "commander__person",
            "declared_by__person",
            "approved_by__person",
            "approval_recorded_by__person",
            "work_order__requester__person",
            "service",
        )
        .filter(number=number)
        .first()
    )


def resource_request_list(*, user):
    return (
        ResourceRequest.objects.all()
        .restrict(user, "view")
        .select_related("emergency", "requested_by__person")
        .order_by("-created_at")
    )


def open_emergencies_for_attach(*, user):
    """The open emergencies `user` may attach a work order to (the queue's one-step menu)."""
    return (
        Emergency.objects.all()
        .restrict(user, "attach")
        .open()
        .exclude(status=Status.REJECTED)
        .only("pk", "number", "title", "work_order_id")
        .order_by("-created_at")
    )


def emergency_impact(emergency, *, limit: int = 20) -> dict:
    """Affected items, users (VIPs first) and departments from the CMDB impact."""
    from cmdb.services.impact import cis_impact

    impact = cis_impact(cis=list(emergency.affected_items.all()))
    return {
        "items": list(impact.items[:limit]),
        "item_count": len(impact.items),
        "users": [(user, impact.users.level_of(user.pk)) for user in impact.users[:limit]],
        "user_count": len(impact.users),
        "departments": list(impact.departments)[:limit],
    }


def emergency_children(emergency):
    from incidents.models import WorkOrder

    return list(
        WorkOrder.objects.filter(parent_id=emergency.work_order_id)
        .select_related("requester__person", "assignee__person")
        .order_by("created_at")
    )


def children_notes(emergency, *, limit: int = 50):
    """The children's own comments and notes, shown on the parent's page."""
    from incidents.choices import EventKind
    from incidents.models import WorkOrderEvent

    return list(
        WorkOrderEvent.objects.filter(
            work_order__parent_id=emergency.work_order_id,
            kind__in=[EventKind.COMMENT, EventKind.NOTE],
        )
        .select_related("work_order", "actor__person")
        .order_by("-at")[:limit]
    )


def emergency_outages_qs(emergency):
    """The outages recorded for this emergency (in cmdb's one outage table)."""
    from cmdb.choices import OutageSource
    from cmdb.models import ServiceOutage

    return ServiceOutage.objects.filter(
        source=OutageSource.EMERGENCY, source_number=emergency.number
    ).order_by("started_at", "pk")


def emergency_outages(emergency) -> list:
    return list(emergency_outages_qs(emergency).select_related("service"))


def disaster_measures():
    return list(DisasterMeasure.objects.filter(is_active=True))


# --- D0405 figures -----------------------------------------------------------------------------


@dataclass
class ReportFigures:
    starts_on: object
    ends_on: object
    emergencies: list = field(default_factory=list)
    by_type: list = field(default_factory=list)  # [(label, total, closed)]
    total: int = 0
    closed: int = 0
    hours_total: float = 0.0
    resource_count: int = 0
    purchase_count: int = 0
    cost_total: Decimal = Decimal("0")


def _period_bounds(starts_on, ends_on):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(starts_on, time.min), tz)
    end = timezone.make_aware(datetime.combine(ends_on + timedelta(days=1), time.min), tz)
    return start, end


def report_figures(*, starts_on, ends_on) -> ReportFigures:
    """Counts by type and completion, each emergency's time taken, causes, resources and
    costs, for emergencies declared in the period (a fixed number of queries)."""
    start, end = _period_bounds(starts_on, ends_on)
    rows = list(
        Emergency.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status=Status.REJECTED)
        .select_related("commander__person")
        .annotate(
            resource_total=Count("resource_requests", distinct=True),
            # A subquery, not a join: joined with the children, a Sum would count each
            # cost once per child work order.
            cost_total=Subquery(
                ResourceRequest.objects.filter(
                    emergency=OuterRef("pk"),
                    status__in=[
                        ResourceStatus.APPROVED,
                        ResourceStatus.DONE,
                        ResourceStatus.CONFIRMED,
                    ],
                )
                .values("emergency")
                .annotate(total=Sum("cost"))
                .values("total"),
                output_field=DecimalField(max_digits=14, decimal_places=2),
            ),
            child_total=Count("work_order__children", distinct=True),
        )
        .order_by("created_at")
    )
    totals, closed = Counter(), Counter()
    figures = ReportFigures(starts_on=starts_on, ends_on=ends_on)
    for row in rows:
        totals[row.type] += 1
        end_at = row.closed_at or timezone.now()
        row.hours = round((end_at - row.created_at).total_seconds() / 3600, 1)
        row.cost_total = row.cost_total or Decimal("0")
        if row.status == Status.CLOSED:
            closed[row.type] += 1
            figures.hours_total += row.hours
        figures.cost_total += row.cost_total
        figures.resource_count += row.resource_total
    figures.emergencies = rows
    figures.by_type = [(t.label, totals[t.value], closed[t.value]) for t in EmergencyType]
    figures.total, figures.closed = len(rows), sum(closed.values())
    figures.purchase_count = ResourceRequest.objects.filter(
        emergency__in=[r.pk for r in rows], kind="purchase"
    ).count()
    return figures


COSTED = [ResourceStatus.APPROVED, ResourceStatus.DONE, ResourceStatus.CONFIRMED]


def emergency_records(name: str, *, starts_on, ends_on, type: str = ""):  # noqa: A002
    """The rows behind each count of `report_figures` for the same days (drill-down):
    emergencies declared in the days (rejected applications not counted), the closed ones,
    their costed resource requests, their evaluations that were not met, and the outages
    they recorded."""
    from cmdb.choices import OutageSource
    from cmdb.models import ServiceOutage

    start, end = _period_bounds(starts_on, ends_on)
    declared = Emergency.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        status=Status.REJECTED
    )
    if type:
        declared = declared.filter(type=type)
    if name == "emergencies":
        return declared.select_related("commander__person").order_by("created_at", "pk")
    if name == "closed":
        return (
            declared.filter(status=Status.CLOSED)
            .select_related("commander__person")
            .order_by("created_at", "pk")
        )
    if name == "resources":
        return (
            ResourceRequest.objects.filter(emergency__in=declared)
            .select_related("emergency")
            .order_by("created_at", "pk")
        )
    if name == "costed_resources":
        return (
            ResourceRequest.objects.filter(emergency__in=declared, status__in=COSTED)
            .select_related("emergency")
            .order_by("created_at", "pk")
        )
    if name == "not_met":
        return (
            Evaluation.objects.filter(emergency__in=declared)
            .exclude(outcome=Outcome.MET)
            .select_related("emergency", "problem", "change")
            .order_by("evaluated_at", "pk")
        )
    if name == "outages":
        numbers = declared.values_list("number", flat=True)
        return ServiceOutage.objects.filter(
            source=OutageSource.EMERGENCY, source_number__in=numbers
        ).order_by("started_at", "pk")
    raise KeyError(name)


def problems_and_suggestions(*, starts_on, ends_on) -> list[tuple[str, str]]:
    """(report number, text) of the emergency reports covering these days, as written."""
    return list(
        EmergencyReport.objects.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .exclude(problems_and_suggestions="")
        .order_by("starts_on", "pk")
        .values_list("number", "problems_and_suggestions")
    )


# --- drills and facility incidents ----------------------------------------------------


def drill_list(*, user, kind: str = ""):
    from .models import Drill

    rows = Drill.objects.all().restrict(user, "view").select_related("recorded_by__person")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-held_on", "-pk")


def drill_get(*, user, number: str):
    from .models import Drill

    return (
        Drill.objects.all()
        .restrict(user, "view")
        .select_related("recorded_by__person")
        .filter(number=number)
        .first()
    )


def facility_incident_list(*, user, status: str = ""):
    from .models import FacilityIncident

    rows = (
        FacilityIncident.objects.all()
        .restrict(user, "view")
        .select_related("written_by__person", "reviewed_by__person")
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-occurred_at", "-pk")


def facility_incident_get(*, user, number: str):
    from .models import FacilityIncident

    return (
        FacilityIncident.objects.all()
        .restrict(user, "view")
        .select_related(
            "written_by__person", "reviewed_by__person", "reported_by__person", "emergency"
        )
        .filter(number=number)
        .first()
    )


# --- emergency costs per department (plan §2.2.2.2) -------------------------------------

NO_DEPARTMENT = 0  # department_id for costs of no department (incidents' value)


def emergency_cost_records(*, starts_on, ends_on, department_id: int | None = None):
    """The costed resource requests of the emergencies declared in the days (the costs
    section's "costed_resources"), charged to the department of the emergency's originating
    work order. `department_id` narrows them (NO_DEPARTMENT: none)."""
    qs = emergency_records("costed_resources", starts_on=starts_on, ends_on=ends_on)
    if department_id == NO_DEPARTMENT:
        qs = qs.filter(emergency__work_order__department__isnull=True)
    elif department_id:
        qs = qs.filter(emergency__work_order__department_id=department_id)
    return qs.select_related("emergency__work_order__department")


def emergency_costs_by_department(*, starts_on, ends_on) -> dict:
    """{department id (None: none) → cost of the emergencies' resources}: one grouped query
    over exactly the rows `emergency_cost_records` lists."""
    rows = (
        emergency_cost_records(starts_on=starts_on, ends_on=ends_on)
        .order_by()
        .values("emergency__work_order__department_id")
        .annotate(total=Sum("cost"))
    )
    return {r["emergency__work_order__department_id"]: r["total"] or Decimal("0") for r in rows}
