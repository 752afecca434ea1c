"""The monthly schedule, as one idempotent daily scan (beat: `inspections-monthly-scan`).

- From the 20th, next month's draft plan is made from each of this month's plans that has
  no successor yet; the successor link is unique, so a rerun or a second worker makes none.
- From the 1st, plans of the month still not approved are reminded once (one reminder row
  per plan and due point is the claim); on the month's last day and after, approved plans
  with devices not reached are reminded once.
"""

import calendar
from datetime import date

from celery import shared_task
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm.actors import system_user
from servicedesk.choices import Role
from servicedesk.notifications import notify

from . import services
from .choices import ApprovalStatus, ReminderKind
from .models import InspectionPlan, InspectionRecord, InspectionReminder

DRAFT_DAY = 20


def _claim(kind: str, plan, due: date) -> bool:
    try:
        with transaction.atomic():
            InspectionReminder.objects.create(kind=kind, plan=plan, due=due)
    except IntegrityError:
        return False
    return True


def _people(plan):
    from django.contrib.auth import get_user_model

    supervisors = get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
    return [plan.drafted_by, *plan.engineers.all(), *supervisors]


def drafts_for_next_month(today: date) -> int:
    if today.day < DRAFT_DAY:
        return 0
    made = 0
    actor = system_user()
    plans = InspectionPlan.objects.filter(period=today.replace(day=1)).filter(
        ~Exists(InspectionPlan.objects.filter(previous=OuterRef("pk")))
    )
    for plan in plans:
        try:
            if services.plan_copy_for_next_month(plan=plan, actor=actor) is not None:
                made += 1
        except IntegrityError:  # another worker made it first
            continue
    return made


def remind_unapproved(today: date) -> int:
    sent = 0
    for plan in (
        InspectionPlan.objects.filter(period__lte=today)
        .exclude(status=ApprovalStatus.APPROVED)
        .filter(period__gte=today.replace(day=1))
    ):
        if _claim(ReminderKind.PLAN_NOT_APPROVED, plan, plan.period):
            notify(
                recipients=_people(plan),
                subject=_("Inspection plan %(number)s for %(month)s is not approved yet")
                % {"number": plan.number, "month": f"{plan.period:%Y-%m}"},
                url=plan.get_absolute_url(),
            )
            sent += 1
    return sent


def remind_not_reached(today: date) -> int:
    sent = 0
    done = InspectionRecord.objects.filter(plan=OuterRef("plan_id"), ci=OuterRef("ci_id"))
    for plan in InspectionPlan.objects.filter(status=ApprovalStatus.APPROVED, period__lte=today):
        last = plan.period.replace(day=calendar.monthrange(plan.period.year, plan.period.month)[1])
        if today < last or (today - last).days > 31:
            continue
        missing = (
            plan.devices.annotate(done=Exists(done))
            .filter(done=False)
            .aggregate(n=Count("pk"))["n"]
        )
        if missing and _claim(ReminderKind.DEVICES_NOT_REACHED, plan, last):
            notify(
                recipients=_people(plan),
                subject=_("%(count)d devices of %(number)s were not inspected this month")
                % {"count": missing, "number": plan.number},
                url=plan.get_absolute_url(),
            )
            sent += 1
    return sent


@shared_task
def monthly_scan() -> dict:
    """Run daily; does each month's work once however often it runs."""
    today = timezone.localdate()
    return {
        "drafts": drafts_for_next_month(today),
        "not_approved": remind_unapproved(today),
        "not_reached": remind_not_reached(today),
    }
