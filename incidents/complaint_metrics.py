"""Complaint figures: one definition each, for the quality manager's statistics page,
its API and the monthly service summary (split from incidents.metrics, which keeps the
work orders' own figures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Q,
)
from django.utils.translation import gettext_noop as N_

from servicedesk.calendar import business_calendar

from . import sla
from .metrics import NO_DEPARTMENT

# --- complaints (the quality manager's statistics and the monthly summary) -----------------

NO_CAUSE = 0  # cause_id for the complaints not classified yet

COMPLAINT_DEFINITIONS = {
    "complaints": N_("Complaints raised in the period (by the time they were recorded)."),
    "complaints_handled": N_("Complaints raised in the period that have been handled."),
    "complaints_open": N_("Complaints raised in the period that are still open."),
    "complaint_handling_hours": N_(
        "Mean business time (working hours of the business calendar) from recording a "
        "complaint to recording its outcome, over the complaints handled."
    ),
}
COMPLAINT_LABELS = {
    "complaints": N_("Complaints"),
    "complaints_handled": N_("Complaints handled"),
    "complaints_open": N_("Complaints open"),
    "complaint_handling_hours": N_("Mean complaint handling time"),
}


def complaint_filters() -> dict[str, Q]:
    """The one definition of every complaint count, over `complaints_raised`."""
    return {
        "complaints": Q(),
        "complaints_handled": Q(handled_at__isnull=False),
        "complaints_open": Q(handled_at__isnull=True),
    }


def complaints_raised(
    *,
    start: datetime,
    end: datetime,
    cause_id: int | None = None,
    department_id: int | None = None,
):
    """Complaints recorded in [start, end); `cause_id` / `department_id` narrow them
    (NO_CAUSE / NO_DEPARTMENT: those without one)."""
    from .models import Complaint

    complaints = Complaint.objects.filter(created_at__gte=start, created_at__lt=end)
    if cause_id == NO_CAUSE:
        complaints = complaints.filter(cause__isnull=True)
    elif cause_id:
        complaints = complaints.filter(cause_id=cause_id)
    if department_id == NO_DEPARTMENT:
        complaints = complaints.filter(department__isnull=True)
    elif department_id:
        complaints = complaints.filter(department_id=department_id)
    return complaints


def complaint_records(key: str, **scope):
    """The complaints behind complaint count `key`; its length equals the count
    `complaint_statistics` gives for the same scope."""
    return (
        complaints_raised(**scope)
        .filter(complaint_filters()[key])
        .select_related("work_order", "cause", "department", "engineer__person")
        .order_by("created_at", "pk")
    )


@dataclass
class ComplaintGroup:
    """Complaints of one cause or one department (id None: all of them)."""

    id: int | None
    name: str
    complaints: int = 0
    handled: int = 0
    handling: list = field(default_factory=list)  # business time of each handled one

    @property
    def open(self) -> int:
        return self.complaints - self.handled

    @property
    def mean_handling_hours(self) -> float | None:
        if not self.handling:
            return None
        return round(sum(t.total_seconds() for t in self.handling) / len(self.handling) / 3600, 2)


@dataclass
class ComplaintStatistics:
    total: ComplaintGroup
    by_cause: list[ComplaintGroup]
    by_department: list[ComplaintGroup]


def complaint_statistics(*, start: datetime, end: datetime) -> ComplaintStatistics:
    """Complaints of [start, end) overall, by cause and by department, with the business
    time each handled one took. Two queries whatever the number of complaints (they are
    few; the handling time needs the business calendar, so rows are read, not grouped)."""
    rows = complaints_raised(start=start, end=end).values_list(
        "cause_id", "cause__name", "department_id", "department__name", "created_at", "handled_at"
    )
    calendar = business_calendar()
    total = ComplaintGroup(None, "")
    causes: dict[int, ComplaintGroup] = {}
    departments: dict[int, ComplaintGroup] = {}
    for cause_id, cause_name, department_id, department_name, created, handled in rows:
        took = sla.business_elapsed(calendar, start=created, now=handled) if handled else None
        cause = causes.setdefault(
            cause_id or NO_CAUSE, ComplaintGroup(cause_id or NO_CAUSE, cause_name or "")
        )
        department = departments.setdefault(
            department_id or NO_DEPARTMENT,
            ComplaintGroup(department_id or NO_DEPARTMENT, department_name or ""),
        )
        for group in (total, cause, department):
            group.complaints += 1
            if took is not None:
                group.handled += 1
                group.handling.append(took)

    def ordered(groups):  # most complaints first; the unclassified ones last
        return sorted(groups.values(), key=lambda g: (not g.id, -g.complaints, g.name))

    return ComplaintStatistics(total, ordered(causes), ordered(departments))
