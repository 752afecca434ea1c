"""The complaints part of the service summary (issue 18 item 3): complaints handled and
open, the mean handling time in business hours, and the complaints by cause and by
department. Every number is `incidents.complaint_metrics.complaint_statistics`' own and drills to
`complaint_metrics.complaint_records` with the same scope (keys "summary.complaints*",
service_drills.py), so each list is as long as its number."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from incidents import complaint_metrics

from ..definitions import Column, Drill, Figure, Table

NOT_CLASSIFIED = N_("Not classified")
NO_DEPARTMENT = N_("No department")


def complaint_part(start, end, params: dict) -> tuple[list[Figure], list[Table]]:
    """Figures and tables of the complaints recorded in [start, end)."""
    stats = complaint_metrics.complaint_statistics(start=start, end=end)
    scope = {k: params[k] for k in ("start", "end")}
    total = stats.total
    figures = [
        Figure(
            key="service.complaints_handled",
            label=complaint_metrics.COMPLAINT_LABELS["complaints_handled"],
            value=total.handled,
            definition=complaint_metrics.COMPLAINT_DEFINITIONS["complaints_handled"],
            drill=Drill("summary.complaints_handled", scope),
        ),
        Figure(
            key="service.complaints_open",
            label=complaint_metrics.COMPLAINT_LABELS["complaints_open"],
            value=total.open,
            definition=complaint_metrics.COMPLAINT_DEFINITIONS["complaints_open"],
            drill=Drill("summary.complaints_open", scope),
        ),
        Figure(
            key="service.complaint_handling_hours",
            label=complaint_metrics.COMPLAINT_LABELS["complaint_handling_hours"],
            value=total.mean_handling_hours,
            unit="hours",
            definition=complaint_metrics.COMPLAINT_DEFINITIONS["complaint_handling_hours"],
            count=total.handled,
            drill=Drill("summary.complaints_handled", scope),
        ),
    ]
    tables = [
        _table("cause", N_("Complaints by cause"), N_("Cause"), stats.by_cause, scope),
        _table(
            "department",
            N_("Complaints by department"),
            N_("Department"),
            stats.by_department,
            scope,
        ),
    ]
    return figures, tables


def _table(kind: str, title: str, first: str, groups, scope: dict) -> Table:
    empty = NOT_CLASSIFIED if kind == "cause" else NO_DEPARTMENT
    return Table(
        key=f"service.complaints_by_{kind}",
        title=title,
        columns=[
            Column(kind, first),
            Column("count", N_("Complaints"), "count"),
            Column("handled", N_("Handled"), "count"),
            Column("open", N_("Open"), "count"),
            Column("hours", N_("Mean handling time (business hours)"), "hours"),
        ],
        rows=[
            [g.name or empty, g.complaints, g.handled, g.open, g.mean_handling_hours]
            for g in groups
        ],
        # Each row's list: the complaints of that cause or department (0: none).
        row_drills=[Drill("summary.complaints", {**scope, kind: str(g.id)}) for g in groups],
        definition=complaint_metrics.COMPLAINT_DEFINITIONS["complaint_handling_hours"],
    )
