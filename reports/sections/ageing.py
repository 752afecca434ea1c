"""设备老化与更换建议: devices due for replacement on the last day of the period (or today,
for an open one), by the ageing rules in admin: past their class's age, or with repeated
faults within the rule's months; how many have a replacement proposed.

Every count is the length of `cmdb.ageing.candidate_items` with the same parameters, so
each drill-down lists as many devices as its figure (the list is rebuilt from live data:
a device retired or proposed since shows as it is now).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from cmdb.ageing import candidate_items, candidates

from .. import drill
from ..definitions import Column, Drill, Figure, Section, Table
from ..periods import Period

SHOWN = 100  # devices listed in the report; the drill-down has them all

_COLUMNS = [
    ("asset_tag", N_("Asset tag")),
    ("name", N_("Asset name")),
    ("ci_class", N_("Class")),
    ("department", N_("Department")),
    ("purchased_on", N_("Purchased on")),
    ("get_warranty_status_display", N_("Warranty")),
]

# drill key → the narrowing it applies on top of the parameters
_NARROWING = {
    "ageing.candidates": {},
    "ageing.too_old": {"reason": "age"},
    "ageing.many_faults": {"reason": "faults"},
    "ageing.proposed": {"proposed": True},
}


def _records(narrowing):
    def records(params):
        return candidate_items(
            on=date.fromisoformat(params["on"]), ci_class=params.get("ci_class", ""), **narrowing
        ).select_related("ci_class", "department")

    return records


for _key, _narrowing in _NARROWING.items():
    drill.register(
        _key, records=_records(_narrowing), columns=_COLUMNS, url=lambda obj: obj.get_absolute_url()
    )

_REASON = {
    (True, False): N_("Past its age"),
    (False, True): N_("Repeated faults"),
    (True, True): N_("Past its age and repeated faults"),
}


def build(period: Period, *, options: dict) -> Section:
    on = min(period.end, timezone.localdate())
    rows = candidates(on=on)
    params = {"on": on.isoformat()}

    def to(key, **extra):
        return Drill(key, {**params, **extra})

    too_old = sum(1 for r in rows if r.too_old)
    many_faults = sum(1 for r in rows if r.many_faults)
    proposed = sum(1 for r in rows if r.proposal is not None)
    figures = [
        Figure(
            "ageing.candidates",
            N_("Devices due for replacement"),
            len(rows),
            definition=N_(
                "Devices not retired or lost that, on the last day of the period, are past "
                "their class's age (from the purchase date) or had at least the rule's number "
                "of faults (work orders naming them, cancelled ones left out) within the "
                "rule's months. The rules per class are set in admin."
            ),
            drill=to("ageing.candidates"),
        ),
        Figure(
            "ageing.too_old",
            N_("Past their age"),
            too_old,
            definition=N_("Candidates at least their class's maximum age old."),
            drill=to("ageing.too_old"),
        ),
        Figure(
            "ageing.many_faults",
            N_("With repeated faults"),
            many_faults,
            definition=N_("Candidates with at least the rule's number of faults in its months."),
            drill=to("ageing.many_faults"),
        ),
        Figure(
            "ageing.proposed",
            N_("Replacement proposed"),
            proposed,
            definition=N_("Candidates an engineer or supervisor has proposed for replacement."),
            drill=to("ageing.proposed"),
        ),
    ]
    by_class: dict[str, Counter] = {}
    names = {}
    for r in rows:
        code = r.item.ci_class.code
        names[code] = r.item.ci_class.name
        counter = by_class.setdefault(code, Counter())
        counter.update(
            candidates=1,
            too_old=int(r.too_old),
            many_faults=int(r.many_faults),
            proposed=int(r.proposal is not None),
        )
    codes = sorted(by_class, key=lambda c: (-by_class[c]["candidates"], names[c]))
    tables = [
        Table(
            "ageing.by_class",
            N_("Devices due for replacement by class"),
            [
                Column("class", N_("Class")),
                Column("candidates", N_("Candidates"), "count"),
                Column("too_old", N_("Past their age"), "count"),
                Column("many_faults", N_("With repeated faults"), "count"),
                Column("proposed", N_("Replacement proposed"), "count"),
            ],
            [
                [
                    names[c],
                    *(by_class[c][k] for k in ("candidates", "too_old", "many_faults", "proposed")),
                ]
                for c in codes
            ],
            row_drills=[to("ageing.candidates", ci_class=c) for c in codes],
        ),
        Table(
            "ageing.devices",
            N_("Devices due for replacement"),
            [
                Column("tag", N_("Asset tag")),
                Column("name", N_("Asset name")),
                Column("class", N_("Class")),
                Column("department", N_("Department")),
                Column("age", N_("Age (years)"), "text"),
                Column("faults", N_("Faults"), "count"),
                Column("last_fault", N_("Last fault")),
                Column("reason", N_("Reason")),
                Column("proposed", N_("Replacement proposed")),
            ],
            [
                [
                    r.item.asset_tag,
                    r.item.name,
                    r.item.ci_class.name,
                    r.item.department.name if r.item.department_id else None,
                    None if r.age is None else str(r.age),
                    r.faults,
                    timezone.localtime(r.last_fault).date().isoformat() if r.last_fault else None,
                    _REASON[(r.too_old, r.many_faults)],
                    r.proposal.created_at.date().isoformat() if r.proposal else None,
                ]
                for r in rows[:SHOWN]
            ],
            definition=N_(
                "Most faults first, then the oldest; the first 100 (all in the drill-down)."
            ),
        ),
    ]
    return Section(
        key="ageing",
        title=N_("Ageing devices and replacement"),
        figures=figures,
        tables=tables,
    )
