"""Ageing devices (设备老化): which devices are due for replacement, by the rules in admin.

A device is a candidate on a day when its class has an AgeingRule and, on that day, it is
not retired or lost and
- it is at least `max_age_years` old, counted from its purchase date (a device bought on
  2020-03-15 with a 6-year rule is a candidate from 2026-03-15; one bought on 29 February
  from 28 February), or
- at least `fault_count` faults were reported for it in the `fault_months` months up to
  and including that day (the work orders naming it, through cmdb.device_links; cancelled
  ones do not count).
A device without a purchase date is judged on its faults only. The candidates page, its
CSV, the API and the monthly report's ageing section all read `candidates()` /
`candidate_items()`, so their lists agree.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import device_links
from .choices import CIStatus
from .models import AgeingRule, ConfigurationItem

# Devices still to be replaced: not retired or lost.
ACTIVE_STATUSES = (CIStatus.IN_USE, CIStatus.IN_STOCK, CIStatus.IN_REPAIR, CIStatus.SPARE)
REASONS = {"age": _("Past its age"), "faults": _("Repeated faults")}


def years_after(day: date, years: int) -> date:
    """The `years`-th anniversary of `day` (29 February falls on 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def months_before(day: date, months: int) -> date:
    """The first day of the window of `months` months ending with `day` (inclusive):
    2026-03-31 with 12 months → 2025-04-01."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last = (date(year + (month == 11), (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month + 1, min(day.day, last)) + timedelta(days=1)


def age_cutoff(on: date, years: int) -> date:
    """The latest purchase date at which a device is `years` old on `on`. On 28 February
    of a common year a device bought on 29 February of a leap year has its anniversary."""
    cutoff = years_after(on, -years)
    if (
        (on.month, on.day) == (2, 28)
        and not calendar.isleap(on.year)
        and calendar.isleap(cutoff.year)
    ):
        return cutoff.replace(day=29)
    return cutoff


def age_in_years(purchased_on: date | None, on: date) -> float | None:
    if purchased_on is None:
        return None
    return round((on - purchased_on).days / 365.25, 1)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class Candidate:
    item: ConfigurationItem
    age: float | None
    faults: int
    fault_months: int
    last_fault: datetime | None
    too_old: bool
    many_faults: bool

    @property
    def reasons(self) -> list[str]:
        return [
            str(REASONS[key])
            for key, hit in (("age", self.too_old), ("faults", self.many_faults))
            if hit
        ]

    @property
    def proposal(self):
        return getattr(self.item, "replacement_proposal", None)


class _Rules:
    """The rules and the fault counts they need, read once (1 + one query per window)."""

    def __init__(self, on: date):
        self.on = on
        self.rules = list(AgeingRule.objects.select_related("ci_class"))
        until = _start_of(on + timedelta(days=1))
        windows = {rule.fault_months for rule in self.rules if rule.fault_count}
        self.faults = {
            months: device_links.fault_counts(
                since=_start_of(months_before(on, months)), until=until
            )
            for months in windows
        }

    def age_q(self, rule) -> Q:
        if not rule.max_age_years:
            return Q(pk__in=[])
        return Q(purchased_on__lte=self._cutoff(rule.max_age_years))

    def _cutoff(self, years: int) -> date:
        """The latest purchase date that makes a device `years` old by `self.on`."""
        return age_cutoff(self.on, years)

    def fault_ids(self, rule) -> list[int]:
        if not rule.fault_count:
            return []
        counts = self.faults[rule.fault_months]
        return [pk for pk, (n, _last) in counts.items() if n >= rule.fault_count]

    def q(self, reason: str = "", ci_class: str = "") -> Q:
        """Items that are candidates on `on`; `reason` "age" or "faults" keeps those
        meeting that condition, `ci_class` (a class code) one class."""
        matched = Q(pk__in=[])
        for rule in self.rules:
            if ci_class and rule.ci_class.code != ci_class:
                continue
            age, faults = self.age_q(rule), Q(pk__in=self.fault_ids(rule))
            condition = {"age": age, "faults": faults}.get(reason, age | faults)
            matched |= Q(ci_class_id=rule.ci_class_id) & condition
        return matched & Q(status__in=ACTIVE_STATUSES)

    def rule_for(self, item) -> AgeingRule | None:
        return next((r for r in self.rules if r.ci_class_id == item.ci_class_id), None)


LIST_RELATED = (
    "ci_class",
    "department",
    "location__building",
    "responsible__person",
    "replacement_proposal__proposed_by__person",
)


def candidate_items(
    *, on: date | None = None, reason: str = "", ci_class: str = "", proposed: bool | None = None
) -> QuerySet[ConfigurationItem]:
    """The candidates on `on` (default today) as a queryset (drill-downs, exports).

    `reason` "age" / "faults" narrows to that condition; `proposed` True / False to the
    devices with / without the "replacement proposed" mark."""
    rules = _Rules(on or timezone.localdate())
    items = ConfigurationItem.objects.filter(rules.q(reason, ci_class))
    if proposed is not None:
        items = items.filter(replacement_proposal__isnull=not proposed)
    return items.order_by("asset_tag")


def candidates(
    *, on: date | None = None, reason: str = "", ci_class: str = "", proposed: bool | None = None
) -> list[Candidate]:
    """The candidates on `on` with their age, faults and reasons, most faults first, then
    oldest; a fixed number of queries however many devices there are."""
    on = on or timezone.localdate()
    rules = _Rules(on)
    items = ConfigurationItem.objects.filter(rules.q(reason, ci_class)).select_related(
        *LIST_RELATED
    )
    if proposed is not None:
        items = items.filter(replacement_proposal__isnull=not proposed)
    rows = []
    for item in items:
        rule = rules.rule_for(item)
        counts = rules.faults.get(rule.fault_months, {}) if rule.fault_count else {}
        faults, last = counts.get(item.pk, (0, None))
        rows.append(
            Candidate(
                item=item,
                age=age_in_years(item.purchased_on, on),
                faults=faults,
                fault_months=rule.fault_months,
                last_fault=last,
                too_old=bool(
                    rule.max_age_years
                    and item.purchased_on
                    and item.purchased_on <= rules._cutoff(rule.max_age_years)
                ),
                many_faults=bool(rule.fault_count and faults >= rule.fault_count),
            )
        )
    rows.sort(key=lambda c: (-c.faults, -(c.age or 0), c.item.asset_tag))
    return rows
