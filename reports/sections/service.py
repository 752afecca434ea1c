"""月度服务总结 — the monthly service summary section (also the service part of the
operations report for a month, a quarter or a year).

Figures the contract defines (response rate, attainment, first-contact resolution,
satisfaction, callbacks, dispatch) are `incidents.metrics`' own — value, count, base,
label, definition and drill list (service_figures.py); per level from one grouped query
(`quality_figures_by(group="level")`); the breach table lists exactly the orders
`metrics.records("response_missed" / "resolution_missed")` returns. This module adds what the summary lists around them (volumes, every breach,
business-time means, backlog and ageing, Pareto, repeat devices, the other processes of
the month) from the owning apps' selectors. A fixed number of queries whatever the
number of work orders (tests/reports/test_section_service.py asserts it).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from changes.choices import ChangeStatus, ReleaseStatus
from changes.release_selectors import releases_in_period
from changes.selectors import changes_in_period
from incidents import metrics, period_selectors
from incidents.models.quality import ComplaintStatus
from knowledge.choices import Status as KnowledgeStatus
from knowledge.selectors import records_added
from problems.choices import ProblemStatus
from problems.selectors import problems_in_period
from servicedesk.calendar import business_calendar

from ..definitions import Column, Drill, Figure, Section, Table
from ..periods import Period
from . import (
    service_delivery,
    service_drills,  # noqa: F401  (registers the summary.* drill keys)
)
from . import service_parts as parts
from .service_complaints import complaint_part
from .service_figures import level_figures, quality_section_figures
from .service_targets import NOTES as TARGET_NOTES
from .service_targets import contract_targets, level_targets, targets_table

NOTES = [
    *TARGET_NOTES,
    N_(
        "All figures count the work orders received in the period (cancelled ones left "
        "out), as they stand when the report is made; times are business time on the "
        "business calendar (working hours, public holidays and make-up working days)."
    ),
    N_(
        "A work order never answered, or open past its resolution due point, counts as a "
        "miss; an action at the due point in business time is in time."
    ),
    # What a response is, and the pauses, the base of first-contact resolution and the
    # moment open orders are judged: incidents.metrics states them once for every page.
    metrics.DEFINITIONS["responded"],
    *metrics.NOTES,
    N_(
        "Satisfaction counts each work order's rating: the user's own, or the answer at the "
        "callback where the user gave none; a later rating by the user replaces that answer "
        "here. The callbacks' answers are kept and shown separately."
    ),
]


def build(period: Period, *, options: dict) -> Section:
    start, end = period.start_at, period.end_at
    as_of = options.get("as_of") or timezone.now()
    params = {"start": start.isoformat(), "end": end.isoformat()}
    # The drills of incidents.metrics' counts also need the instant open orders were
    # judged at (an unanswered order becomes a miss as time passes).
    metric_params = {**params, "as_of": as_of.isoformat()}
    calendar = business_calendar()
    orders = metrics.received_orders(start=start, end=end)
    levels, policies_p1 = period_selectors.service_levels_with_p1()
    level_names = {level.pk: level.name for level in levels}
    targets = contract_targets(period.end)
    per_level_targets = level_targets(period.end, levels)

    quality = metrics.quality_figures(start=start, end=end, as_of=as_of)
    by_level = metrics.quality_figures_by(start=start, end=end, group="level", as_of=as_of)
    calls = period_selectors.callback_totals(orders)
    complaints = list(period_selectors.complaints_in_period(start=start, end=end))
    durations = period_selectors.business_durations(orders, calendar=calendar)
    # Exactly the orders incidents.metrics counts as missed; the lateness is for display.
    breaches = period_selectors.sla_breaches(
        metrics.records("response_missed", start=start, end=end, as_of=as_of),
        metrics.records("resolution_missed", start=start, end=end, as_of=as_of),
        as_of=as_of,
        calendar=calendar,
    )

    figures = quality_section_figures(quality, calls, complaints, durations, targets, metric_params)
    per_level, level_table = level_figures(
        levels, by_level, durations, per_level_targets, metric_params
    )
    figures[6:6] = per_level  # after the overall attainments and misses

    tables, charts, categories = parts.volumes(orders, params)
    delivery_tables, delivery_charts = service_delivery.delivery(orders, params)
    tables += delivery_tables
    charts += delivery_charts
    pareto_table, pareto_chart = parts.pareto(categories, params)
    tables += [level_table, parts.breaches_table(breaches, level_names, params)]
    tables += [pareto_table, _complaints_table(complaints)]
    charts.append(pareto_chart)
    complaint_figures, complaint_tables = complaint_part(start, end, params)
    figures += complaint_figures
    tables += complaint_tables

    backlog_params = {"end": end.isoformat()}
    backlog = list(period_selectors.work_orders_open_at(at=end).values_list("pk", "created_at"))
    figures.append(
        Figure(
            key="service.backlog",
            label=N_("Backlog at period end"),
            value=len(backlog),
            definition=N_(
                "Work orders open at the end of the period: received before it, neither "
                "resolved nor closed nor cancelled before it (any period of receipt)."
            ),
            drill=Drill("summary.backlog", backlog_params),
        )
    )
    ageing_table, ageing_chart = parts.ageing(backlog, calendar, period, backlog_params)
    tables.append(ageing_table)
    charts.append(ageing_chart)

    devices_table, device_ids = parts.repeat_devices(orders, params)
    tables.append(devices_table)
    figures.append(
        Figure(
            key="service.repeat_devices",
            label=N_("Repeat devices"),
            value=len(device_ids),
            definition=N_("Devices with two or more work orders received in the period."),
            drill=Drill("summary.repeat_devices", params),
        )
    )
    figures += service_delivery.service_record_figures(start, end, params)
    _processes(figures, tables, params, start, end)
    tables.append(targets_table(targets, per_level_targets, levels, policies_p1))
    return Section(
        key="service",
        # The operations report reuses the section for a quarter or a year.
        title=N_("Monthly service summary") if period.kind == "month" else N_("Service summary"),
        figures=figures,
        tables=tables,
        charts=charts,
        notes=list(NOTES),
    )


def _complaints_table(complaints) -> Table:
    return Table(
        key="service.complaints",
        title=N_("Complaints"),
        columns=[
            Column("raised", N_("Raised at")),
            Column("work_order", N_("Work order")),
            Column("engineer", N_("Engineer")),
            Column("description", N_("Description")),
            Column("status", N_("Status")),
            Column("outcome", N_("Outcome")),
        ],
        rows=[
            [
                parts.local(c.created_at),
                c.work_order.number if c.work_order else None,
                parts.person_name(c.engineer),
                c.description,
                parts.english(ComplaintStatus, c.status),
                c.outcome,
            ]
            for c in complaints
        ],
        definition=N_("Complaints raised in the period, about a work order or the service."),
    )


def _processes(figures, tables, params, start, end) -> None:
    """Problems, changes and releases raised and closed in the period; knowledge added."""
    sources = (
        (
            "problems",
            N_("Problems"),
            list(problems_in_period(start=start, end=end)),
            ProblemStatus,
            lambda p: p.title,
            (N_("Problems raised"), N_("Problems closed")),
        ),
        (
            "changes",
            N_("Changes"),
            list(changes_in_period(start=start, end=end)),
            ChangeStatus,
            lambda c: c.summary,
            (N_("Changes raised"), N_("Changes closed")),
        ),
        (
            "releases",
            N_("Releases"),
            list(releases_in_period(start=start, end=end)),
            ReleaseStatus,
            lambda r: f"{r.application} {r.release_version} {r.title}",
            (N_("Releases planned"), N_("Releases closed")),
        ),
    )
    for name, title, records, choices, title_of, (opened_label, closed_label) in sources:
        table = parts.record_table(
            f"service.{name}",
            title,
            records,
            kind_label=N_(
                "Raised (created) or closed in the period; the times shown are those in it."
            ),
            status_choices=choices,
            title_of=title_of,
            params=params,
        )
        tables.append(table)
        for suffix, label, column in (("opened", opened_label, 3), ("closed", closed_label, 4)):
            figures.append(
                Figure(
                    key=f"service.{name}_{suffix}",
                    label=label,
                    value=sum(1 for row in table.rows if row[column] is not None),
                    definition=N_(
                        "Records created (raised) in the period, or closed in the period."
                    ),
                    drill=Drill(f"summary.{name}_{suffix}", params),
                )
            )
    added = list(records_added(start=start, end=end))
    figures.append(
        Figure(
            key="service.knowledge_added",
            label=N_("Knowledge records added"),
            value=len(added),
            definition=N_(
                "Knowledge records written in the period; new versions of an existing record "
                "are not counted."
            ),
            drill=Drill("summary.knowledge_added", params),
        )
    )
    tables.append(
        Table(
            key="service.knowledge",
            title=N_("Knowledge records added"),
            columns=[
                Column("number", N_("Number")),
                Column("title", N_("Title")),
                Column("fault_type", N_("Fault type")),
                Column("status", N_("Status")),
                Column("created", N_("Written at")),
            ],
            rows=[
                [
                    r.number,
                    r.title,
                    parts.PATH_SEPARATOR.join(r.fault_type.path().split(" / "))
                    if r.fault_type
                    else parts.UNCLASSIFIED,
                    parts.english(KnowledgeStatus, r.status),
                    parts.local(r.created_at),
                ]
                for r in added
            ],
            definition=N_("Knowledge records written in the period (new records, not versions)."),
        )
    )
