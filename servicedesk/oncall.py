"""The on-call rota (值班表): who answers the 7×24 phone and who goes on site outside the
5×8 hours (§6.2.1), as data with a month page.

Reads: `on_call_at(when, role)` (the one answer to "who is on call then"), `on_call_now()`
for the desk's pages, `out_of_hours(when)` from the business calendar, and the month.
Writes: adding and removing shifts, by supervisors and administrators. Incidents route
out-of-hours calls and escalations through these (incidents.oncall); this app knows
nothing of work orders.
"""

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from itsm.actors import is_system_user

from .calendar import business_calendar
from .choices import OnCallRole, Role
from .models import OnCallShift
from .models.oncall import ON_CALL_CACHE_KEY
from .roles import is_staff_role, user_has_role

# Who may be named on the rota: the people work orders can be dispatched to.
ROTA_ROLES = (Role.SERVICE_DESK, Role.ENGINEER, Role.SUPERVISOR)
EDITOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# A shift longer than this is a typing error (a month instead of a day).
LONGEST_SHIFT = timedelta(days=8)

_REFUSALS = {
    "view": gettext_lazy("Only service staff can see the on-call rota."),
    "edit": gettext_lazy("Only a service supervisor or an administrator can change the rota."),
}


# --- who may --------------------------------------------------------------------------


def oncall_filter(user, action: str) -> Q | None:
    """The shifts `user` may `action` (None: none): the rule behind restrict and refusal."""
    if action == "view" and is_staff_role(user):
        return Q()
    if action in ("edit", "delete") and user_has_role(user, *EDITOR_ROLES):
        return Q()
    return None


def oncall_refusal(user, action: str = "view") -> str:
    """Why `user` may not `action` the rota ("" when they may); pages and services ask."""
    if is_system_user(user) or user.is_superuser:
        return ""
    key = "view" if action == "view" else "edit"
    return "" if oncall_filter(user, key) is not None else str(_REFUSALS[key])


# --- reads ----------------------------------------------------------------------------


def out_of_hours(when: datetime | None = None) -> bool:
    """Is `when` outside the on-site working time of the business calendar?"""
    return not business_calendar().is_business_time(when or timezone.now())


def on_call_at(when: datetime, role: str):
    """The user on call in `role` at `when`, or None: of overlapping shifts, the one that
    started first (the outgoing person keeps the call until their shift ends)."""
    shift = (
        OnCallShift.objects.covering(when)
        .filter(role=role, user__is_active=True)
        .select_related("user__person")
        .order_by("starts_at", "pk")
        .first()
    )
    return shift.user if shift is not None else None


@dataclass(frozen=True)
class OnCallNow:
    out_of_hours: bool
    phone: object  # a user or None
    on_site: object

    @property
    def anyone(self) -> bool:
        return self.phone is not None or self.on_site is not None


def on_call_now(when: datetime | None = None) -> OnCallNow:
    """What the desk's pages show: in or out of hours, and who is on call.

    The same answer as `on_call_at`, picked from the shifts of that clock hour, which are
    cached (`_hour_shifts`): the banner is on the queue and intake pages, and two
    queries each cost them more than the rest of the banner.
    """
    when = when or timezone.now()
    shifts = _hour_shifts(when)

    def covering(role):
        # As on_call_at: start inclusive, end exclusive, the earliest start first.
        return next(
            (s.user for s in shifts if s.role == role and s.starts_at <= when < s.ends_at), None
        )

    return OnCallNow(
        out_of_hours=out_of_hours(when),
        phone=covering(OnCallRole.PHONE),
        on_site=covering(OnCallRole.ON_SITE),
    )


def _hour_shifts(when: datetime) -> list[OnCallShift]:
    """The shifts of active users overlapping the clock hour of `when`, earliest start
    first, with their people: one query per hour while nothing changes.

    The key carries a version that any shift, account, person or role edit forgets
    (`servicedesk.directory`); without a cache they are read every time.
    """
    from django.core.cache import cache

    from itsm.cache import version_token

    hour = when.replace(minute=0, second=0, microsecond=0)
    # Five minutes, as the cached tables: without a shared cache (the in-memory default)
    # another process's edit is seen by this one only when its version expires.
    version = version_token(ON_CALL_CACHE_KEY, timeout=300, prefetch=True)
    key = f"{ON_CALL_CACHE_KEY}:{version}:{hour.timestamp():.0f}"
    shifts = cache.get(key) if version else None
    if shifts is None:
        shifts = list(
            OnCallShift.objects.filter(
                starts_at__lt=hour + timedelta(hours=1), ends_at__gt=hour, user__is_active=True
            )
            .select_related("user__person")
            .order_by("starts_at", "pk")
        )
        if version:
            cache.set(key, shifts, timeout=300)
    return shifts


@dataclass
class RotaDay:
    day: date
    working: bool
    shifts: list


def month_rota(*, user, year: int, month: int) -> list[RotaDay]:
    """Every day of the month with the shifts overlapping it (one query)."""
    zone = timezone.get_current_timezone()
    first = date(year, month, 1)
    last = date(year, month, _calendar.monthrange(year, month)[1])
    start = datetime.combine(first, time.min, zone)
    end = datetime.combine(last + timedelta(days=1), time.min, zone)
    shifts = list(
        OnCallShift.objects.restrict(user, "view")
        .filter(starts_at__lt=end, ends_at__gt=start)
        .select_related("user__person")
        .order_by("starts_at", "role", "pk")
    )
    cal = business_calendar()
    days = []
    day = first
    while day <= last:
        day_start = datetime.combine(day, time.min, zone)
        day_end = day_start + timedelta(days=1)
        days.append(
            RotaDay(
                day=day,
                working=cal.is_working_day(day),
                shifts=[s for s in shifts if s.starts_at < day_end and s.ends_at > day_start],
            )
        )
        day += timedelta(days=1)
    return days


# --- writes ---------------------------------------------------------------------------


@transaction.atomic
def oncall_shift_create(
    *, actor, user, role: str, starts_at: datetime, ends_at: datetime, note: str = ""
) -> OnCallShift:
    """Put `user` on the rota; they must be someone work can be dispatched to."""
    workflow.require(oncall_refusal(actor, "edit"))
    if not user_has_role(user, *ROTA_ROLES) or not user.is_active:
        raise ValidationError(
            {"user": _("Only active service desk staff, engineers and supervisors can be on call.")}
        )
    if role not in OnCallRole.values:
        raise ValidationError({"role": _("Choose phone or on site.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be later than the start.")})
    if ends_at - starts_at > LONGEST_SHIFT:
        raise ValidationError({"ends_at": _("A shift can last at most eight days.")})
    shift = OnCallShift(
        user=user,
        role=role,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
        created_by=actor,
    )
    shift.full_clean()
    shift.save()
    return shift


@transaction.atomic
def oncall_shift_delete(*, actor, shift: OnCallShift) -> None:
    workflow.require(oncall_refusal(actor, "delete"))
    shift.delete()
