"""Installed software per item and the licences it uses (§3.3.4.1, §3.3.4.3).

Installations are recorded by the inspection's monthly software census (inspections
calls `installations_record`; the CMDB never imports inspections), by the asset import's
software column and by hand on the item's page. Recording is idempotent: a title seen
again refreshes its row, it never adds a second one.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import InstallationSource
from ..models import (
    ConfigurationItem,
    SoftwareInstallation,
    SoftwareLicence,
    SoftwareProduct,
    title_key,
)
from ..permissions import software_refusal
from ..software import COUNTED_STATUSES


def parse_titles(text: str) -> list[str]:
    """Titles from a cell or a census box: one per line, or separated by ; or ；."""
    parts = str(text or "").replace("；", "\n").replace(";", "\n").splitlines()
    seen, titles = set(), []
    for part in parts:
        title = " ".join(part.replace("\u3000", " ").split())[:200]
        if title and title_key(title) not in seen:
            seen.add(title_key(title))
            titles.append(title)
    return titles


def products_for(titles: Iterable[str], *, create: bool = True) -> dict[str, SoftwareProduct]:
    """{title key: product} for `titles`, matched by name or alias; unknown titles become
    new products (needing a licence until someone says otherwise) when `create`."""
    wanted = {title_key(t): t for t in titles if str(t).strip()}
    if not wanted:
        return {}
    found: dict[str, SoftwareProduct] = {}
    for product in SoftwareProduct.objects.all():
        for key in product.title_keys():
            if key in wanted:
                found.setdefault(key, product)
    if create:
        for key, title in wanted.items():
            if key not in found:
                found[key], _created = SoftwareProduct.objects.get_or_create(
                    name__iexact=title, defaults={"name": title}
                )
    return found


def _licences_with_room(product_ids, today) -> dict[int, list[list]]:
    """{product id: [[licence, seats left or None], …]} of valid licences (one query)."""
    licences = (
        SoftwareLicence.objects.filter(product_id__in=product_ids)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .annotate(
            used=Count("installations", filter=Q(installations__ci__status__in=COUNTED_STATUSES))
        )
        .order_by("expires_on", "pk")
    )
    room: dict[int, list[list]] = {}
    for licence in licences:
        left = None if licence.seats is None else licence.seats - licence.used
        room.setdefault(licence.product_id, []).append([licence, left])
    return room


def _take_seat(room: dict, product_id: int):
    for entry in room.get(product_id, []):
        licence, left = entry
        if left is None:
            return licence
        if left > 0:
            entry[1] = left - 1
            return licence
    return None


@transaction.atomic
def installations_record(
    *,
    actor,
    ci: ConfigurationItem,
    titles: Iterable[str],
    source: str,
    reference: str = "",
    seen_at=None,
) -> list[SoftwareInstallation]:
    """Record that `titles` are installed on `ci`, as seen at `seen_at` (default now).

    Guarantees: one row per item and product, however often a title is recorded (a rerun
    only refreshes when and by which form it was last seen, never moving it back in time);
    an unknown title becomes a new product; a new installation of a product needing a
    licence takes a free seat of a valid licence if one has room, else stays unlicensed
    (listed on the compliance page). Rows for titles not given are left alone.
    """
    workflow.require(software_refusal(actor, None, "record"))
    return _installations_record(
        actor=actor, ci=ci, titles=titles, source=source, reference=reference, seen_at=seen_at
    )


def _installations_record(
    *, actor, ci, titles, source: str, reference: str = "", seen_at=None
) -> list[SoftwareInstallation]:
    """installations_record without the check, for a CMDB step that checked its own
    action (an import)."""
    if source not in InstallationSource.values:
        raise ValueError(source)
    at = seen_at or timezone.now()
    products = products_for(titles)
    if not products:
        return []
    existing = {
        row.product_id: row
        for row in SoftwareInstallation.objects.select_for_update().filter(
            ci=ci, product__in=[p.pk for p in products.values()]
        )
    }
    new_products = [
        p for p in {p.pk: p for p in products.values()}.values() if p.pk not in existing
    ]
    room = _licences_with_room(
        [p.pk for p in new_products if p.requires_licence], timezone.localdate()
    )
    rows = []
    for product in {p.pk: p for p in products.values()}.values():
        row = existing.get(product.pk)
        if row is None:
            row = SoftwareInstallation.objects.create(
                ci=ci,
                product=product,
                licence=_take_seat(room, product.pk) if product.requires_licence else None,
                source=source,
                reference=reference[:50],
                first_seen=at,
                last_seen=at,
                recorded_by=actor,
            )
        elif at > row.last_seen:
            row.last_seen = at
            row.reference = reference[:50] or row.reference
            row.source = source
            row.save(update_fields=["last_seen", "reference", "source"])
        rows.append(row)
    return rows


@transaction.atomic
def installations_match(
    *, actor, ci: ConfigurationItem, titles: Iterable[str], source: str, reference: str = ""
) -> list[SoftwareInstallation]:
    """Make `ci`'s installations exactly `titles`: record them, remove every other one
    (an accepted census discrepancy: what the engineer saw is what is installed)."""
    workflow.require(software_refusal(actor, None, "remove"))
    rows = installations_record(
        actor=actor, ci=ci, titles=titles, source=source, reference=reference
    )
    SoftwareInstallation.objects.filter(ci=ci).exclude(pk__in=[r.pk for r in rows]).delete()
    return rows


@transaction.atomic
def installation_remove(*, actor, installation: SoftwareInstallation) -> None:
    """The product is no longer on the item; its licence seat is free again."""
    workflow.require(software_refusal(actor, installation, "remove"))
    installation.delete()


@transaction.atomic
def installation_set_licence(
    *, actor, installation: SoftwareInstallation, licence: SoftwareLicence | None
) -> SoftwareInstallation:
    """Count `installation` against `licence` (None: against none). ValidationError for a
    licence of another product, an expired one, or one without a free seat."""
    workflow.require(software_refusal(actor, installation, "licence"))
    if licence is not None:
        licence = SoftwareLicence.objects.select_for_update().get(pk=licence.pk)
        if licence.product_id != installation.product_id:
            raise ValidationError(_("This licence is for another product."))
        if licence.is_expired:
            raise ValidationError(_("This licence has expired."))
        if licence.seats is not None and licence.pk != installation.licence_id:
            used = licence.installations.filter(ci__status__in=COUNTED_STATUSES).count()
            if used >= licence.seats:
                raise ValidationError(
                    _("All %(seats)s seats of this licence are in use.") % {"seats": licence.seats}
                )
    installation.licence = licence
    installation.save(update_fields=["licence"])
    return installation
