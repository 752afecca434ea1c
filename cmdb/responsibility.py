"""The responsible-person rule (§3.3.4.1): 所有资产应落实到具体责任人,共用设备按照编码顺序先后指定责任人.

Every asset has one responsible person who still works for the client. A shared device
(one with users listed) gets its responsible person by code order: the first of its users
by employee number (工号; numbers compare as numbers, users without one come last, then
by user name) who has not left. Accessories follow their parent (cmdb.services) and are
not checked on their own; business systems, licence records and retired or lost items
are no devices to hold.
"""

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from .choices import CIStatus, ResponsibleBreach

EXEMPT_STATUSES = (CIStatus.RETIRED, CIStatus.LOST)
# Classes whose items are no device a person holds: business systems and licence records
# (a licence's seats are counted on the compliance page instead).
NOT_HELD_CLASSES = ("application", "licence")


def code_order_key(user) -> tuple:
    """Sort key of a user in code order: employee number (digits as a number), then name."""
    person = getattr(user, "person", None)
    code = (getattr(person, "employee_number", "") or "").strip()
    if not code:
        return (1, (), user.get_username())
    parts = tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.upper())
        for part in re.findall(r"\d+|\D+", code)
    )
    return (0, parts, user.get_username())


def expected_responsible(users):
    """The user a shared device's responsibility falls to by code order, or None when
    every user has left."""
    active = [u for u in users if u.is_active]
    return min(active, key=code_order_key) if active else None


@dataclass
class Breach:
    ci: object
    kind: str  # ResponsibleBreach
    expected: object = None  # the user the rule names (shared devices), if any

    @property
    def label(self) -> str:
        return ResponsibleBreach(self.kind).label

    @property
    def colour(self) -> str:
        return ResponsibleBreach(self.kind).colour

    @property
    def shared(self) -> bool:
        return bool(self.ci.user_links.all())


def breach_of(ci) -> Breach | None:
    """How `ci` breaks the rule, or None; no query when `user_links__user__person` and
    `responsible` are preloaded."""
    users = [link.user for link in ci.user_links.all()]
    expected = expected_responsible(users) if users else None
    if ci.responsible_id is None:
        return Breach(ci, ResponsibleBreach.NONE, expected)
    if not ci.responsible.is_active:
        return Breach(ci, ResponsibleBreach.LEFT, expected)
    if users and expected is not None and expected.pk != ci.responsible_id:
        return Breach(ci, ResponsibleBreach.SHARED_ORDER, expected)
    return None


def checked_assets(items):
    """The items the rule applies to, with what `breach_of` reads preloaded."""
    from django.contrib.auth import get_user_model

    from .models import ConfigurationItemUser

    User = get_user_model()
    return (
        items.filter(parent__isnull=True)
        .exclude(status__in=EXEMPT_STATUSES)
        .exclude(ci_class__code__in=NOT_HELD_CLASSES)
        .select_related("ci_class", "responsible__person", "department", "location__building")
        .prefetch_related(
            Prefetch(
                "user_links",
                queryset=ConfigurationItemUser.objects.select_related("user__person").order_by(
                    "pk"
                ),
            ),
        )
        .annotate(
            has_users=Exists(ConfigurationItemUser.objects.filter(item=OuterRef("pk"))),
            responsible_left=Exists(
                User.objects.filter(pk=OuterRef("responsible_id"), is_active=False)
            ),
        )
    )


def responsible_breaches(*, user, items=None, kind: str = "") -> list[Breach]:
    """Assets the user sees that break the rule (optionally among `items`, of one `kind`),
    by asset tag; a fixed number of queries however many rows."""
    from .models import ConfigurationItem

    visible = ConfigurationItem.objects.restrict(user, "view")
    if items is not None:
        visible = visible.filter(pk__in=items.values("pk"))
    candidates = checked_assets(visible).filter(
        Q(responsible__isnull=True) | Q(responsible_left=True) | Q(has_users=True)
    )
    breaches = []
    for ci in candidates.order_by("asset_tag"):
        breach = breach_of(ci)
        if breach is not None and (not kind or breach.kind == kind):
            breaches.append(breach)
    return breaches


def breach_counts(breaches: list[Breach]) -> dict[str, int]:
    counts = dict.fromkeys(ResponsibleBreach.values, 0)
    for breach in breaches:
        counts[breach.kind] += 1
    return counts
