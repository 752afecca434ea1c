"""Service-quality figures for a period, as the reports and the manager dashboard show them.

One definition per figure: `count_filters()` names a Q filter for every count, and both
the aggregates (`quality_figures`, `quality_figures_by`, `quality_counts`) and the drill
lists (`records`) are built from that same dict, so a figure always equals the length of
the list behind it. Each aggregate is one query over indexed columns; nothing loads
work orders into Python (the peer's dashboard does, and needs seconds at 100k tickets).

What the figures count (the definitions below are what the pages and the PDF print):
- The population is the work orders *received* in [start, end), cancelled ones (withdrawn,
  duplicates, merged) left out.
- A response is the first staff action that reaches the requester: a visible comment,
  the engineer's confirmation of execution (the requester sees who is on it), a hold, or
  the fix. Internal notes and the dispatch alone (routing inside the desk, the requester
  is not told) are not responses. (The services stamp `responded_at`:
  services/common.py `_mark_responded`.)
- Due points are compared in business time: an action is in time while no business time
  has passed since the due point (sla.in_time); an open order is overdue once some has
  (sla.breach_cutoff).
- Time on hold pauses both clocks; the response clock stops at the first response, so a
  later hold does not move it (sla.holds_before).
- Never-answered orders whose response is due count as missed responses; open orders past
  their resolution due point count as missed resolutions.
- First-contact resolution: of the orders received and resolved, those the desk fixed
  itself before dispatching anyone, not via a parent (outage) order.
- Satisfaction uses the user's own rating when given, else the answer to the desk's
  call-back; both are kept on the order.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Literal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from servicedesk.calendar import business_calendar

from . import sla
from .choices import OPEN_STATUSES, ResponseMode, ServiceType, Status
from .models import Callback, ServiceRecord, WorkOrder

# --- the counts ------------------------------------------------------------------------

COUNT_KEYS = (
    "received",
    "responses_due",
    "responded",
    "responded_in_time",
    "response_missed",
    "resolutions_due",
    "resolved",
    "resolved_in_time",
    "resolution_missed",
    "first_contact",
    "rated",
    "satisfied",
    "dissatisfied",
    "callbacks",
    "callbacks_reached",
    "dispatched",
    "dispatched_in_time",
    "dispatched_late",
)

# What each count is, as printed beside the figure (msgids; translated when shown).
DEFINITIONS = {
    "received": N_(
        "Work orders recorded in the period (by the time they were reported), whatever "
        "their channel; cancelled ones (withdrawn, duplicates, merged) are not counted."
    ),
    "responses_due": N_(
        "Received work orders that were answered, or whose response due point has passed "
        "in business time without an answer. Orders not yet due are left out."
    ),
    "responded": N_(
        "Work orders answered: the first staff action that reaches the requester (a "
        "visible comment, the engineer confirming execution, a hold or the fix). Internal "
        "notes and the dispatch alone are not responses."
    ),
    "responded_in_time": N_(
        "Work orders answered no later than the response due point, compared in business "
        "time (an answer at 08:30 after a 17:30 due point is in time). The due point is "
        "the service level's response target in business time; time on hold before the "
        "first response pauses it."
    ),
    "response_missed": N_(
        "Work orders answered after the response due point, or never answered although "
        "the due point has passed (in business time)."
    ),
    "resolutions_due": N_(
        "Received work orders that were resolved, or are still open past their resolution "
        "due point in business time."
    ),
    "resolved": N_("Received work orders that have been resolved (including those closed since)."),
    "resolved_in_time": N_(
        "Resolved work orders fixed no later than the resolution due point, compared in "
        "business time; time on hold (waiting for the user, a vendor or parts) pauses "
        "the clock."
    ),
    "resolution_missed": N_(
        "Work orders resolved after the resolution due point, or still open past it (in "
        "business time). A reopened order is measured again from its reopening."
    ),
    "first_contact": N_(
        "Resolved work orders the service desk fixed itself before dispatching anyone; "
        "an order resolved through its parent (an outage fixed on the parent order) is "
        "not a first-contact resolution."
    ),
    "rated": N_(
        "Work orders with a satisfaction score: the user's own rating when given, "
        "otherwise the answer to the desk's call-back."
    ),
    "satisfied": N_("Rated work orders scoring 4 or 5 of 5."),
    "dissatisfied": N_("Rated work orders scoring 1 to 3 of 5 (not satisfied)."),
    "callbacks": N_("Received work orders the desk called back at least once."),
    "callbacks_reached": N_("Received work orders whose call-back reached the user."),
    "dispatched": N_("Received work orders dispatched to an engineer."),
    "dispatched_in_time": N_(
        "Work orders dispatched within 10 minutes (clock time) of being recorded."
    ),
    "dispatched_late": N_(
        "Work orders dispatched more than 10 minutes (clock time: the desk is staffed "
        "around the clock) after they were recorded."
    ),
}

LABELS = {
    "received": N_("Work orders received"),
    "responses_due": N_("Responses due"),
    "responded": N_("Responded"),
    "responded_in_time": N_("Responded in time"),
    "response_missed": N_("Responses missed"),
    "resolutions_due": N_("Resolutions due"),
    "resolved": N_("Resolved"),
    "resolved_in_time": N_("Resolved in time"),
    "resolution_missed": N_("Resolutions missed"),
    "first_contact": N_("Resolved at first contact"),
    "rated": N_("Rated"),
    "satisfied": N_("Satisfied"),
    "dissatisfied": N_("Not satisfied"),
    "callbacks": N_("Called back"),
    "callbacks_reached": N_("Call-back reached the user"),
    "dispatched": N_("Dispatched"),
    "dispatched_in_time": N_("Dispatched in time"),
    "dispatched_late": N_("Dispatched late"),
}

# The rates: (numerator count, base count, label, definition).
RATES = {
    "response_rate": (
        "responded",
        "responses_due",
        N_("Response rate"),
        N_(
            "Work orders answered ÷ responses due (never-answered orders past their due point count as not answered)."
        ),
    ),
    "response_attainment": (
        "responded_in_time",
        "responses_due",
        N_("Responded in time"),
        N_("Work orders answered in time ÷ responses due, in business time."),
    ),
    "resolution_attainment": (
        "resolved_in_time",
        "resolutions_due",
        N_("Resolved in time"),
        N_("Work orders resolved in time ÷ resolutions due (open overdue orders count as missed)."),
    ),
    "first_contact_rate": (
        "first_contact",
        "resolved",
        N_("First-contact resolution"),
        N_("Resolved at first contact ÷ work orders received in the period and resolved."),
    ),
    "satisfied_rate": (
        "satisfied",
        "rated",
        N_("Satisfied users"),
        N_("Rated 4 or 5 ÷ rated (the user's own rating, else the call-back's answer)."),
    ),
    "dispatch_attainment": (
        "dispatched_in_time",
        "dispatched",
        N_("Dispatched within 10 minutes"),
        N_("Dispatched within 10 minutes of recording ÷ dispatched."),
    ),
}

# Stated once on every report and on the dashboard.
NOTES = (
    N_(
        "Hold time pauses the response clock until the first response and the resolution "
        "clock throughout; a hold begun after the first response does not move the response "
        "due point."
    ),
    N_(
        "First-contact resolution is counted over the work orders received in the period "
        "and resolved, not over all received."
    ),
    N_(
        "Open orders are judged as of the moment the figures are made: an order still "
        "unanswered after its due point is a missed response."
    ),
)


def _score():
    # The user's own rating when given, else the call-back's answer.
    return Coalesce("rating", "callback_satisfaction")


def _score_q(lookup: str, value: int) -> Q:
    """The score (own rating, else the call-back's answer) compared, as plain column
    filters: usable in aggregates and in filters alike."""
    return Q(**{f"rating__{lookup}": value}) | Q(
        rating__isnull=True, **{f"callback_satisfaction__{lookup}": value}
    )


def count_filters(*, as_of: datetime | None = None) -> dict[str, Q]:
    """The one definition of every count: a Q over the received orders
    (`received_orders`). `as_of` decides which open orders are overdue."""
    as_of = as_of or timezone.now()
    cutoff = sla.breach_cutoff(business_calendar(), as_of)
    unanswered_overdue = Q(responded_at__isnull=True, response_due_at__lt=cutoff)
    open_overdue = Q(resolved_at__isnull=True, status__in=OPEN_STATUSES, resolve_due_at__lt=cutoff)
    response_missed = Q(response_breached=True) | unanswered_overdue
    resolution_missed = Q(resolution_breached=True) | open_overdue
    responded = Q(responded_at__isnull=False)
    resolved = Q(resolved_at__isnull=False)
    called_back = Callback.objects.filter(work_order=OuterRef("pk"))
    return {
        "received": Q(),
        "responses_due": responded | response_missed,
        "responded": responded,
        "responded_in_time": responded & Q(response_breached=False),
        "response_missed": response_missed,
        "resolutions_due": resolved | resolution_missed,
        "resolved": resolved,
        "resolved_in_time": resolved & Q(resolution_breached=False),
        "resolution_missed": resolution_missed,
        "first_contact": resolved & Q(first_contact_resolution=True, parent__isnull=True),
        "rated": Q(rating__isnull=False) | Q(callback_satisfaction__isnull=False),
        "satisfied": _score_q("gte", 4),
        "dissatisfied": _score_q("lte", 3),
        "callbacks": Q(Exists(called_back)),
        "callbacks_reached": Q(Exists(called_back.filter(outcome="reached"))),
        "dispatched": Q(assigned_at__isnull=False),
        # Late and in time split the dispatched exactly (an order without a dispatch due
        # point is in time), so the two lists add up to the base.
        "dispatched_in_time": Q(assigned_at__isnull=False)
        & ~Q(assigned_at__gt=F("dispatch_due_at"), dispatch_due_at__isnull=False),
        "dispatched_late": Q(assigned_at__isnull=False, assigned_at__gt=F("dispatch_due_at")),
    }


NO_DEPARTMENT = 0  # department_id for the orders of no department (the reporter has none)


def received_orders(
    *,
    start: datetime,
    end: datetime,
    department_id: int | None = None,
    level: int | None = None,
) -> QuerySet[WorkOrder]:
    """Work orders received in [start, end), cancelled ones and history imported from the
    previous system left out (incidents.history_import says why)."""
    orders = WorkOrder.objects.filter(
        created_at__gte=start, created_at__lt=end, imported_at__isnull=True
    ).exclude(status=Status.CANCELLED)
    if department_id == NO_DEPARTMENT:
        orders = orders.filter(department__isnull=True)
    elif department_id:
        orders = orders.filter(department_id=department_id)
    if level:
        orders = orders.filter(service_level_id=level)
    return orders


def records(
    key: str,
    *,
    start: datetime,
    end: datetime,
    department_id: int | None = None,
    level: int | None = None,
    as_of: datetime | None = None,
) -> QuerySet[WorkOrder]:
    """The work orders behind count `key` (one of COUNT_KEYS); its length equals the
    count `quality_figures` gives for the same arguments. KeyError for an unknown key."""
    condition = count_filters(as_of=as_of)[key]
    orders = received_orders(start=start, end=end, department_id=department_id, level=level)
    return orders.filter(condition).order_by("-created_at", "-pk")


# --- the figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class QualityFigures:
    """The counts of COUNT_KEYS and the rates of RATES computed from them."""

    received: int = 0
    responses_due: int = 0
    responded: int = 0
    responded_in_time: int = 0
    response_missed: int = 0
    resolutions_due: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    resolution_missed: int = 0
    first_contact: int = 0
    rated: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    score_sum: int = 0
    callbacks: int = 0
    callbacks_reached: int = 0
    dispatched: int = 0
    dispatched_in_time: int = 0
    dispatched_late: int = 0

    @classmethod
    def from_counts(cls, counts: dict) -> QualityFigures:
        names = {f.name for f in fields(cls)}
        return cls(**{k: int(v or 0) for k, v in counts.items() if k in names})

    def __add__(self, other: QualityFigures) -> QualityFigures:
        # Every field is a count, so figures of groups add up to the figures of the whole.
        return QualityFigures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )

    def rate(self, key: str) -> float | None:
        part, whole, *_ = RATES[key]
        return _ratio(getattr(self, part), getattr(self, whole))

    @property
    def response_rate(self) -> float | None:  # commitment: 100 %
        return self.rate("response_rate")

    @property
    def response_attainment(self) -> float | None:
        return self.rate("response_attainment")

    @property
    def resolution_attainment(self) -> float | None:
        return self.rate("resolution_attainment")

    @property
    def first_contact_rate(self) -> float | None:  # target 30–50 %
        return self.rate("first_contact_rate")

    @property
    def satisfied_rate(self) -> float | None:  # commitment: > 95 %
        return self.rate("satisfied_rate")

    @property
    def dispatch_attainment(self) -> float | None:
        return self.rate("dispatch_attainment")

    @property
    def satisfaction(self) -> float | None:
        """Mean score 1–5 over rated orders."""
        return round(self.score_sum / self.rated, 2) if self.rated else None


def _ratio(part, whole):
    return round(part / whole, 4) if whole else None


def _aggregates(as_of: datetime | None) -> dict:
    filters = count_filters(as_of=as_of)
    aggregates = {
        key: Count("pk", filter=condition) if condition else Count("pk")
        for key, condition in filters.items()
    }
    aggregates["score_sum"] = Sum(_score())
    return aggregates


def quality_figures(
    *,
    start: datetime,
    end: datetime,
    department_id: int | None = None,
    level: int | None = None,
    as_of: datetime | None = None,
) -> QualityFigures:
    """Figures for work orders received in [start, end): one aggregate query."""
    orders = received_orders(start=start, end=end, department_id=department_id, level=level)
    return QualityFigures.from_counts(orders.aggregate(**_aggregates(as_of)))


Group = Literal["month", "level", "department"]


def month_starts(start: datetime, end: datetime) -> list[datetime]:
    """The first instants of the portal-time-zone months that [start, end) touches."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(start, zone)
    months, year, month = [], local.year, local.month
    while True:
        first = timezone.make_aware(datetime(year, month, 1), zone)
        if first >= end:
            break
        months.append(first)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_bucket(start: datetime, end: datetime):
    """The month (as its first day) each order was received in, in the portal's time
    zone: a CASE over the month boundaries. Same answer as TruncMonth with the zone, but
    plain comparisons on the indexed column; SQLite's TruncMonth calls Python per row."""
    firsts = month_starts(start, end)
    whens = [
        When(created_at__lt=following, then=Value(index))
        for index, following in enumerate(firsts[1:])
    ]
    return Case(*whens, default=Value(len(firsts) - 1), output_field=IntegerField()), [
        timezone.localtime(first).date() for first in firsts
    ]


def quality_counts(
    *,
    start: datetime,
    end: datetime,
    by: tuple[Group, ...],
    department_id: int | None = None,
    level: int | None = None,
    as_of: datetime | None = None,
) -> dict[tuple, QualityFigures]:
    """Figures grouped by any of month, level and department at once: one GROUP BY query.
    Keys are tuples in the order of `by` (month as its first day, level and department
    as ids; None for orders without a department). Groups without orders are absent."""
    orders = received_orders(start=start, end=end, department_id=department_id, level=level)
    columns, months = [], []
    for group in by:
        if group == "month":
            bucket, months = _month_bucket(start, end)
            orders = orders.annotate(month_index=bucket)
            columns.append("month_index")
        elif group == "level":
            columns.append("service_level_id")
        elif group == "department":
            columns.append("department_id")
        else:
            raise ValueError(f"unknown group {group!r}")
    rows = orders.values(*columns).annotate(**_aggregates(as_of)).order_by()
    result = {}
    for row in rows:
        key = tuple(months[row[c]] if c == "month_index" else row[c] for c in columns)
        result[key] = QualityFigures.from_counts(row)
    return result


def quality_figures_by(
    *,
    start: datetime,
    end: datetime,
    group: Group,
    department_id: int | None = None,
    level: int | None = None,
    as_of: datetime | None = None,
) -> dict[date | int | None, QualityFigures]:
    """Figures per month (first day of the month, portal time zone), per service level id
    or per department id; one aggregate GROUP BY query."""
    grouped = quality_counts(
        start=start,
        end=end,
        by=(group,),
        department_id=department_id,
        level=level,
        as_of=as_of,
    )
    return {key[0]: figures for key, figures in grouped.items()}


# --- how the work was delivered (§6.2.2) -------------------------------------------------

# The two ways the received orders are counted by delivery: the field, its choices, the
# figure's label and definition. "" is the value of the orders where it was not recorded.
DELIVERY = {
    "service_type": (
        ServiceType,
        N_("Work orders by service type"),
        N_(
            "Work orders received in the period (cancelled ones left out) by the service "
            "type recorded on them: taken in for repair, on site, or special (parts "
            "purchase, upgrade); orders where none was recorded are counted apart."
        ),
    ),
    "response_mode": (
        ResponseMode,
        N_("Work orders by response mode"),
        N_(
            "Work orders received in the period (cancelled ones left out) by how the desk "
            "answered, as recorded on them: hotline, remote desktop or on site; orders where "
            "none was recorded are counted apart."
        ),
    ),
}
NOT_RECORDED = N_("Not recorded")


def delivery_counts(orders: QuerySet[WorkOrder]) -> dict[str, dict[str, int]]:
    """Per DELIVERY field, the received `orders` per value ("" = not recorded), in the
    choices' order with the not-recorded last, zero rows left out: one GROUP BY query.
    Each count equals `delivery_records(field, value, …)`'s length."""
    counts = {
        name: dict.fromkeys([*choices.values, ""], 0) for name, (choices, *_) in DELIVERY.items()
    }
    for row in orders.values(*DELIVERY).annotate(n=Count("pk")).order_by():
        for name in DELIVERY:
            counts[name][row[name]] = counts[name].get(row[name], 0) + row["n"]
    return {name: {v: n for v, n in values.items() if n} for name, values in counts.items()}


def delivery_records(field: str, value: str, *, start: datetime, end: datetime):
    """The received orders behind one `delivery_counts` figure."""
    if field not in DELIVERY:
        raise KeyError(field)
    return received_orders(start=start, end=end).filter(**{field: value})


# --- service records (运行服务单) -------------------------------------------------------

SERVICE_RECORD_DEFINITION = N_(
    "Service records (运行服务单) of on-site visits written in the period, by the desk's "
    "review as it stands when the figures are made: accepted, awaiting review, or returned "
    "to the engineer for correction."
)


def service_records_written(*, start: datetime, end: datetime, status: str = ""):
    """The service records written in [start, end), of one review state when given."""
    records = ServiceRecord.objects.filter(created_at__gte=start, created_at__lt=end)
    return records.filter(status=status) if status else records


def service_record_counts(*, start: datetime, end: datetime) -> dict[str, int]:
    """Written in the period, per review state (every state present): one query. Each
    equals `service_records_written(status=…)`'s length; "" is the total."""
    from .choices import ServiceRecordStatus

    rows = service_records_written(start=start, end=end).values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(ServiceRecordStatus.values, 0)
    for row in rows.order_by():
        counts[row["status"]] = row["n"]
    return {"": sum(counts.values()), **counts}


# --- the week's low scores (quality's weekly rating review reads these) ---------------------


def low_scored_orders(*, start: datetime, end: datetime, at_most: int) -> QuerySet[WorkOrder]:
    """Work orders scored in [start, end), by the user in the portal or on a call-back that
    reached them, whose score is at most `at_most`. The score is the one `rated` and
    `dissatisfied` use: the user's own rating when given, else the call-back's answer."""
    from .choices import EventKind
    from .models import WorkOrderEvent

    rated_then = WorkOrderEvent.objects.filter(
        work_order=OuterRef("pk"), kind=EventKind.RATING, at__gte=start, at__lt=end
    )
    called_then = Callback.objects.filter(
        work_order=OuterRef("pk"), outcome="reached", at__gte=start, at__lt=end
    )
    return (
        WorkOrder.objects.filter(Exists(rated_then) | Exists(called_then))
        .filter(_score_q("lte", at_most))
        .annotate(score=_score())
        .order_by("pk")
    )
