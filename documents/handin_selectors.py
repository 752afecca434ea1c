"""Reads of the technical hand-ins that depend on who is asking: the due list (due /
late / received per engineer per week and per month) and one hand-in. IT staff and the
approvers see them all (technical documents are for the whole team to use); two queries
however many duties and periods."""

from dataclasses import dataclass
from datetime import date

from django.http import Http404
from django.utils import timezone

from . import handin_periods, permissions
from .choices import DUE_STATE_COLOURS, HANDED_IN, DueState, HandInKind
from .models import HandInDuty, TechnicalHandIn

WEEKS_SHOWN = 8
MONTHS_SHOWN = 4


@dataclass(frozen=True)
class DueRow:
    duty: HandInDuty
    period_start: date
    due_on: date
    handin: TechnicalHandIn | None
    state: str

    @property
    def period_label(self) -> str:
        return handin_periods.label(self.duty.kind, self.period_start)

    @property
    def state_label(self) -> str:
        return DueState(self.state).label

    @property
    def colour(self) -> str:
        return DUE_STATE_COLOURS[self.state]


def due_state(handin: TechnicalHandIn | None, due_on: date, today: date) -> str:
    """Received (on time or late) once handed in; otherwise due until the due date, then late."""
    if handin is not None and handin.status in HANDED_IN and handin.submitted_at:
        handed_on = timezone.localdate(handin.submitted_at)
        return DueState.RECEIVED if handed_on <= due_on else DueState.RECEIVED_LATE
    return DueState.DUE if today <= due_on else DueState.LATE


def due_list(
    *,
    user,
    kind: str = "",
    assignee_id: int | None = None,
    state: str = "",
    today: date | None = None,
) -> list[DueRow]:
    """Every period of every active duty in the window (the last WEEKS_SHOWN weeks, the
    last MONTHS_SHOWN months), newest due date first."""
    if not permissions.role_allows(user, "read"):
        return []
    today = today or timezone.localdate()
    duties = HandInDuty.objects.filter(active=True).select_related("assignee__person", "team")
    if kind:
        duties = duties.filter(kind=kind)
    if assignee_id:
        duties = duties.filter(assignee_id=assignee_id)
    duties = list(duties)
    windows = {}
    for duty in duties:
        shown = WEEKS_SHOWN if duty.kind == HandInKind.WEEKLY else MONTHS_SHOWN
        last = handin_periods.period_start(duty.kind, today)
        first = last
        for _ in range(shown - 1):
            first = handin_periods.previous_period(duty.kind, first)
        first = max(first, handin_periods.period_start(duty.kind, duty.starts_on))
        windows[duty.pk] = handin_periods.periods(duty.kind, first=first, last=last)
    earliest = min((starts[0] for starts in windows.values() if starts), default=today)
    rows = TechnicalHandIn.objects.filter(
        duty__in=[duty.pk for duty in duties], period_start__gte=earliest
    ).only(
        "pk", "duty_id", "period_start", "due_on", "status", "submitted_at", "title",
        "entered_record_number",
    )  # fmt: skip
    found = {(row.duty_id, row.period_start): row for row in rows}
    result = []
    for duty in duties:
        for start in windows[duty.pk]:
            handin = found.get((duty.pk, start))
            due_on = handin.due_on if handin is not None else duty.due_on(start)
            row_state = due_state(handin, due_on, today)
            if state and row_state != state:
                continue
            result.append(DueRow(duty, start, due_on, handin, row_state))
    result.sort(key=lambda row: (row.due_on, row.duty.kind, row.duty.pk), reverse=True)
    return result


def due_counts(rows: list[DueRow]) -> dict[str, int]:
    counts = dict.fromkeys(DueState.values, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def handin_get(*, user, pk: int) -> TechnicalHandIn:
    handin = (
        TechnicalHandIn.objects.restrict(user, "view")
        .select_related(
            "duty__assignee__person", "duty__team", "submitted_by__person", "reviewed_by__person"
        )
        .filter(pk=pk)
        .first()
    )
    if handin is None:
        raise Http404("No such hand-in.")
    return handin


def duty_get(*, user, pk: int) -> HandInDuty:
    if not permissions.role_allows(user, "read"):
        raise Http404("No such duty.")
    duty = HandInDuty.objects.select_related("assignee__person", "team").filter(pk=pk).first()
    if duty is None:
        raise Http404("No such duty.")
    return duty


def duty_people():
    """Whoever has a duty, for the due list's filter."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(handin_duties__active=True)
        .select_related("person")
        .distinct()
        .order_by("username")
    )
