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


# --- backups and facility checks: one daily scan over the due-date indexes ------------


def _claim_due(kind: str, *, due: date, backup_plan=None, facility=None) -> bool:
    from .models import DueReminder

    try:
        with transaction.atomic():
            DueReminder.objects.create(
                kind=kind, due=due, backup_plan=backup_plan, facility=facility
            )
    except IntegrityError:
        return False
    return True


def _supervisors():
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True))


def remind_overdue_backups(today: date) -> int:
    """Each active plan past its due date is reminded once per due date."""
    from . import selectors

    sent = 0
    supervisors = None
    for plan in selectors.overdue_backups(today=today).select_related("responsible", "department"):
        if not _claim_due(ReminderKind.BACKUP_OVERDUE, due=plan.next_due_on, backup_plan=plan):
            continue
        supervisors = supervisors if supervisors is not None else _supervisors()
        notify(
            recipients=[plan.responsible, *supervisors],
            subject=_("Backup of %(system)s (%(department)s) was due on %(due)s")
            % {
                "system": plan.system,
                "department": plan.department.name,
                "due": f"{plan.next_due_on:%Y-%m-%d}",
            },
            url=plan.get_absolute_url(),
        )
        sent += 1
    return sent


def remind_facility_checks(today: date) -> dict:
    """A facility due this month is reminded once at the month's start; overdue once after."""
    from .models import Facility

    due_sent = overdue_sent = 0
    supervisors = None
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    for facility in Facility.objects.filter(
        is_active=True, next_due_on__isnull=False, next_due_on__lte=month_end
    ).select_related("responsible"):
        overdue = facility.next_due_on < today
        kind = ReminderKind.FACILITY_OVERDUE if overdue else ReminderKind.FACILITY_DUE
        if not _claim_due(kind, due=facility.next_due_on, facility=facility):
            continue
        if overdue:
            supervisors = supervisors if supervisors is not None else _supervisors()
            subject = _("The check of %(name)s was due by %(due)s")
        else:
            subject = _("%(name)s is due for its check by %(due)s")
        notify(
            recipients=[facility.responsible, *(supervisors if overdue else [])],
            subject=subject % {"name": facility.name, "due": f"{facility.next_due_on:%Y-%m-%d}"},
            url=facility.get_absolute_url(),
        )
        if overdue:
            overdue_sent += 1
        else:
            due_sent += 1
    return {"facility_due": due_sent, "facility_overdue": overdue_sent}


@shared_task
def due_scan() -> dict:
    """Run daily (beat: `inspections-due-scan`); reminds each due point once."""
    today = timezone.localdate()
    return {"backups_overdue": remind_overdue_backups(today), **remind_facility_checks(today)}
