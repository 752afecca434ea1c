"""The contract's commitments the service section measures against (targets are data).

Until the commitments are kept as data (servicedesk.ServiceCommitment, read through
`commitments_in_force(day)`), the contract's own figures apply. The customer's text is
inconsistent in two places; which reading applies is stated on every report (NOTES):
VIP satisfaction "> 100 %" cannot be met by anyone, so > 95 % applies to every level;
§6.2.2 (a) promises a 1 h response where the 标准 level (§6.2.1) says 2 h, so the
service level rows apply (ServiceLevel / SlaPolicy, editable in admin).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_noop as N_

from ..definitions import Column, Table, Target

CONTRACT_DEFAULTS: dict[str, Target] = {
    "response_rate": Target(">=", 1.0, source=N_("Contract: response rate 100 %")),
    "satisfied_rate": Target(">", 0.95, source=N_("Contract: satisfaction above 95 %")),
    "first_contact_rate": Target(
        "between", 0.30, 0.50, source=N_("Plan §6.3.3: 30–50 % resolved at the desk")
    ),
    # Every order within its level's time (the level's minutes are the target's source).
    "sla_attainment": Target(">=", 1.0, source=N_("Contract §6.2.1: per service level")),
}


def contract_targets(day: date) -> dict[str, Target]:
    """The commitments in force on `day`, by figure key."""
    # The one line to switch once rservice's selector is merged:
    #   return {**CONTRACT_DEFAULTS, **servicedesk.selectors.commitments_in_force(day)}
    return dict(CONTRACT_DEFAULTS)


def level_target(level, policies_p1: dict) -> Target:
    """SLA attainment target of one service level; the source names its minutes."""
    p1 = policies_p1.get(level.pk)
    source = f"{level.name}: {level.response_minutes} / {level.resolution_minutes} min"
    if p1 is not None and p1 < level.response_minutes:
        source += f" (P1 {p1} min)"
    return Target(">=", 1.0, source=source)


def targets_table(targets: dict[str, Target], levels, policies_p1: dict) -> Table:
    """The targets applied, as data on the report: the customer's text disagrees with
    itself, so the reader sees which numbers were used."""
    rows = [
        [N_("Response rate"), _bound(targets["response_rate"]), targets["response_rate"].source],
        [
            N_("Satisfied users (rated 4 or 5)"),
            _bound(targets["satisfied_rate"]),
            targets["satisfied_rate"].source,
        ],
        [
            N_("First-contact resolution"),
            _bound(targets["first_contact_rate"]),
            targets["first_contact_rate"].source,
        ],
    ]
    for level in levels:
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
                N_("Service level (response / resolution, business time)"),
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
            "The commitments this report was measured against, as configured on the day the "
            "period ended."
        ),
    )


def _bound(target: Target) -> str:
    if target.op == "between":
        return f"{target.value:.0%}–{(target.upper or target.value):.0%}"
    return f"{target.op} {target.value:.0%}"


def _hours(minutes: int) -> str:
    span = timedelta(minutes=minutes)
    hours = span.total_seconds() / 3600
    return f"{hours:g} h" if hours >= 1 else f"{minutes} min"


NOTES = [
    N_(
        "Targets are data (service levels, SLA policies and the contract's commitments); the "
        "table 'Targets applied' lists the values used for this report."
    ),
    N_(
        "The customer's text asks VIP satisfaction above 100 %, which no measurement can "
        "meet; the contract's above 95 % was applied to every level."
    ),
    N_(
        "Plan §6.2.2 (a) promises a 1 h response where the 标准 service level (§6.2.1) says "
        "2 h; the service level's own target was applied (see 'Targets applied')."
    ),
]
