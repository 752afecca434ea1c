"""Census (资产普查): snapshot what is expected, scan what is there, confirm the differences.

A campaign's scope is its departments and its locations: an item is expected when it
belongs to one of the departments (if any are given) and stands in one of the locations
(if any are given). Retired and lost items are not expected. Only the supervisor's
confirmation changes the CMDB, through ci_update / ci_create with the reason
"census <name>", so each item's timeline shows which census moved it.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow
from servicedesk.choices import Role
from servicedesk.notifications import notify

from ..choices import (
    CENSUS_DISCREPANCIES,
    CensusResult,
    CensusReview,
    CensusStatus,
    CIStatus,
    ReminderKind,
)
from ..models import CensusCampaign, CensusItem, CIClass, CMDBReminder, ConfigurationItem
from ..permissions import census_refusal, scan_refusal
from . import _ci_create, _ci_update

NOT_EXPECTED_STATUSES = (CIStatus.RETIRED, CIStatus.LOST)
CENSUS_CONFLICT = gettext_lazy(
    "This census was changed by someone else in the meantime. Reload it and try again."
)
CENSUS_REFUSED = gettext_lazy("A census that is “%(status)s” cannot do this.")


def _step(campaign: CensusCampaign, *, actor, action: str, lock_version, **kwargs):
    """The pipeline for starting or closing: lock, check, transition, save, log."""
    campaign = workflow.lock(campaign, expected=lock_version, conflict=CENSUS_CONFLICT)
    workflow.require(census_refusal(actor, campaign, action))
    workflow.transition(
        campaign,
        actor=actor,
        name=action,
        method=getattr(campaign, action),
        refused=CENSUS_REFUSED,
        **kwargs,
    )
    return campaign


@transaction.atomic
def census_create(
    *, actor, name: str, due_date: date, departments=(), locations=(), include_accessories=False
) -> CensusCampaign:
    """A draft campaign with its scope."""
    workflow.require(census_refusal(actor, None, "create"))
    campaign = CensusCampaign(
        name=name,
        due_date=due_date,
        include_accessories=include_accessories,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    campaign.departments.set(departments)
    campaign.locations.set(locations)
    return campaign


def census_scope(campaign: CensusCampaign):
    """The items the campaign expects to find (current data: used when it starts)."""
    items = ConfigurationItem.objects.exclude(status__in=NOT_EXPECTED_STATUSES)
    department_ids = list(campaign.departments.values_list("pk", flat=True))
    location_ids = list(campaign.locations.values_list("pk", flat=True))
    if department_ids:
        items = items.filter(department_id__in=department_ids)
    if location_ids:
        items = items.filter(location_id__in=location_ids)
    if not campaign.include_accessories:
        items = items.filter(ci_class__is_accessory=False)
    return items


@transaction.atomic
def census_start(
    *, campaign: CensusCampaign, actor, lock_version: int | None = None
) -> CensusCampaign:
    """Start the census: snapshot one expected line per item in scope (where, whose)."""
    campaign = _step(
        campaign, actor=actor, action="start", lock_version=lock_version, at=timezone.now()
    )
    rows = census_scope(campaign).values_list(
        "pk", "location_id", "department_id", "responsible_id"
    )
    CensusItem.objects.bulk_create(
        [
            CensusItem(
                campaign=campaign,
                item_id=pk,
                expected=True,
                expected_location_id=location_id,
                expected_department_id=department_id,
                expected_responsible_id=responsible_id,
            )
            for pk, location_id, department_id, responsible_id in rows.iterator(chunk_size=2000)
        ],
        batch_size=1000,
    )
    return campaign


def _require_running(campaign: CensusCampaign) -> None:
    # From the database: the census may have been closed since the page was loaded.
    if not CensusCampaign.objects.filter(pk=campaign.pk, status=CensusStatus.RUNNING).exists():
        raise ValidationError(_("This census is not running."))


@transaction.atomic
def census_scan(*, campaign: CensusCampaign, actor, tag: str, location=None) -> CensusItem | None:
    """Record a scanned tag at `location` (where the engineer stands).

    Expected item: found (same place, or no place expected) or moved. A known item that
    the census did not expect: unexpected, with where it was found. An unknown tag:
    None, and nothing is written (the engineer then records it with
    census_record_unknown). Scanning again updates the same line.
    """
    workflow.require(census_refusal(actor, campaign, "scan"))
    _require_running(campaign)
    tag = (tag or "").strip()
    if not tag:
        raise ValidationError(_("Scan or type an asset tag."))
    item = ConfigurationItem.objects.filter(asset_tag__iexact=tag).first()
    if item is None:
        line = CensusItem.objects.filter(
            campaign=campaign, item__isnull=True, observed_tag__iexact=tag
        ).first()
        if line is not None and location is not None:
            line.observed_location = location
            _checked(line, actor)
        return line
    line, _created = CensusItem.objects.get_or_create(
        campaign=campaign, item=item, defaults={"expected": False}
    )
    line.observed_location = location
    if not line.expected:
        line.result = CensusResult.UNEXPECTED
    elif line.result != CensusResult.CHANGED:
        same_place = (
            location is None
            or line.expected_location_id is None
            or line.expected_location_id == location.pk
        )
        line.result = CensusResult.FOUND if same_place else CensusResult.MOVED
    _checked(line, actor)
    return line


def _checked(line: CensusItem, actor) -> None:
    line.checked_by = actor
    line.checked_at = timezone.now()
    line.review = CensusReview.OPEN
    line.save()


@transaction.atomic
def census_record_change(
    *, line: CensusItem, actor, responsible=None, department=None, location=None, note: str = ""
) -> CensusItem:
    """The engineer saw the item but something differs from the CMDB: record what is true."""
    workflow.require(census_refusal(actor, line.campaign, "scan"))
    _require_running(line.campaign)
    if not line.expected:
        raise ValidationError(_("Only an expected item can be recorded as changed."))
    if responsible is None and department is None and location is None and not note:
        raise ValidationError(_("Say what differs."))
    line.result = CensusResult.CHANGED
    line.observed_responsible = responsible
    line.observed_department = department
    if location is not None:
        line.observed_location = location
    line.note = note[:300]
    _checked(line, actor)
    return line


@transaction.atomic
def census_record_unknown(
    *,
    campaign: CensusCampaign,
    actor,
    tag: str,
    name: str,
    ci_class: CIClass,
    location=None,
    serial_number: str = "",
    note: str = "",
) -> CensusItem:
    """An item with a tag the CMDB does not know, recorded on the spot (unexpected)."""
    workflow.require(census_refusal(actor, campaign, "scan"))
    _require_running(campaign)
    tag = tag.strip()
    if not tag or not name.strip():
        raise ValidationError(_("Give the tag and a name."))
    if ConfigurationItem.objects.filter(asset_tag__iexact=tag).exists():
        raise ValidationError(_("This tag belongs to a known item; scan it instead."))
    line = CensusItem.objects.filter(
        campaign=campaign, item__isnull=True, observed_tag__iexact=tag
    ).first() or CensusItem(campaign=campaign, expected=False, observed_tag=tag[:50])
    line.result = CensusResult.UNEXPECTED
    line.observed_name = name.strip()[:200]
    line.observed_class = ci_class
    line.observed_serial = serial_number.strip()[:100]
    line.observed_location = location
    line.note = note[:300]
    _checked(line, actor)
    return line


@transaction.atomic
def census_close(
    *, campaign: CensusCampaign, actor, lock_version: int | None = None
) -> CensusCampaign:
    """Close the census: every expected item nobody found is missing."""
    campaign = _step(
        campaign, actor=actor, action="close", lock_version=lock_version, at=timezone.now()
    )
    campaign.lines.filter(result=CensusResult.PENDING).update(result=CensusResult.MISSING)
    return campaign


def census_confirm(*, campaign: CensusCampaign, actor, line_ids, dismiss: bool = False) -> dict:
    """Confirm (or dismiss) open discrepancies of a closed census; returns counts and errors.

    Confirming changes the CMDB: missing → lost; moved → the observed location;
    changed → the observed location, department and responsible user; unexpected known
    item → its observed location (and in use again if it was lost); unexpected unknown
    tag → a new item in stock. A line that cannot be applied (e.g. its tag was taken
    meanwhile) stays open and is reported; the others still go in.
    """
    campaign = CensusCampaign.objects.get(pk=campaign.pk)
    workflow.require(census_refusal(actor, campaign, "confirm"))
    if campaign.status != CensusStatus.CLOSED:
        raise ValidationError(_("Close the census before confirming its results."))
    lines = (
        campaign.lines.filter(
            pk__in=list(line_ids), review=CensusReview.OPEN, result__in=CENSUS_DISCREPANCIES
        )
        .select_related("item", "observed_location", "observed_class")
        .order_by("pk")
    )
    done, errors = 0, []
    now = timezone.now()
    with transaction.atomic():
        for line in lines:
            try:
                with transaction.atomic():
                    if not dismiss:
                        _apply(line, campaign.reason)
                    line.review = CensusReview.DISMISSED if dismiss else CensusReview.CONFIRMED
                    line.reviewed_by, line.reviewed_at = actor, now
                    line.save(update_fields=["review", "reviewed_by", "reviewed_at", "item"])
                done += 1
            except (ValidationError, IntegrityError) as exc:
                messages = getattr(exc, "messages", [str(exc)])
                errors.append((line.tag, "; ".join(messages)))
    return {"done": done, "errors": errors}


def _apply(line: CensusItem, reason: str) -> None:
    if line.item_id is None:
        line.item = _ci_create(
            asset_tag=line.observed_tag,
            name=line.observed_name or line.observed_tag,
            ci_class=line.observed_class,
            serial_number=line.observed_serial,
            location=line.observed_location,
            status=CIStatus.IN_STOCK,
            reason=reason,
        )
        return
    changes = {}
    if line.result == CensusResult.MISSING:
        changes["status"] = CIStatus.LOST
    else:
        for name in ("location", "department", "responsible"):
            value = getattr(line, f"observed_{name}")
            if value is not None and getattr(line.item, f"{name}_id") != value.pk:
                changes[name] = value
        if line.item.status == CIStatus.LOST:
            changes["status"] = CIStatus.IN_USE
    if changes:
        _ci_update(ci=line.item, reason=reason, **changes)


# --- Reads used by pages, PDF and tasks --------------------------------------------------


def census_counts(campaign: CensusCampaign) -> dict[str, int]:
    """expected, each result, and the discrepancies still to review: one query."""
    agg = campaign.lines.aggregate(
        expected=Count("pk", filter=Q(expected=True)),
        to_review=Count("pk", filter=Q(review=CensusReview.OPEN, result__in=CENSUS_DISCREPANCIES)),
        **{r.value: Count("pk", filter=Q(result=r.value)) for r in CensusResult},
    )
    return agg


# --- Reminders (Celery beat, daily) ---------------------------------------------------------

HALF_YEAR = timedelta(days=182)
CONTRACT_END_NOTICE = timedelta(days=30)


def _claim(kind: str, key: str) -> bool:
    try:
        with transaction.atomic():
            CMDBReminder.objects.create(kind=kind, key=key)
    except IntegrityError:
        return False
    return True


def _contract_end():
    value = settings.ITSM.get("CONTRACT_END_DATE")
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _supervisors():
    return list(
        get_user_model().objects.filter(groups__name=Role.SUPERVISOR, is_active=True).distinct()
    )


def census_reminders_scan(*, actor, today: date | None = None) -> dict[str, bool]:
    """Remind supervisors to run a census: half-yearly, and a month before contract end.

    Each reminder is a unique (kind, key) row inserted before the notification in the
    same transaction, so a rerun or a second worker never repeats it. `actor` is the
    system actor (the daily beat task).
    """
    workflow.require(scan_refusal(actor, None, "run"))
    today = today or timezone.localdate()
    now = timezone.now()
    sent = {"half_yearly": False, "contract_end": False}
    url = reverse("cmdb:census_list")
    last = (
        CensusCampaign.objects.filter(started_at__isnull=False)
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    with transaction.atomic():
        if last is None or last < now - HALF_YEAR:
            key = f"{today.year}-H{1 if today.month <= 6 else 2}"
            if _claim(ReminderKind.CENSUS_HALF_YEARLY, key):
                notify(
                    recipients=_supervisors(),
                    subject=_("Half-yearly asset census due"),
                    body=_("No asset census has been started in the last six months."),
                    url=url,
                )
                sent["half_yearly"] = True
        end = _contract_end()
        if end is not None and end - CONTRACT_END_NOTICE <= today <= end:
            started_since = last is not None and timezone.localdate(last) >= (
                end - CONTRACT_END_NOTICE
            )
            if not started_since and _claim(ReminderKind.CENSUS_CONTRACT_END, end.isoformat()):
                notify(
                    recipients=_supervisors(),
                    subject=_("Asset census before contract end"),
                    body=_(
                        "The service contract ends on %(date)s: run a census and hand over "
                        "the final asset list."
                    )
                    % {"date": end.isoformat()},
                    url=url,
                )
                sent["contract_end"] = True
    return sent
