"""Each role's home page: what that person works from when they sign in.

Approvers land on what waits for their decision; the service supervisor on breaches,
complaints and problems to review; the project manager on the month's figures, linking to
the reports; the desk and engineers on their queues; end users on their own work orders.
Everything here is read through the process apps' selectors (a fixed number of queries per
card); the approvals inbox comes from `itsm.approvals` like everywhere else.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents import selectors as incidents
from incidents.metrics import quality_figures
from incidents.models.quality import ComplaintStatus
from problems.choices import ProblemStatus
from problems.selectors import problem_list, problem_suggestions
from servicedesk.choices import Role
from servicedesk.roles import is_staff_role, user_has_role

from .discovery import has_submodule

SHOWN = 5  # rows per card; each card links to its full list


def home_kind(user) -> str:
    """Which home `user` works from: supervisor, manager, staff, approver or end_user."""
    if user_has_role(user, Role.SUPERVISOR):
        return "supervisor"
    if user_has_role(user, Role.MANAGER):
        return "manager"
    if is_staff_role(user):
        return "staff"
    if user_has_role(user, Role.APPROVER):
        return "approver"
    return "end_user"


def supervisor_review(*, user) -> dict:
    """What the service supervisor reviews: breached work orders, open complaints, problems
    waiting for triage or closure and recurring faults that may need a problem."""
    breached = incidents.work_order_list(user=user, queue="breached")
    complaints = incidents.complaint_list().filter(status=ComplaintStatus.OPEN)
    problems = problem_list(user=user).filter(
        status__in=[ProblemStatus.NEW, ProblemStatus.RESOLVED]
    )
    return {
        "breached_count": incidents.queue_counts(user)["breached"],
        "breached": incidents.work_order_rows(breached.values_list("pk", flat=True)[:SHOWN]),
        "complaint_count": complaints.count(),
        "complaints": list(complaints[:SHOWN]),
        "problem_count": problems.count(),
        "problems": list(problems[:SHOWN]),
        "suggestion_count": len(problem_suggestions()),
    }


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime


def _month_start(day) -> datetime:
    zone = timezone.get_current_timezone()
    return timezone.make_aware(datetime(day.year, day.month, 1), zone)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


# (label, the customer's commitment (§6.2.1, §6.3.3), QualityFigures field, format)
FIGURES = (
    (gettext_lazy("Work orders received"), "", "received", str),
    (gettext_lazy("Resolved"), "", "resolved", str),
    (gettext_lazy("Response rate"), "100 %", "response_rate", _percent),
    (gettext_lazy("Resolved in time"), "", "resolution_attainment", _percent),
    (gettext_lazy("Dispatched within 10 minutes"), "", "dispatch_attainment", _percent),
    (gettext_lazy("Resolved at the desk"), "30–50 %", "first_contact_rate", _percent),
    (gettext_lazy("Satisfied (rated 4 or 5)"), "> 95 %", "satisfied_rate", _percent),
)


def manager_figures(*, now=None) -> dict:
    """This month so far and last month, as the monthly report will count them."""
    now = now or timezone.now()
    this_month = _month_start(timezone.localdate(now))
    last_day = timezone.localdate(this_month) - timedelta(days=1)
    periods = [
        Period(_("This month so far"), this_month, now),
        Period(_("Last month"), _month_start(last_day), this_month),
    ]
    figures = [quality_figures(start=period.start, end=period.end) for period in periods]
    return {
        "periods": periods,
        "figure_rows": [
            (label, target, [show(getattr(f, field)) for f in figures])
            for label, target, field, show in FIGURES
        ],
        "open_complaints": incidents.complaint_list().filter(status=ComplaintStatus.OPEN).count(),
        "reports_url": reports_url(),
    }


def reports_url() -> str:
    """Where the manager reads the reports: the dashboard once the reports app serves it,
    its index before that, "" while it serves no pages (the card then says so)."""
    try:
        return reverse("reports:dashboard")
    except NoReverseMatch:
        return "/reports/" if has_submodule("reports", "urls") else ""
