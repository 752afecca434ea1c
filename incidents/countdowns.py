"""SLA countdowns as the pages show them: whole minutes left or overdue, paused on hold."""

from django.utils.translation import gettext as _

from .choices import OPEN_STATUSES, Status


def duration_text(minutes: int) -> str:
    """“45 min”, “3 h 20 min”, “2 d 4 h”: countdowns people read at a glance."""
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


def countdown(due, now, *, paused: bool) -> dict:
    seconds = (due - now).total_seconds()
    minutes = int(abs(seconds) // 60)
    return {
        "due": due,
        "minutes": minutes,
        "span": duration_text(minutes),
        "overdue": seconds < 0,
        "paused": paused,
    }


def sla(work_order, due, now, *, done=False):
    """A countdown for a badge: whole minutes left or overdue; None once met or undated."""
    if due is None or done or not work_order.is_open:
        return None
    return countdown(due, now, paused=work_order.status == Status.ON_HOLD)


def row_sla(row: dict, now):
    """`sla` for a queue row read as values (selectors.work_order_rows)."""
    due = row["resolve_due_at"]
    if due is None or row["status"] not in OPEN_STATUSES:
        return None
    return countdown(due, now, paused=row["status"] == Status.ON_HOLD)
