"""Telling the affected users of a release before its window opens."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from itsm import workflow

from ..choices import ReleaseStatus
from ..models import Release
from ..permissions import release_refusal
from ._common import _announce


def notice_ahead() -> timedelta:
    """How long before the window affected users are told: settings.ITSM["RELEASE_NOTICE_HOURS"]
    (24 hours unless configured)."""
    hours = getattr(settings, "ITSM", {}).get("RELEASE_NOTICE_HOURS", 24)
    return timedelta(hours=float(hours))


def release_notify_upcoming(*, actor, now=None, ahead: timedelta | None = None) -> int:
    """Tell the affected users of each authorised release whose window opens within the
    lead time (notice_ahead()).

    Each release is claimed with a conditional UPDATE of `users_notified_at`, so a rerun
    or a second worker tells nobody twice; moving the window clears the stamp (re-arms).
    Returns how many releases were announced. The hourly task acts as
    itsm.actors.system_user().
    """
    workflow.require(release_refusal(actor, None, "announce"))
    now = now or timezone.now()
    ahead = notice_ahead() if ahead is None else ahead
    due = Release.objects.filter(
        status=ReleaseStatus.AUTHORISED,
        users_notified_at__isnull=True,
        planned_start__gte=now,
        planned_start__lte=now + ahead,
    ).values_list("pk", flat=True)
    announced = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Release.objects.filter(
                pk=pk, status=ReleaseStatus.AUTHORISED, users_notified_at__isnull=True
            ).update(users_notified_at=now)
            if not claimed:
                continue
            _announce(Release.objects.get(pk=pk))
            announced += 1
    return announced
