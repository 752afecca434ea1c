"""The contract's commitments the service section measures against.

The targets are data: servicedesk.ServiceCommitment rows (admin), read through
`reports.dashboard.targets_in_force(day)` — the same reading the manager dashboard shows,
so a report and the dashboard never judge a figure against different numbers. No
default lives here: a figure without a commitment in force shows no target.

The customer's text is inconsistent in two places; the seeded rows
(servicedesk/migrations/0010_service_commitment.py) state the reading applied in their
source, and the report's table "Targets applied" prints it:
- VIP satisfaction "> 100 %" (§6.2.1) cannot be met by any measurement above 100 %; the
  seed reads it as ≥ 100 % for the VIP level (every VIP rating 4 or 5); other levels
  keep the general > 95 %.
- §6.2.2 (a) promises a 1 h response where the 标准 level (§6.2.1) says 2 h; the seed
  keeps the level's 2 h (response_time ≤ 120 business minutes for 标准).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_noop as N_

from incidents import metrics

from ..dashboard import targets_in_force
from ..definitions import Column, Table, Target

# Commitment keys that are not rates of incidents.metrics (ServiceCommitment choices).
OTHER_LABELS = {
    "availability": N_("Availability"),
    "response_time": N_("Response time (business minutes)"),
    "restore_time": N_("Restore time (business minutes)"),
}
MINUTE_KEYS = ("response_time", "restore_time")


def contract_targets(day: date, *, level_id: int | None = None) -> dict[str, Target]:
    """The commitments in force on `day`, by figure key (RATES keys and the others);
    with `level_id`, the general ones overridden by that level's own rows."""
    return targets_in_force(day, level_id=level_id)


def level_targets(day: date, levels) -> dict[int, dict[str, Target]]:
    """Service level id → its commitments in force on `day` (general rows overridden)."""
    return {level.pk: contract_targets(day, level_id=level.pk) for level in levels}


def _label(key: str) -> str:
    if key in metrics.RATES:
        return metrics.RATES[key][2]
    return OTHER_LABELS.get(key, key)


def targets_table(
    general: dict[str, Target], per_level: dict[int, dict[str, Target]], levels, policies_p1
) -> Table:
    """Every commitment applied, with its source (where the customer's text disagrees
    with itself the source says which reading was applied), then each service level's
    own commitments and the due points its clocks actually ran on."""
    rows = [[_label(key), bound(target, key), target.source] for key, target in general.items()]
    for level in levels:
        own = {
            key: target
            for key, target in per_level.get(level.pk, {}).items()
            if general.get(key) != target
        }
        for key, target in own.items():
            rows.append([f"{level.name}: {_label(key)}", bound(target, key), target.source])
        p1 = policies_p1.get(level.pk)
        rows.append(
            [
                level.name,
                "%s / %s"
                % (
                    _hours(level.response_minutes)
                    + (f" (P1 {_hours(p1)})" if p1 and p1 < level.response_minutes else ""),
                    _hours(level.resolution_minutes),
                ),
                N_("Due points used (response / resolution, business time; service level)"),
            ]
        )
    return Table(
        key="service.targets",
        title=N_("Targets applied"),
        columns=[
            Column("figure", N_("Figure")),
            Column("target", N_("Target")),
            Column("source", N_("Source")),
        ],
        rows=rows,
        definition=N_(
            "The commitments this report was measured against, as configured (service "
            "commitments) on the last day of the period; a figure without one shows no target."
        ),
    )


def bound(target: Target, key: str = "") -> str:
    """ "≥ 100 %", "> 95 %", "30–50 %"; minutes for the time commitments ("≤ 2 h")."""
    sign = {">=": "≥", "<=": "≤"}.get(target.op, target.op)
    if key in MINUTE_KEYS:
        return f"{sign} {_hours(int(target.value))}"
    if target.op == "between":
        upper = target.upper if target.upper is not None else target.value
        return f"{target.value * 100:g}–{upper * 100:g} %"
    return f"{sign} {target.value * 100:g} %"


def _hours(minutes: int) -> str:
    hours = timedelta(minutes=minutes).total_seconds() / 3600
    return f"{hours:g} h" if hours >= 1 else f"{minutes} min"


NOTES = [
    N_(
        "Targets are data (service levels, SLA policies and the service commitments); the "
        "table 'Targets applied' lists the values used for this report and their source."
    ),
    N_(
        "The customer's text asks VIP satisfaction above 100 %, which no measurement can "
        "meet; it was read as 100 % (every VIP rating 4 or 5), the other levels keep above "
        "95 % (see 'Targets applied')."
    ),
    N_(
        "Plan §6.2.2 (a) promises a 1 h response where the 标准 service level (§6.2.1) says "
        "2 h; the service level's 2 h was applied (see 'Targets applied')."
    ),
]
