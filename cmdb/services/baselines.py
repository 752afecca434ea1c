"""Baselines (配置基线): snapshot a department's or a class's items; compare today with it."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm import workflow

from ..models import Baseline, ConfigurationItem
from ..permissions import baseline_refusal

# The key fields a baseline keeps, with how each is read from an item and labelled.
SNAPSHOT_FIELDS = {
    "asset_tag": gettext_lazy("Asset tag"),
    "name": gettext_lazy("Asset name"),
    "ci_class": gettext_lazy("Class"),
    "status": gettext_lazy("Status"),
    "serial_number": gettext_lazy("Serial number"),
    "system_serial": gettext_lazy("System serial"),
    "ip_address": gettext_lazy("IP address"),
    "warranty_end": gettext_lazy("Warranty end"),
    "responsible": gettext_lazy("Responsible user"),
    "department": gettext_lazy("Department"),
    "location": gettext_lazy("Location"),
    "parent": gettext_lazy("Parent item"),
    "supplier": gettext_lazy("Supplier"),
    "seal_status": gettext_lazy("Tamper seal"),
    "attributes": gettext_lazy("Attributes"),
}
_RELATED = ("ci_class", "responsible", "department", "location__building", "parent", "supplier")


def snapshot_row(ci: ConfigurationItem) -> dict:
    return {
        "asset_tag": ci.asset_tag,
        "name": ci.name,
        "ci_class": ci.ci_class.code,
        "status": ci.status,
        "serial_number": ci.serial_number,
        "system_serial": ci.system_serial,
        "ip_address": ci.ip_address or "",
        "warranty_end": ci.warranty_end.isoformat() if ci.warranty_end else "",
        "responsible": ci.responsible.username if ci.responsible_id else "",
        "department": ci.department.code if ci.department_id else "",
        "location": str(ci.location) if ci.location_id else "",
        "parent": ci.parent.asset_tag if ci.parent_id else "",
        "supplier": ci.supplier.name if ci.supplier_id else "",
        "seal_status": ci.seal_status,
        "attributes": ci.attributes or {},
    }


def baseline_scope(*, department=None, ci_class=None):
    items = ConfigurationItem.objects.all()
    if department is not None:
        items = items.filter(department=department)
    if ci_class is not None:
        items = items.filter(ci_class=ci_class)
    return items


def _current(baseline: Baseline) -> dict[str, dict]:
    items = baseline_scope(department=baseline.department, ci_class=baseline.ci_class)
    return {
        str(ci.pk): snapshot_row(ci)
        for ci in items.select_related(*_RELATED).iterator(chunk_size=2000)
    }


@transaction.atomic
def baseline_take(*, actor, name: str, department=None, ci_class=None) -> Baseline:
    """Snapshot the key fields of every item of `department` and/or `ci_class` now."""
    workflow.require(baseline_refusal(actor, None, "take"))
    if department is None and ci_class is None:
        raise ValidationError(_("Choose a department or a class."))
    baseline = Baseline(
        name=name, department=department, ci_class=ci_class, taken_at=timezone.now(), taken_by=actor
    )
    baseline.snapshot = _current(baseline)
    baseline.item_count = len(baseline.snapshot)
    baseline.full_clean()
    baseline.save()
    return baseline


@dataclass
class BaselineDiff:
    added: list = field(default_factory=list)  # snapshot rows now in scope, not then
    removed: list = field(default_factory=list)  # rows then, not now
    changed: list = field(default_factory=list)  # (row now, [(label, then, now)])

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def baseline_compare(*, baseline: Baseline) -> BaselineDiff:
    """Today's configuration of the baseline's scope against the baseline, by item id."""
    then, now = baseline.snapshot or {}, _current(baseline)
    diff = BaselineDiff()
    for pk, row in now.items():
        old = then.get(pk)
        if old is None:
            diff.added.append({**row, "id": int(pk)})
            continue
        changes = [
            (str(label), _text(old.get(key)), _text(row.get(key)))
            for key, label in SNAPSHOT_FIELDS.items()
            if old.get(key, "") != row.get(key, "")
        ]
        if changes:
            diff.changed.append(({**row, "id": int(pk)}, changes))
    for pk, row in then.items():
        if pk not in now:
            diff.removed.append({**row, "id": int(pk)})
    diff.added.sort(key=lambda r: r["asset_tag"])
    diff.removed.sort(key=lambda r: r["asset_tag"])
    diff.changed.sort(key=lambda pair: pair[0]["asset_tag"])
    return diff


def _text(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return "" if value is None else str(value)
