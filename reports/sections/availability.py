"""Availability per service against the 98 % commitment (plan §6.2.1), with the outages
behind each figure.

    availability = 1 − outage time ÷ scheduled service time

both inside the service's window (`cmdb.availability`): 7×24 services count every hour,
5×8 services the business calendar's working hours. Outages come from cmdb's one outage
table (emergencies, major incidents on service CIs, the supervisor's own records).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from cmdb.availability import (
    COMMITTED_AVAILABILITY,
    outages_in,
    service_availability,
    service_items,
)
from cmdb.choices import ServiceWindow

from .. import drill
from ..dashboard import targets_in_force
from ..definitions import Chart, Column, Drill, Figure, Section, Series, Table, Target
from ..periods import Period
from ._process import days, msgid, parse_days

TARGET_SOURCE = N_("Operations service plan §6.2.1")
DEFINITION = N_(
    "1 − outage time ÷ scheduled service time in the period, both counted inside the "
    "service's window: 7×24 services every hour, 5×8 services the working hours of the "
    "business calendar (public holidays out, make-up working days in). Overlapping outages "
    "of one service count once; an outage still open counts up to the end of the period "
    "or the report's generation. Outages are recorded by emergencies, by major incidents "
    "(P1 or high impact) on the service when resolved, and by the service supervisor."
)


def _outages(params):
    p = parse_days(params)
    period = Period("month", p["starts_on"], p["ends_on"])  # only the bounds are used
    # The outages the section counts: those of service items (availability is per service).
    qs = outages_in(start_at=period.start_at, end_at=period.end_at).filter(
        service__in=service_items()
    )
    if params.get("service"):
        qs = qs.filter(service_id=params["service"])
    return qs


drill.register(
    "availability.outages",
    records=_outages,
    columns=[
        ("service_name", N_("Service")),
        ("started_at", N_("Down from")),
        ("ended_at", N_("Restored at")),
        ("get_source_display", N_("Recorded from")),
        ("source_number", N_("Source number")),
        ("cause", N_("Cause")),
    ],
    url=lambda obj: obj.get_absolute_url(),
)


def _hours(delta) -> float:
    return round(delta.total_seconds() / 3600, 2)


def availability_target(period: Period) -> Target:
    """The availability commitment in force on the period's last day (a quarter's target
    set when one is configured, servicedesk.ServiceCommitment); the plan's 98 % when no
    row exists at all."""
    return targets_in_force(period.end).get("availability") or Target(
        ">=", COMMITTED_AVAILABILITY, source=TARGET_SOURCE
    )


def build(period: Period, *, options: dict) -> Section:
    now = options.get("now") or timezone.now()
    rows = service_availability(start_at=period.start_at, end_at=period.end_at, now=now)
    params = days(period)
    target = availability_target(period)
    window_labels = dict(ServiceWindow.choices)
    measured = [r for r in rows if r.availability is not None]
    scheduled = sum((r.scheduled for r in measured), timedelta(0))
    down = sum((r.down for r in measured), timedelta(0))
    overall = (1 - down / scheduled) if scheduled else None
    met = sum(1 for r in measured if target.met(r.availability))
    figures = [
        Figure(
            "availability.overall",
            N_("Availability of all services"),
            round(overall, 4) if overall is not None else None,
            unit="percent",
            definition=N_(
                "Scheduled service time of all services less their outage time, over their "
                "scheduled time (each service weighted by its scheduled hours)."
            ),
            target=target,
            drill=Drill("availability.outages", params),
        ),
        Figure(
            "availability.services_met",
            N_("Services meeting the availability commitment"),
            round(met / len(measured), 4) if measured else None,
            unit="percent",
            definition=DEFINITION,
            target=Target(">=", 1.0, source=TARGET_SOURCE),
            count=met,
            base=len(measured),
        ),
        Figure(
            "availability.outages",
            N_("Service outages"),
            sum(len(r.outages) for r in rows),
            definition=N_("Outages of service items overlapping the period."),
            drill=Drill("availability.outages", params),
        ),
    ]
    for r in measured:
        figures.append(
            Figure(
                f"availability.service.{r.service.pk}",
                N_("Availability of %(service)s"),
                round(r.availability, 4),
                unit="percent",
                definition=DEFINITION,
                target=target,
                drill=Drill("availability.outages", {**params, "service": r.service.pk}),
                label_args={"service": r.service.name},
            )
        )
    per_service = Table(
        "availability.services",
        N_("Availability per service"),
        [
            Column("service", N_("Service")),
            Column("class", N_("Class")),
            Column("window", N_("Service window")),
            Column("scheduled", N_("Scheduled hours"), "hours"),
            Column("down", N_("Outage hours"), "hours"),
            Column("outages", N_("Outages"), "count"),
            Column("availability", N_("Availability"), "percent"),
        ],
        [
            [
                f"{r.service.asset_tag} {r.service.name}",
                r.service.ci_class.name,
                msgid(window_labels.get(r.window, r.window)),
                _hours(r.scheduled),
                _hours(r.down),
                len(r.outages),
                round(r.availability, 4) if r.availability is not None else None,
            ]
            for r in rows
        ],
        definition=DEFINITION,
        row_drills=[
            Drill("availability.outages", {**params, "service": r.service.pk}) for r in rows
        ],
    )
    outage_rows = [
        [
            o.service_name,
            timezone.localtime(o.started_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(o.ended_at).strftime("%Y-%m-%d %H:%M") if o.ended_at else "",
            _hours(o.down_in_window),
            msgid(o.get_source_display()),
            o.source_number,
            o.cause,
        ]
        for r in rows
        for o in r.outages
    ]
    outages = Table(
        "availability.outages",
        N_("Outages per service"),
        [
            Column("service", N_("Service")),
            Column("from", N_("Down from")),
            Column("to", N_("Restored at")),
            Column("hours", N_("Hours in the service window"), "hours"),
            Column("source", N_("Recorded from")),
            Column("number", N_("Source number")),
            Column("cause", N_("Cause")),
        ],
        outage_rows,
        definition=N_("An empty restore time: still down when the report was generated."),
    )
    charts = []
    if measured:
        charts.append(
            Chart(
                "availability.services",
                N_("Availability per service"),
                "bar",
                [r.service.name for r in measured],
                [
                    Series(N_("Availability"), [round(r.availability, 4) for r in measured]),
                    Series(N_("Commitment"), [target.value for _r in measured]),
                ],
                unit="percent",
                table="availability.services",
            )
        )
    notes = []
    if not rows:
        notes.append(
            N_(
                "No service items: give the CI classes (or items) of applications, servers "
                "and network a service window in the CMDB."
            )  # fmt: skip
        )
    if options.get("preliminary") or period.end >= timezone.localdate(now):
        notes.append(N_("The period is not over: scheduled time counts up to the generation."))
    return Section(
        key="availability",
        title=N_("Service availability"),
        figures=figures,
        tables=[per_service, outages],
        charts=charts,
        notes=notes,
    )
