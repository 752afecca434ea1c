"""Service-quality figures for a period, as the monthly and quarterly reports need them.

Each is computed in one aggregate query over indexed columns; none loads work orders
into Python (the peer's dashboard does, and needs seconds at 100k tickets).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, F, Q

from .choices import Status
from .models import Callback, WorkOrder


@dataclass(frozen=True)
class QualityFigures:
    received: int
    resolved: int
    responded: int
    response_rate: float | None  # responded / received (commitment: 100 %)
    response_attainment: float | None  # responded in time / responded
    resolution_attainment: float | None  # resolved in time / resolved
    first_contact_rate: float | None  # resolved at the desk / resolved (target 30–50 %)
    satisfaction: float | None  # mean 1–5 over rated orders
    satisfied_rate: float | None  # rated 4 or 5 / rated (commitment: > 95 %)
    callbacks: int
    callbacks_reached: int
    dispatch_attainment: float | None  # dispatched within 10 min / dispatched


def _ratio(part, whole):
    return round(part / whole, 4) if whole else None


def quality_figures(
    *, start: datetime, end: datetime, department_id: int | None = None
) -> QualityFigures:
    """Figures for work orders received in [start, end)."""
    orders = WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end).exclude(
        status=Status.CANCELLED
    )
    if department_id:
        orders = orders.filter(department_id=department_id)
    totals = orders.aggregate(
        received=Count("pk"),
        responded=Count("pk", filter=Q(responded_at__isnull=False)),
        responded_late=Count("pk", filter=Q(responded_at__isnull=False, response_breached=True)),
        resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
        resolved_late=Count("pk", filter=Q(resolved_at__isnull=False, resolution_breached=True)),
        first_contact=Count(
            "pk", filter=Q(resolved_at__isnull=False, first_contact_resolution=True)
        ),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
        mean_rating=Avg("rating"),
        dispatched=Count("pk", filter=Q(assigned_at__isnull=False)),
        dispatched_late=Count(
            "pk", filter=Q(assigned_at__isnull=False, assigned_at__gt=F("dispatch_due_at"))
        ),
    )
    calls = Callback.objects.filter(work_order__in=orders).aggregate(
        total=Count("pk"), reached=Count("pk", filter=Q(outcome="reached"))
    )
    return QualityFigures(
        received=totals["received"],
        resolved=totals["resolved"],
        responded=totals["responded"],
        response_rate=_ratio(totals["responded"], totals["received"]),
        response_attainment=_ratio(
            totals["responded"] - totals["responded_late"], totals["responded"]
        ),
        resolution_attainment=_ratio(
            totals["resolved"] - totals["resolved_late"], totals["resolved"]
        ),
        first_contact_rate=_ratio(totals["first_contact"], totals["resolved"]),
        satisfaction=round(totals["mean_rating"], 2) if totals["mean_rating"] is not None else None,
        satisfied_rate=_ratio(totals["satisfied"], totals["rated"]),
        callbacks=calls["total"],
        callbacks_reached=calls["reached"],
        dispatch_attainment=_ratio(
            totals["dispatched"] - totals["dispatched_late"], totals["dispatched"]
        ),
    )
