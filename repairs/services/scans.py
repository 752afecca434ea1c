"""The periodic repair scan (beat): overdue repairs and in-warranty progress reminders.

Idempotent: each due point is claimed with a conditional UPDATE (`overdue_notified_on`,
`progress_reminded_on` move from "not yet this point" to the point), so a rerun, a second
worker or a restart tells nobody twice; a new due point (the next 3-working-day report)
is told again.
"""

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicedesk.calendar import business_calendar
from servicedesk.notifications import notify

from .. import clock
from ..choices import RepairKind, RepairStatus
from ..models import RepairOrder
from . import _common as c


def repairs_scan(*, today=None) -> dict[str, int]:
    """Tell the desk about repairs past their due date and in-warranty repairs whose
    progress report is due. Returns how many of each were told in this run."""
    today = today or timezone.localdate()
    calendar = business_calendar()
    desk = c.desk_users()
    told = {"overdue": 0, "progress": 0}
    out = RepairOrder.objects.filter(status=RepairStatus.SENT)
    overdue = out.filter(Q(due_back_on__lt=today) | Q(desk_due_on__lt=today)).select_related(
        "work_order", "vendor__supplier", "device"
    )
    for repair in overdue:
        # One notice per due point passed (at the desk; back from a third-party repair):
        # `overdue_notified_on` holds the due date last told.
        due = max(d for d in (repair.desk_due_on, repair.due_back_on) if d and d < today)
        if repair.overdue_notified_on == due:
            continue
        claimed = (
            RepairOrder.objects.filter(pk=repair.pk)
            .exclude(overdue_notified_on=due)
            .update(overdue_notified_on=due)
        )
        if not claimed:
            continue
        told["overdue"] += 1
        notify(
            recipients=desk,
            subject=_("[%(number)s] Repair overdue since %(date)s") % {"number": repair.number, "date": due},
            body=_("%(device)s at %(vendor)s, work order %(wo)s") % {
                "device": repair.device, "vendor": repair.vendor.name, "wo": repair.work_order.number},
            url=repair.get_absolute_url(),
        )  # fmt: skip
    due_reports = out.filter(
        kind=RepairKind.IN_WARRANTY, progress_due_on__lte=today
    ).select_related("work_order", "vendor__supplier")
    for repair in due_reports:
        point = repair.progress_due_on
        following = clock.add_working_days(calendar, point, clock.PROGRESS_EVERY_WORKING_DAYS)
        while following <= today:  # the scan was down for a while: catch up to the next point
            following = clock.add_working_days(
                calendar, following, clock.PROGRESS_EVERY_WORKING_DAYS
            )
        claimed = RepairOrder.objects.filter(pk=repair.pk, progress_due_on=point).update(
            progress_due_on=following,
            progress_reminded_on=point,
            lock_version=F("lock_version") + 1,
        )
        if not claimed:
            continue
        told["progress"] += 1
        notify(
            recipients=desk,
            subject=_("[%(number)s] Progress report due to the user") % {"number": repair.number},
            body=_("In-warranty repair at %(vendor)s: write the progress to the user and the "
                   "information department.") % {"vendor": repair.vendor.name},
            url=repair.get_absolute_url(), mail=False,
        )  # fmt: skip
    return told
