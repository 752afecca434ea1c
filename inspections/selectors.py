"""Reads for pages, API and the approvals inbox, always through `restrict(user, action)`."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.db.models import Count, Exists, F, OuterRef, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm.approvals import PendingDecision

from .choices import DiscrepancyField, DiscrepancyStatus, ItemResult
from .models import (
    Discrepancy,
    InspectionPlan,
    InspectionRecord,
    InspectionReport,
    InspectionRound,
    PlanDevice,
    ResultLine,
)

NEVER_INSPECTED_MONTHS = 3


def plan_list(*, user):
    return (
        InspectionPlan.objects.restrict(user, "view")
        .select_related("drafted_by__person")
        .annotate(
            device_count=Count("devices", distinct=True),
            record_count=Count("records", distinct=True),
        )
        .order_by("-period", "-id")
    )


def plan_get(*, user, pk):
    return (
        InspectionPlan.objects.restrict(user, "view")
        .select_related("drafted_by__person", "previous")
        .get(pk=pk)
    )


def plan_rounds(*, plan):
    """The plan's routes with devices in scope and done, in two queries."""
    done = InspectionRecord.objects.filter(round=OuterRef("pk"))
    return (
        plan.rounds.select_related("engineer__person", "building")
        .annotate(
            device_count=Count("devices", distinct=True),
            record_count=Count("records", distinct=True),
        )
        .annotate(started=Exists(done))
    )


def plan_approvals(*, subject):
    return subject.approvals.select_related("approver__person").order_by("decided_at", "pk")


def rounds_for(*, user, day):
    """The rounds `user` walks on `day` (their own; supervisors see everyone's)."""
    plans = InspectionPlan.objects.restrict(user, "inspect")
    rounds = InspectionRound.objects.filter(plan__in=plans, day=day)
    from . import rules

    if not rules.is_manager(user):
        rounds = rounds.filter(engineer=user)
    return rounds.select_related("plan", "building", "engineer__person").annotate(
        device_count=Count("devices", distinct=True),
        record_count=Count("records", distinct=True),
    )


def round_get(*, user, pk):
    plans = InspectionPlan.objects.restrict(user, "view")
    return InspectionRound.objects.select_related("plan", "building", "engineer__person").get(
        pk=pk, plan__in=plans
    )


def round_devices(*, round):
    """The round's devices with their record (if any) and place: two queries, however many."""
    records = {
        r.ci_id: r
        for r in InspectionRecord.objects.filter(round=round).only(
            "pk", "number", "ci_id", "inspected_at", "round_id"
        )
    }
    entries = list(
        PlanDevice.objects.filter(round=round)
        .select_related("ci__location", "ci__ci_class")
        # Only what the page and the sheet show: a floor may hold hundreds of devices.
        .only(
            "pk",
            "ci_id",
            "round_id",
            "order",
            "priority_reason",
            "added_on_site",
            "ci__asset_tag",
            "ci__name",
            "ci__location_id",
            "ci__ci_class_id",
            "ci__location__room",
            "ci__location__floor",
            "ci__location__building_id",
            "ci__ci_class__name",
            "ci__ci_class__code",
        )  # fmt: skip
        .order_by("order", "ci__location__room", "ci__asset_tag")
    )
    for entry in entries:
        entry.record = records.get(entry.ci_id)
    return entries


def round_rows(*, round) -> list[dict]:
    """The round page's rows as plain values (two queries): a floor may hold hundreds of
    devices, and model instances for each device, place and class cost most of the time."""
    records = dict(InspectionRecord.objects.filter(round=round).values_list("ci_id", "pk"))
    record_url = reverse("inspections:record_detail", args=[0])[:-2]
    form_url = reverse("inspections:record_form", args=[round.pk, 0])[:-2]
    rows = []
    for ci_id, tag, name, room, reason in (
        PlanDevice.objects.filter(round=round)
        .order_by("order", "ci__location__room", "ci__asset_tag")
        .values_list("ci_id", "ci__asset_tag", "ci__name", "ci__location__room", "priority_reason")
    ):
        record = records.get(ci_id)
        rows.append(
            {
                "tag": tag,
                "name": name,
                "room": room or "",
                "reason": reason,
                "done": record is not None,
                "url": f"{record_url}{record}/" if record else f"{form_url}{ci_id}/",
            }
        )
    return rows


def round_checklists(*, entries) -> dict:
    """Each class's current checklist for the round's devices (for the offline cache)."""
    from .services import checklist_for

    classes = {e.ci.ci_class_id: e.ci.ci_class for e in entries}
    result = {}
    for class_id, ci_class in classes.items():
        template = checklist_for(ci_class=ci_class)
        result[class_id] = {
            "template": template.pk,
            "items": [
                {"id": item.pk, "text": item.text}
                for item in template.items.order_by("order", "pk")
            ],
        }
    return result


def record_get(*, user, pk):
    return (
        InspectionRecord.objects.restrict(user, "view")
        .select_related("plan", "round", "ci__location__building", "engineer__person", "checklist")
        .prefetch_related(
            Prefetch("lines", queryset=ResultLine.objects.select_related("work_order", "problem")),
            Prefetch("discrepancies", queryset=Discrepancy.objects.select_related("decided_by")),
        )
        .get(pk=pk)
    )


def record_list(*, user):
    return InspectionRecord.objects.restrict(user, "view").select_related(
        "ci", "engineer__person", "plan", "round"
    )


def discrepancy_list(*, user, status: str = ""):
    rows = Discrepancy.objects.restrict(user, "view").select_related(
        "record", "ci", "decided_by__person"
    )
    if status in DiscrepancyStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("status", "-created_at")


def report_list(*, user):
    return InspectionReport.objects.restrict(user, "view").select_related(
        "plan", "written_by__person"
    )


def report_get(*, user, pk):
    return (
        InspectionReport.objects.restrict(user, "view")
        .select_related("plan", "written_by__person")
        .get(pk=pk)
    )


def report_figures(*, plan) -> dict:
    """The report's pre-filled figures, in a fixed number of queries."""
    in_scope = plan.devices.count()
    records = InspectionRecord.objects.filter(plan=plan)
    inspected_ids = set(records.values_list("ci_id", flat=True))
    failures = list(
        ResultLine.objects.filter(record__plan=plan, result=ItemResult.FAIL).values_list(
            "text", "record__ci__location__building__name", "record__ci__location__floor"
        )
    )
    by_item = Counter(text for text, _b, _f in failures)
    by_location = Counter(
        " ".join(p for p in (b or "", f and f"{f}F") if p) or "—" for _t, b, f in failures
    )
    work_orders = list(
        ResultLine.objects.filter(record__plan=plan, work_order__isnull=False).values_list(
            "work_order__number", flat=True
        )
    )
    discrepancies = Counter(
        Discrepancy.objects.filter(record__plan=plan).values_list("status", flat=True)
    )
    not_reached = list(
        plan.devices.exclude(ci_id__in=inspected_ids).values_list(
            "ci__asset_tag", "ci__name", "not_reached_reason"
        )
    )
    since = plan.period - timedelta(days=31 * NEVER_INSPECTED_MONTHS)
    recent = InspectionRecord.objects.filter(ci=OuterRef("ci_id"), inspected_at__date__gte=since)
    never = list(
        plan.devices.annotate(recent=Exists(recent))
        .filter(recent=False)
        .values_list("ci__asset_tag", flat=True)
    )
    added_on_site = list(
        plan.devices.filter(added_on_site=True).values_list("ci__asset_tag", flat=True)
    )
    wrong_room = list(
        Discrepancy.objects.filter(record__plan=plan, field=DiscrepancyField.LOCATION).values_list(
            "ci__asset_tag", "cmdb_value", "observed_value"
        )
    )
    from .models import UnknownScan

    unknown = list(
        UnknownScan.objects.filter(round__plan=plan).order_by("tag").values_list("tag", flat=True)
    )
    return {
        "in_scope": in_scope,
        "unknown_tags": unknown,
        "inspected": len(inspected_ids & set(plan.devices.values_list("ci_id", flat=True)))
        if in_scope
        else len(inspected_ids),
        "records": records.count(),
        "failures": len(failures),
        "failures_by_item": by_item.most_common(),
        "failures_by_location": by_location.most_common(),
        "work_orders": work_orders,
        "discrepancies": {
            "open": discrepancies.get(DiscrepancyStatus.OPEN, 0),
            "accepted": discrepancies.get(DiscrepancyStatus.ACCEPTED, 0),
            "rejected": discrepancies.get(DiscrepancyStatus.REJECTED, 0),
        },
        "not_reached": [
            f"{tag} {name}" + (f": {why}" if why else "") for tag, name, why in not_reached
        ],
        "never_inspected_months": NEVER_INSPECTED_MONTHS,
        "never_inspected": never,
        "added_on_site": added_on_site,
        "wrong_room": [f"{t}: {a} → {b}" for t, a, b in wrong_room],
    }


def not_reached(*, plan):
    """The plan's devices without a record this month, with their place."""
    done = InspectionRecord.objects.filter(plan=plan, ci=OuterRef("ci_id"))
    return (
        plan.devices.annotate(done=Exists(done))
        .filter(done=False)
        .select_related("ci__location")
        .order_by("ci__asset_tag")
    )


def overdue_rounds(*, user, today=None):
    """Rounds whose day has passed with devices still not inspected (for the supervisor)."""
    today = today or timezone.localdate()
    plans = InspectionPlan.objects.restrict(user, "view")
    return (
        InspectionRound.objects.filter(plan__in=plans, day__lt=today, plan__status="approved")
        .annotate(
            device_count=Count("devices", distinct=True),
            record_count=Count("records", distinct=True),
        )
        .filter(device_count__gt=0)
        .filter(record_count__lt=F("device_count"))
        .select_related("plan", "building", "engineer__person")
    )


def decisions_pending(user):
    """Approvals inbox provider: plans and reports waiting for `user`'s step (2 queries)."""
    found = []
    for model, kind, url_name in (
        (InspectionPlan, _("Inspection plan approval"), "inspections:plan_detail"),
        (InspectionReport, _("Inspection report approval"), "inspections:report_detail"),
    ):
        rows = model.objects.restrict(user, "approve")
        if model is InspectionPlan:
            rows = rows.select_related("drafted_by__person")
        else:
            rows = rows.select_related("written_by__person", "plan")
        for row in rows:
            author = row.drafted_by if model is InspectionPlan else row.written_by
            title = row.title if model is InspectionPlan else row.plan.title
            found.append(
                PendingDecision(
                    process="inspections",
                    kind=str(kind),
                    number=row.number,
                    title=title,
                    requested_by=getattr(getattr(author, "person", None), "name", "")
                    or author.get_username(),
                    since=row.submitted_at or row.created_at,
                    url=reverse(url_name, args=[row.pk]),
                )
            )
    return found


# --- facilities and backups -----------------------------------------------------------


def facility_list(*, user):
    from .models import Facility

    return (
        Facility.objects.restrict(user, "view")
        .filter(is_active=True)
        .select_related("building", "schedule", "responsible__person")
        .order_by("next_due_on", "name", "pk")
    )


def facility_get(*, user, pk):
    from .models import Facility

    return (
        Facility.objects.restrict(user, "view")
        .select_related("building", "schedule", "responsible__person")
        .get(pk=pk)
    )


def facility_checks(*, user, facility=None):
    from .models import FacilityCheck

    rows = FacilityCheck.objects.restrict(user, "view").select_related(
        "facility", "engineer__person"
    )
    if facility is not None:
        rows = rows.filter(facility=facility)
    return rows.order_by("-checked_on", "-id")


def facility_check_get(*, user, pk):
    from .models import FacilityCheck

    return (
        FacilityCheck.objects.restrict(user, "view")
        .select_related("facility__building", "engineer__person", "checklist")
        .prefetch_related("lines")
        .get(pk=pk)
    )


def backup_list(*, user):
    from .models import BackupPlan

    return (
        BackupPlan.objects.restrict(user, "view")
        .filter(is_active=True)
        .select_related("department", "responsible__person", "ci")
        .order_by("department__name", "system", "pk")
    )


def overdue_backups(*, today=None, user=None):
    """Active plans whose next backup is past due (a failed run does not move the date).

    Without `user` (the scan) every plan; with one, those the user may see.
    """
    from .models import BackupPlan

    today = today or timezone.localdate()
    rows = BackupPlan.objects.restrict(user, "view") if user is not None else BackupPlan.objects
    return rows.filter(is_active=True, next_due_on__lt=today).order_by("next_due_on", "pk")


def backup_get(*, user, pk):
    from .models import BackupPlan

    return (
        BackupPlan.objects.restrict(user, "view")
        .select_related("department", "responsible__person", "ci")
        .get(pk=pk)
    )
