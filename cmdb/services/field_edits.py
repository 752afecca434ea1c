"""Keeping the CMDB current from the field (§6.3.6): the desk or an engineer corrects an
item's location, responsible user, IP address and tamper seal on its page, and the change
names the work order it was made for, on the item's timeline and on the work order."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from .. import device_links
from ..models import ConfigurationItem
from ..permissions import ci_refusal
from . import _ci_update

# The fields a field edit may change, in the order the work-order note lists them.
FIELD_EDIT_FIELDS = ("location", "responsible", "ip_address", "seal_status")


def _shown(ci, name) -> str:
    if name == "seal_status":
        return str(ci.get_seal_status_display())
    if name == "responsible":
        user = ci.responsible
        person = getattr(user, "person", None) if user else None
        return (person.name if person else user.get_username()) if user else "—"
    value = getattr(ci, name)
    return str(value) if value not in (None, "") else "—"


@transaction.atomic
def ci_field_edit(
    *,
    actor,
    ci: ConfigurationItem,
    work_order: str,
    seen_updated_at=None,
    seal_checked: bool = False,
    **changes,
) -> ConfigurationItem:
    """Apply `changes` (a subset of FIELD_EDIT_FIELDS) to `ci` for `work_order`.

    Refused (PermissionDenied) unless `actor` may change items; ValidationError when the
    work order is unknown or not `actor`'s to write on, when nothing changes, or when the
    item changed since `seen_updated_at` (the page it was typed on was stale). The item's
    timeline shows each field old → new with the work order as the reason; the work order
    gets an internal note listing the same changes. Accessories follow a move (ci_save).
    """
    workflow.require(ci_refusal(actor, ci, "change"))
    unknown = set(changes) - set(FIELD_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"not a field edit: {sorted(unknown)}")
    ci = ConfigurationItem.objects.select_for_update().get(pk=ci.pk)
    if seen_updated_at is not None and ci.updated_at != seen_updated_at:
        raise ValidationError(
            _(
                "Someone changed this item while you were editing it. Reload the page and type your change again."
            )
        )
    number = work_order.strip()
    if not number:
        raise ValidationError({"work_order": _("Name the work order this change was made for.")})
    if device_links.work_orders_known():
        number = device_links.work_order_resolve(actor, number).number

    changed = {name: value for name, value in changes.items() if getattr(ci, name) != value}
    if seal_checked:
        changed["seal_checked_at"] = timezone.now()
    if not changed:
        raise ValidationError(_("Nothing was changed."))
    before = {name: _shown(ci, name) for name in FIELD_EDIT_FIELDS}
    ci = _ci_update(ci=ci, reason=number, **changed)
    lines = [
        f"{ConfigurationItem._meta.get_field(name).verbose_name}: {before[name]} → {_shown(ci, name)}"
        for name in FIELD_EDIT_FIELDS
        if name in changed
    ]
    if seal_checked:
        lines.append(_("Tamper seal checked: %(seal)s") % {"seal": ci.get_seal_status_display()})
    if device_links.work_orders_known():
        text = _("Configuration of %(item)s updated:") % {"item": str(ci)}
        device_links.work_order_record(actor, number, "\n".join([text, *lines]))
    return ci
