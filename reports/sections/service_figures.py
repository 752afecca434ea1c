"""The service section's headline figures and the SLA attainment per service level."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils.translation import gettext_noop as N_

from ..definitions import Column, Drill, Figure, Table
from .service_targets import level_target

# Drill keys of the figures incidents.metrics defines; rservice registers them (the
# records behind each figure come from incidents.metrics.records). One place to rename.
QUALITY_DRILLS = {
    "received": "service.received",
    "responded": "service.responded",
    "resolved": "service.resolved",
    "first_contact": "service.first_contact",
    "rated": "service.rated",
    "satisfied": "service.satisfied",
    "callbacks": "service.callbacks",
    "callbacks_reached": "service.callbacks_reached",
    "dispatched": "service.dispatched",
    "dispatched_in_time": "service.dispatched_in_time",
}


def _drill(name: str, params: dict) -> Drill:
    return Drill(QUALITY_DRILLS[name], dict(params))


def _mean_hours(spans: list[timedelta]) -> float | None:
    if not spans:
        return None
    return round(sum(s.total_seconds() for s in spans) / len(spans) / 3600, 2)


def level_durations(durations) -> dict:
    """Service level id → ([response times], [restore times])."""
    grouped: dict = defaultdict(lambda: ([], []))
    for level, response, restore in durations:
        if response is not None:
            grouped[level][0].append(response)
        if restore is not None:
            grouped[level][1].append(restore)
    return grouped


RESPONSE_ATTAINMENT = N_(
    "Work orders answered by their response due point ÷ work orders whose response was due: "
    "those answered, plus those never answered once business time passed the due point. "
    "Due point: received (created_at) plus the level's response target in business time, "
    "holds excluded; compared with the first response (responded_at) in business time."
)
RESOLUTION_ATTAINMENT = N_(
    "Work orders resolved by their resolution due point ÷ work orders whose resolution was "
    "due: those resolved, plus those still open past the due point. Due point: received "
    "(created_at) plus the level's resolution target in business time, holds excluded; "
    "compared with the fix (resolved_at) in business time."
)


def quality_section_figures(quality, counts, calls, complaints, durations, targets, params):
    """Headline figures: values from incidents.metrics (the one definition), the counts
    behind the rates from the same cohort."""
    responses = [r for _level, r, _restore in durations if r is not None]
    restores = [r for _level, _response, r in durations if r is not None]
    return [
        Figure(
            key="service.received",
            label=N_("Work orders received"),
            value=quality.received,
            definition=N_(
                "Work orders received (created_at) in the period, cancelled ones left out."
            ),
            drill=_drill("received", params),
        ),
        Figure(
            key="service.response_rate",
            label=N_("Response rate"),
            value=quality.response_rate,
            unit="percent",
            definition=N_(
                "Work orders answered (a first response reached the user: responded_at set) "
                "÷ work orders received in the period."
            ),
            target=targets["response_rate"],
            count=quality.responded,
            base=quality.received,
            drill=_drill("responded", params),
            base_drill=_drill("received", params),
        ),
        Figure(
            key="service.mean_response_hours",
            label=N_("Mean response time"),
            value=_mean_hours(responses),
            unit="hours",
            definition=N_(
                "Mean business time from receipt (created_at) to the first response "
                "(responded_at), holds before the response excluded, over the work orders "
                "answered."
            ),
            count=len(responses),
            drill=_drill("responded", params),
        ),
        Figure(
            key="service.mean_restore_hours",
            label=N_("Mean restore time"),
            value=_mean_hours(restores),
            unit="hours",
            definition=N_(
                "Mean business time from receipt (created_at) to the fix (resolved_at), "
                "holds before the fix excluded, over the work orders resolved."
            ),
            count=len(restores),
            drill=_drill("resolved", params),
        ),
        Figure(
            key="service.resolved",
            label=N_("Work orders resolved"),
            value=quality.resolved,
            definition=N_("Work orders received in the period that are resolved (resolved_at)."),
            drill=_drill("resolved", params),
        ),
        Figure(
            key="service.first_contact_rate",
            label=N_("First-contact resolution"),
            value=quality.first_contact_rate,
            unit="percent",
            definition=N_(
                "Resolved at the desk with nobody dispatched ÷ work orders resolved; a child "
                "resolved by its parent's fix is not a first-contact resolution."
            ),
            target=targets["first_contact_rate"],
            count=counts["first_contact"],
            base=quality.resolved,
            drill=_drill("first_contact", params),
            base_drill=_drill("resolved", params),
        ),
        Figure(
            key="service.satisfaction",
            label=N_("Mean rating"),
            value=quality.satisfaction,
            unit="rating",
            definition=N_(
                "Mean rating (1–5) of the work orders rated: the user's own rating, or the "
                "answer at the callback where the user gave none."
            ),
            count=counts["rated"],
            drill=_drill("rated", params),
        ),
        Figure(
            key="service.satisfied_rate",
            label=N_("Satisfied users"),
            value=quality.satisfied_rate,
            unit="percent",
            definition=N_(
                "Work orders rated 4 or 5 ÷ work orders rated: the user's own rating, or the "
                "answer at the callback where the user gave none."
            ),
            target=targets["satisfied_rate"],
            count=counts["satisfied"],
            base=counts["rated"],
            drill=_drill("satisfied", params),
            base_drill=_drill("rated", params),
        ),
        Figure(
            key="service.callback_satisfaction",
            label=N_("Mean satisfaction at callback"),
            value=round(calls["mean"], 2) if calls["mean"] is not None else None,
            unit="rating",
            definition=N_(
                "Mean satisfaction (1–5) the users gave the desk on callbacks that reached them, "
                "kept apart from their own ratings."
            ),
            drill=_drill("callbacks_reached", params),
        ),
        Figure(
            key="service.callbacks",
            label=N_("Callbacks made"),
            value=quality.callbacks,
            definition=N_(
                "Callbacks (回访) recorded on work orders received in the period, reached or not."
            ),
            drill=_drill("callbacks", params),
        ),
        Figure(
            key="service.called_back",
            label=N_("Work orders called back"),
            value=calls["orders"],
            unit="count",
            definition=N_(
                "Work orders received in the period with at least one callback; every resolved "
                "work order is called back."
            ),
            drill=Drill("summary.called_back", dict(params)),
        ),
        Figure(
            key="service.callbacks_reached",
            label=N_("Callbacks that reached the user"),
            value=quality.callbacks_reached,
            definition=N_("Callbacks on which the user was reached."),
            drill=_drill("callbacks_reached", params),
        ),
        Figure(
            key="service.dispatch_attainment",
            label=N_("Dispatched within 10 minutes"),
            value=quality.dispatch_attainment,
            unit="percent",
            definition=N_(
                "Work orders dispatched within 10 minutes of recording ÷ work orders "
                "dispatched (plan §6.3.3)."
            ),
            drill=_drill("dispatched_in_time", params),
            base_drill=_drill("dispatched", params),
        ),
        Figure(
            key="service.complaints",
            label=N_("Complaints"),
            value=len(complaints),
            definition=N_("Complaints raised in the period (created_at)."),
            drill=Drill("summary.complaints", dict(params)),
        ),
    ]


def sla_level_figures(levels, by_level, misses, durations, targets, policies_p1, params, as_of):
    """Attainment of both clocks per service level (figures and one table); returns the
    two overall figures first. Counts: answered (resolved) + never answered (still open)
    past due; met = counted − misses."""
    missed = defaultdict(lambda: {"response": 0, "resolution": 0})
    unfinished = defaultdict(lambda: {"response": 0, "resolution": 0})
    for miss in misses:
        missed[miss.service_level_id][miss.clock] += 1
        if miss.actual_at is None:
            unfinished[miss.service_level_id][miss.clock] += 1
    spans = level_durations(durations)
    figures, rows, drills = [], [], []
    totals = {"response": [0, 0], "resolution": [0, 0]}
    miss_params = {**params, "as_of": as_of.isoformat()}
    for level in levels:
        done = by_level.get(level.pk, {"responded": 0, "resolved": 0})
        row = [level.name]
        for clock, finished in (("response", "responded"), ("resolution", "resolved")):
            base = done[finished] + unfinished[level.pk][clock]
            met = base - missed[level.pk][clock]
            totals[clock][0] += met
            totals[clock][1] += base
            value = round(met / base, 4) if base else None
            row += [base, met, value]
            figures.append(
                Figure(
                    key=f"service.{clock}_attainment.{level.code}",
                    label=(
                        N_("Response attainment: %(level)s")
                        if clock == "response"
                        else N_("Resolution attainment: %(level)s")
                    ),
                    label_args={"level": level.name},
                    value=value,
                    unit="percent",
                    definition=RESPONSE_ATTAINMENT
                    if clock == "response"
                    else RESOLUTION_ATTAINMENT,
                    target=level_target(level, policies_p1),
                    count=met,
                    base=base,
                    drill=Drill(f"summary.{clock}_met", {**miss_params, "level_id": level.pk}),
                    base_drill=Drill(
                        f"summary.{clock}_counted", {**miss_params, "level_id": level.pk}
                    ),
                )
            )
        row += [_mean_hours(spans[level.pk][0]), _mean_hours(spans[level.pk][1])]
        rows.append(row)
        drills.append(Drill("summary.received", {**params, "level_id": level.pk}))
    table = Table(
        key="service.sla_by_level",
        title=N_("SLA attainment per service level"),
        columns=[
            Column("level", N_("Service level")),
            Column("response_due", N_("Response due"), "count"),
            Column("response_met", N_("Answered in time"), "count"),
            Column("response_attainment", N_("Response attainment"), "percent"),
            Column("resolution_due", N_("Resolution due"), "count"),
            Column("resolution_met", N_("Resolved in time"), "count"),
            Column("resolution_attainment", N_("Resolution attainment"), "percent"),
            Column("mean_response", N_("Mean response (business hours)"), "hours"),
            Column("mean_restore", N_("Mean restore (business hours)"), "hours"),
        ],
        rows=rows,
        definition=RESPONSE_ATTAINMENT,
        row_drills=drills,
    )
    overall = [
        Figure(
            key=f"service.{clock}_attainment",
            label=N_("Response attainment") if clock == "response" else N_("Resolution attainment"),
            value=None,  # filled in by the caller from incidents.metrics
            unit="percent",
            definition=RESPONSE_ATTAINMENT if clock == "response" else RESOLUTION_ATTAINMENT,
            target=targets["sla_attainment"],
            count=totals[clock][0],
            base=totals[clock][1],
            drill=Drill(f"summary.{clock}_met", dict(miss_params)),
            base_drill=Drill(f"summary.{clock}_counted", dict(miss_params)),
        )
        for clock in ("response", "resolution")
    ]
    return overall, figures, table
