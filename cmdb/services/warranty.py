"""Warranty alerts: once per item and threshold (60 and 30 days before the end, and ended)."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify

from ..choices import WARRANTY_ALERT_THRESHOLDS, CIStatus
from ..models import ConfigurationItem, WarrantyAlert
from ..permissions import scan_refusal

# Items whose warranty still matters: not retired or lost.
ALERT_STATUSES = (CIStatus.IN_USE, CIStatus.IN_STOCK, CIStatus.IN_REPAIR, CIStatus.SPARE)
MAX_LISTED = 50


def threshold_for(days_left: int) -> int | None:
    """The most urgent threshold reached with `days_left` days of warranty (None: none).

    0 stands for "ended" (days_left < 0); an item ending today is still covered.
    """
    if days_left < 0:
        return 0
    reached = [t for t in WARRANTY_ALERT_THRESHOLDS if t > 0 and days_left <= t]
    return min(reached) if reached else None


def warranty_alert_scan(*, actor, today: date | None = None) -> int:
    """Alert engineers and supervisors about items reaching a warranty threshold.

    An item ending within 60 days alerts at 60 and again at 30; an item in use whose
    warranty has ended alerts once more. Each alert is a unique WarrantyAlert row
    (item, threshold, end date) written in the same transaction as the notification,
    so reruns and parallel workers send nothing twice. One notification per run lists
    the newly alerted items. Returns how many items were alerted. `actor`: the system
    actor (the daily beat task).
    """
    workflow.require(scan_refusal(actor, None, "run"))
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(WARRANTY_ALERT_THRESHOLDS))
    candidates = (
        ConfigurationItem.objects.filter(
            Q(warranty_end__gte=today, warranty_end__lte=horizon, status__in=ALERT_STATUSES)
            | Q(warranty_end__lt=today, status=CIStatus.IN_USE)
        )
        .only("pk", "asset_tag", "name", "warranty_end")
        .order_by("warranty_end", "asset_tag")
    )
    wanted = []
    for ci in candidates.iterator(chunk_size=2000):
        threshold = threshold_for((ci.warranty_end - today).days)
        if threshold is not None:
            wanted.append((ci, threshold))
    if not wanted:
        return 0
    with transaction.atomic():
        existing = set(
            WarrantyAlert.objects.filter(item_id__in=[ci.pk for ci, _t in wanted]).values_list(
                "item_id", "threshold_days", "warranty_end"
            )
        )
        fresh = [
            (ci, t)
            for ci, t in wanted
            if (ci.pk, t, ci.warranty_end) not in existing and _claim(ci, t)
        ]
        if fresh:
            _notify(fresh, today)
    return len(fresh)


def _claim(ci, threshold: int) -> bool:
    """Insert the alert row; False if another run or worker already has it."""
    try:
        with transaction.atomic():
            WarrantyAlert.objects.create(
                item=ci, threshold_days=threshold, warranty_end=ci.warranty_end
            )
    except IntegrityError:
        return False
    return True


def _notify(fresh, today: date) -> None:
    lines = []
    for ci, _threshold in fresh[:MAX_LISTED]:
        days = (ci.warranty_end - today).days
        if days < 0:
            state = _("ended %(date)s") % {"date": ci.warranty_end.isoformat()}
        else:
            state = _("ends %(date)s (%(days)s days)") % {
                "date": ci.warranty_end.isoformat(),
                "days": days,
            }
        lines.append(f"{ci.asset_tag} {ci.name}: {state}")
    if len(fresh) > MAX_LISTED:
        lines.append(_("…and %(n)s more.") % {"n": len(fresh) - MAX_LISTED})
    recipients = (
        get_user_model()
        .objects.filter(groups__name__in=[Role.ENGINEER, Role.SUPERVISOR], is_active=True)
        .distinct()
    )
    notify(
        recipients=list(recipients),
        subject=_("Warranty ending for %(n)s items") % {"n": len(fresh)},
        body="\n".join(lines),
        url=reverse("cmdb:warranty_list"),
    )
