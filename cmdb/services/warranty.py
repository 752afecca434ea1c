"""Warranty alerts: once per item and threshold (60 and 30 days before the end, and ended);
warranties extended by a repair."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify

from ..choices import WARRANTY_ALERT_THRESHOLDS, CIStatus
from ..models import ConfigurationItem, WarrantyAlert, WarrantyExtension
from ..permissions import scan_refusal, warranty_extension_refusal
from . import _ci_update

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


@transaction.atomic
def warranty_extend(
    *, actor, ci, new_end: date | None, terms: str, reference: str, source=None
) -> WarrantyExtension:
    """Record that a repair (`reference`, its number; `source`, the repair record) extended
    `ci`'s warranty to `new_end` on `terms`.

    The item's warranty end moves to `new_end` with the repair's number as the reason, so
    the item's history shows old → new end and the repair behind it; the extension keeps
    the terms and the link to the repair. Refused (PermissionDenied) for who may not record
    it; ValidationError, with nothing saved, when the end is not later than both today and
    the current end, the terms or reference are missing, or this repair's extension is
    recorded already. Warranty alerts start again for the new end.
    """
    workflow.require(warranty_extension_refusal(actor, ci, "create"))
    ci = ConfigurationItem.objects.select_for_update().get(pk=ci.pk)
    terms, reference = (terms or "").strip(), (reference or "").strip()
    errors = {}
    today = timezone.localdate()
    if new_end is None:
        errors["new_end"] = _("Give the new warranty end.")
    elif new_end <= today:
        errors["new_end"] = _("The extended warranty must end after today.")
    elif ci.warranty_end and new_end <= ci.warranty_end:
        errors["new_end"] = _(
            "The new end must be later than the current warranty end (%(date)s)."
        ) % {"date": ci.warranty_end.isoformat()}
    if not terms:
        errors["terms"] = _("Write the warranty terms (what is covered, by whom).")
    if not reference:
        errors["reference"] = _("Name the repair that extended the warranty.")
    extension = WarrantyExtension(
        item=ci,
        previous_end=ci.warranty_end,
        new_end=new_end,
        terms=terms,
        reference=reference,
        source=source,
        recorded_by=actor,
    )
    if not errors and source is not None:
        try:
            extension.validate_constraints()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    extension.save()
    _ci_update(ci=ci, reason=reference, warranty_end=new_end)
    return extension
