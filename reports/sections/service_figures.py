"""The service section's headline figures and the quality figures per service level.

Every quality figure is `incidents.metrics`' own: its value from `QualityFigures`, its
count and base from the counts the rate is made of (`metrics.RATES`), its label and
definition from `metrics.RATES` / `LABELS` / `DEFINITIONS`, and its drill lists from
`metrics.records` through the "service.<count key>" keys reports.dashboard registers. This
module only arranges them; it defines no figure of its own except the business-time
means (incidents.period_selectors.business_durations) and the complaints.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.utils.translation import gettext_noop as N_

from incidents import metrics

from ..definitions import Column, Drill, Figure, Table, Target


def metric_drill(key: str, params: dict) -> Drill:
    """The list behind count `key` of incidents.metrics (registered by reports.dashboard
    as "service.<key>"; parameters start, end, as_of and optionally level)."""
    if key not in metrics.COUNT_KEYS:
        raise KeyError(f"{key!r} is not a count of incidents.metrics")
    return Drill(f"service.{key}", dict(params))


def count_figure(key: str, quality, params: dict) -> Figure:
    return Figure(
        key=f"service.{key}",
        label=metrics.LABELS[key],
        value=getattr(quality, key),
        definition=metrics.DEFINITIONS[key],
        drill=metric_drill(key, params),
    )


def rate_figure(
    key: str,
    quality,
    params: dict,
    target: Target | None,
    *,
    figure_key: str = "",
    label: str = "",
    label_args: dict | None = None,
) -> Figure:
    part, whole, rate_label, definition = metrics.RATES[key]
    return Figure(
        key=figure_key or f"service.{key}",
        label=label or rate_label,
        label_args=label_args or {},
        value=quality.rate(key),
        unit="percent",
        definition=definition,
        target=target,
        count=getattr(quality, part),
        base=getattr(quality, whole),
        drill=metric_drill(part, params),
        base_drill=metric_drill(whole, params),
    )


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


MEAN_RESPONSE = N_(
    "Mean business time from receipt (created_at) to the first response (responded_at), "
    "holds before the response excluded, over the work orders answered."
)
MEAN_RESTORE = N_(
    "Mean business time from receipt (created_at) to the fix (resolved_at), holds before "
    "the fix excluded, over the work orders resolved."
)


def hours_target(target: Target | None) -> Target | None:
    """A time commitment (business minutes, ServiceCommitment) for a figure in hours."""
    if target is None:
        return None
    upper = target.upper / 60 if target.upper is not None else None
    return Target(target.op, round(target.value / 60, 4), upper, target.source)


def quality_section_figures(quality, calls, complaints, durations, targets, params):
    """Headline figures, in reading order; the attainments follow the response rate."""
    responses = [r for _level, r, _restore in durations if r is not None]
    restores = [r for _level, _response, r in durations if r is not None]
    return [
        count_figure("received", quality, params),
        rate_figure("response_rate", quality, params, targets.get("response_rate")),
        rate_figure("response_attainment", quality, params, targets.get("response_attainment")),
        count_figure("response_missed", quality, params),
        rate_figure("resolution_attainment", quality, params, targets.get("resolution_attainment")),
        count_figure("resolution_missed", quality, params),
        Figure(
            key="service.mean_response_hours",
            label=N_("Mean response time"),
            value=_mean_hours(responses),
            unit="hours",
            definition=MEAN_RESPONSE,
            count=len(responses),
            drill=metric_drill("responded", params),
        ),
        Figure(
            key="service.mean_restore_hours",
            label=N_("Mean restore time"),
            value=_mean_hours(restores),
            unit="hours",
            definition=MEAN_RESTORE,
            # The general restore-time commitment (a quarter's target set); the service
            # levels' own due points are judged per order by the attainment figures.
            target=hours_target(targets.get("restore_time")),
            count=len(restores),
            drill=metric_drill("resolved", params),
        ),
        count_figure("resolved", quality, params),
        rate_figure("first_contact_rate", quality, params, targets.get("first_contact_rate")),
        Figure(
            key="service.satisfaction",
            label=N_("Mean rating"),
            value=quality.satisfaction,
            unit="rating",
            definition=N_(
                "Mean rating (1–5) of the work orders rated: the user's own rating, or the "
                "answer at the callback where the user gave none."
            ),
            count=quality.rated,
            drill=metric_drill("rated", params),
        ),
        rate_figure("satisfied_rate", quality, params, targets.get("satisfied_rate")),
        Figure(
            key="service.callback_satisfaction",
            label=N_("Mean satisfaction at callback"),
            value=round(calls["mean"], 2) if calls["mean"] is not None else None,
            unit="rating",
            definition=N_(
                "Mean satisfaction (1–5) the users gave the desk on callbacks that reached them, "
                "kept apart from their own ratings."
            ),
            drill=metric_drill("callbacks_reached", params),
        ),
        count_figure("callbacks", quality, params),
        count_figure("callbacks_reached", quality, params),
        rate_figure("dispatch_attainment", quality, params, targets.get("dispatch_attainment")),
        count_figure("dispatched_late", quality, params),
        Figure(
            key="service.complaints",
            label=N_("Complaints"),
            value=len(complaints),
            definition=N_("Complaints raised in the period (created_at)."),
            drill=Drill("summary.complaints", {k: params[k] for k in ("start", "end")}),
        ),
    ]


# (rate key, figure label with the level's name)
LEVEL_RATES = (
    ("response_attainment", N_("Responded in time: %(level)s")),
    ("resolution_attainment", N_("Resolved in time: %(level)s")),
    ("satisfied_rate", N_("Satisfied users: %(level)s")),
)


def level_figures(levels, by_level: dict, durations, level_targets: dict, params):
    """Per service level: the rates of LEVEL_RATES as figures (each against the level's
    own commitments: VIP satisfaction differs) and one table with their counts and the
    business-time means. `by_level` is `metrics.quality_figures_by(group="level")`."""
    spans = level_durations(durations)
    empty = metrics.QualityFigures()
    figures, rows, drills = [], [], []
    for level in levels:
        quality = by_level.get(level.pk, empty)
        scope = {**params, "level": level.pk}
        targets = level_targets.get(level.pk, {})
        for key, label in LEVEL_RATES:
            figures.append(
                rate_figure(
                    key,
                    quality,
                    scope,
                    targets.get(key),
                    figure_key=f"service.{key}.{level.code}",
                    label=label,
                    label_args={"level": level.name},
                )
            )
        rows.append(
            [
                level.name,
                quality.responses_due,
                quality.responded_in_time,
                quality.response_attainment,
                quality.resolutions_due,
                quality.resolved_in_time,
                quality.resolution_attainment,
                _mean_hours(spans[level.pk][0]),
                _mean_hours(spans[level.pk][1]),
            ]
        )
        drills.append(metric_drill("received", scope))
    table = Table(
        key="service.sla_by_level",
        title=N_("SLA attainment per service level"),
        columns=[
            Column("level", N_("Service level")),
            Column("responses_due", metrics.LABELS["responses_due"], "count"),
            Column("responded_in_time", metrics.LABELS["responded_in_time"], "count"),
            Column("response_attainment", N_("Response attainment"), "percent"),
            Column("resolutions_due", metrics.LABELS["resolutions_due"], "count"),
            Column("resolved_in_time", metrics.LABELS["resolved_in_time"], "count"),
            Column("resolution_attainment", N_("Resolution attainment"), "percent"),
            Column("mean_response", N_("Mean response (business hours)"), "hours"),
            Column("mean_restore", N_("Mean restore (business hours)"), "hours"),
        ],
        rows=rows,
        definition=N_(
            "Per service level, the figures of the section: responded in time ÷ responses "
            "due and resolved in time ÷ resolutions due, in business time (never-answered "
            "and open overdue orders count as missed); the means are over the orders "
            "answered or resolved."
        ),
        row_drills=drills,
    )
    return figures, table
