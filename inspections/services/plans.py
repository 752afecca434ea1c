"""Plans: drafting, routes from the CMDB, and the three approvals (shared with reports)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cmdb.choices import CIStatus
from cmdb.models import ConfigurationItem
from itsm import workflow
from servicedesk.calendar import business_calendar

from ..choices import STEP_FOR_STATUS, ApprovalStatus, Decision
from ..models import InspectionApproval, InspectionPlan, InspectionRound, PlanDevice
from ..permissions import plan_refusal
from .notify import tell_signers

REPEAT_FAULTS = 2  # work orders in the last three months that make a device "inspect first"
PLAN_FIELDS = ("title", "content", "resources")
PLAN_SCOPE = ("locations", "departments", "ci_classes", "engineers")


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def working_days(period: date) -> list[date]:
    """The client's working days of the month (public holidays and 调休 as the calendar says)."""
    cal = business_calendar()
    last = calendar.monthrange(period.year, period.month)[1]
    days = [period.replace(day=d) for d in range(1, last + 1)]
    return [d for d in days if cal.is_working_day(d)] or days


@transaction.atomic
def plan_create(
    *,
    actor,
    period: date,
    title: str,
    content: str = "",
    resources: str = "",
    locations=(),
    departments=(),
    ci_classes=(),
    engineers=(),
    previous: InspectionPlan | None = None,
) -> InspectionPlan:
    """A draft plan for `period`'s month with its devices and daily routes from the CMDB."""
    workflow.require(plan_refusal(actor, None, "create"))
    plan = InspectionPlan(
        period=month_start(period),
        title=title.strip(),
        content=content,
        resources=resources,
        drafted_by=actor,
        previous=previous,
    )
    plan.full_clean(exclude=["number"])
    plan.save()
    plan.locations.set(locations)
    plan.departments.set(departments)
    plan.ci_classes.set(ci_classes)
    plan.engineers.set(engineers or [actor])
    plan_build_routes(plan=plan)
    return plan


@transaction.atomic
def plan_update(*, plan, actor, lock_version, **changes) -> InspectionPlan:
    """Change a draft's text or scope; a changed scope rebuilds its routes."""
    plan = workflow.lock(plan, expected=lock_version, conflict=_plan_conflict())
    workflow.require(plan_refusal(actor, plan, "edit"))
    for name in PLAN_FIELDS:
        if name in changes:
            setattr(plan, name, changes[name])
    if "period" in changes:
        plan.period = month_start(changes["period"])
    plan.full_clean(exclude=["number", "previous"])
    workflow.save(plan)
    rebuild = False
    for name in PLAN_SCOPE:
        if name in changes:
            getattr(plan, name).set(changes[name])
            rebuild = True
    if rebuild or "period" in changes:
        plan_build_routes(plan=plan)
    return plan


def _plan_conflict():
    return _("This plan was changed by someone else in the meantime. Reload it and try again.")


def plan_scope(plan) -> list[ConfigurationItem]:
    """The CMDB devices in the plan's scope, in use, with their place loaded."""
    items = ConfigurationItem.objects.filter(status=CIStatus.IN_USE, ci_class__is_accessory=False)
    location_ids = list(plan.locations.values_list("pk", flat=True))
    department_ids = list(plan.departments.values_list("pk", flat=True))
    class_ids = list(plan.ci_classes.values_list("pk", flat=True))
    if location_ids:
        items = items.filter(location_id__in=location_ids)
    if department_ids:
        items = items.filter(department_id__in=department_ids)
    if class_ids:
        items = items.filter(ci_class_id__in=class_ids)
    return list(
        items.select_related("location__building").order_by(
            "location__building__name", "location__floor", "location__room", "asset_tag"
        )
    )


def _priority_reasons(items, at) -> dict[int, str]:
    """Key devices and those with repeated faults in the last three months: inspect first."""
    from incidents.models import WorkOrder

    since = at - timedelta(days=92)
    counts = dict(
        WorkOrder.objects.filter(device__in=[i.pk for i in items], created_at__gte=since)
        .values("device")
        .annotate(n=Count("pk"))
        .filter(n__gte=REPEAT_FAULTS)
        .values_list("device", "n")
    )
    reasons = {}
    for item in items:
        if item.service_level_id:
            reasons[item.pk] = _("Key device")
        if item.pk in counts:
            reasons[item.pk] = _("%(count)d faults in the last three months") % {
                "count": counts[item.pk]
            }
    return reasons


def plan_build_routes(*, plan) -> int:
    """Devices in scope split into one round per building and floor, over the month's
    working days and the plan's engineers in turn; devices to inspect first lead each route.
    Only for drafts (no records yet). Returns the number of devices."""
    plan.devices.all().delete()
    plan.rounds.all().delete()
    items = plan_scope(plan)
    reasons = _priority_reasons(items, timezone.now())
    floors = defaultdict(list)
    for item in items:
        location = item.location
        key = (location.building if location else None, location.floor if location else "")
        floors[key].append(item)
    days = working_days(plan.period)
    engineers = list(plan.engineers.order_by("pk")) or [None]
    rows = []
    for index, ((building, floor), members) in enumerate(floors.items()):
        route = InspectionRound.objects.create(
            plan=plan,
            day=days[index % len(days)],
            engineer=engineers[index % len(engineers)],
            building=building,
            floor=floor,
        )
        members.sort(key=lambda i: (i.pk not in reasons,))
        for order, item in enumerate(members):
            rows.append(
                PlanDevice(
                    plan=plan,
                    ci=item,
                    round=route,
                    order=order,
                    priority_reason=reasons.get(item.pk, ""),
                )
            )
    PlanDevice.objects.bulk_create(rows, batch_size=500)
    return len(rows)


@transaction.atomic
def plan_submit(*, plan, actor, lock_version) -> InspectionPlan:
    """Send a draft to the service supervisor, the first of three approvals."""
    plan = workflow.lock(plan, expected=lock_version, conflict=_plan_conflict())
    workflow.require(plan_refusal(actor, plan, "submit"))
    workflow.transition(
        plan,
        actor=actor,
        name="submit",
        method=plan.submit,
        refused=_("A plan that is “%(status)s” cannot be submitted."),
        at=timezone.now(),
    )
    workflow.after_commit(tell_signers, plan.pk, "plan")
    return plan


def _decide(subject, *, actor, approve: bool, comment: str, refused: str):
    """One signature: the approval row, then the step (approve → next body; reject → draft)."""
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError(_("Say why you reject it: the reasons go back to the author."))
    step = STEP_FOR_STATUS.get(subject.status)
    at = timezone.now()
    InspectionApproval.objects.create(
        **{subject._meta.model_name.removeprefix("inspection"): subject},
        step=step,
        decision=Decision.APPROVED if approve else Decision.REJECTED,
        comment=comment,
        approver=actor,
        decided_at=at,
    )
    if approve:
        workflow.transition(
            subject,
            actor=actor,
            name="approve",
            method=subject.approve,
            refused=refused,
            note=comment,
            at=at,
        )
    else:
        workflow.transition(
            subject,
            actor=actor,
            name="reject",
            method=subject.reject,
            refused=refused,
            note=comment,
            reason=comment,
        )
    return subject


@transaction.atomic
def plan_decide(*, plan, actor, approve: bool, comment: str = "", lock_version) -> InspectionPlan:
    """The signer of the current step approves (on to the next body) or rejects (to draft,
    with the reasons shown to the engineers). Every signature is kept."""
    plan = workflow.lock(plan, expected=lock_version, conflict=_plan_conflict())
    workflow.require(plan_refusal(actor, plan, "approve"))
    _decide(
        plan,
        actor=actor,
        approve=approve,
        comment=comment,
        refused=_("A plan that is “%(status)s” cannot be decided."),
    )
    workflow.after_commit(tell_signers, plan.pk, "plan")
    return plan


def plan_copy_for_next_month(*, plan, actor) -> InspectionPlan | None:
    """Next month's draft made from `plan` (same scope and engineers), once: a plan has
    at most one successor, so a second call returns None."""
    if InspectionPlan.objects.filter(previous=plan).exists():
        return None
    with transaction.atomic():
        period = next_month(plan.period)
        return plan_create(
            actor=actor,
            period=period,
            title=_("Inspection plan %(month)s") % {"month": f"{period:%Y-%m}"},
            content=plan.content,
            resources=plan.resources,
            locations=list(plan.locations.all()),
            departments=list(plan.departments.all()),
            ci_classes=list(plan.ci_classes.all()),
            engineers=list(plan.engineers.all()),
            previous=plan,
        )


def plans_waiting_for(statuses) -> Q:
    return Q(status__in=statuses)


__all__ = [
    "ApprovalStatus",
    "month_start",
    "next_month",
    "plan_build_routes",
    "plan_copy_for_next_month",
    "plan_create",
    "plan_decide",
    "plan_scope",
    "plan_submit",
    "plan_update",
    "working_days",
]
