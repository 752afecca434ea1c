"""Facility checks (§5.1.2.2 lightning protection and the like): recorded against the
facility kind's checklist, measured items failing outside their limits, the next due date
following the facility's seasonal schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from .. import limits
from ..choices import FacilityKind, ItemResult
from ..models import ChecklistItem, ChecklistTemplate, Facility, FacilityCheck, ResultLine
from ..permissions import facility_refusal

# The plan's own items per kind, used until an admin writes a checklist for the kind.
DEFAULT_FACILITY_ITEMS = {
    FacilityKind.LIGHTNING: (
        ("避雷针及引下线完好 Lightning rod and down conductors intact", "", None),
        (
            "三级避雷装置(电源端、UPS端、服务器端)正常 Three-stage surge protection in order",
            "",
            None,
        ),
        ("接地电阻 Ground resistance", "Ω", "4"),
    ),
    FacilityKind.UPS: (
        ("UPS 状态及剩余电量正常 UPS state and charge normal", "", None),
        ("切换备用电源正常 Switch-over to backup power works", "", None),
    ),
    FacilityKind.FIRE: (("灭火器在有效期内 Extinguishers within date", "", None),),
    FacilityKind.WATER: (("机房无渗漏积水 No leaks or standing water", "", None),),
}


def facility_checklist(*, kind: str) -> ChecklistTemplate:
    """The kind's newest active checklist; the plan's default items when it has none."""
    template = (
        ChecklistTemplate.objects.filter(facility_kind=kind, is_active=True)
        .order_by("-version")
        .first()
    )
    if template is None:
        with transaction.atomic():
            last = ChecklistTemplate.objects.filter(facility_kind=kind).order_by("-version").first()
            template = ChecklistTemplate.objects.create(
                facility_kind=kind,
                version=(last.version + 1) if last else 1,
                name=str(FacilityKind(kind).label),
            )
            ChecklistItem.objects.bulk_create(
                ChecklistItem(
                    template=template,
                    order=n,
                    text=text,
                    unit=unit,
                    max_value=limits.parse_value(high),
                )
                for n, (text, unit, high) in enumerate(DEFAULT_FACILITY_ITEMS.get(kind, ()), 1)
            )
    return template


@dataclass
class FacilityLine:
    item_id: int
    result: str = ""
    value: str = ""  # the measured value as typed, for measured items
    note: str = ""


def _line_result(item: ChecklistItem, given: FacilityLine) -> tuple[str, object, str]:
    """(result, measured value, note) for one item; a value out of its limit fails it."""
    note = given.note.strip()[:500]
    if not item.is_measured:
        if given.result not in ItemResult.values:
            raise ValidationError(
                _("Choose pass, fail or not applicable for “%(item)s”.") % {"item": item.text}
            )
        return given.result, None, note
    if given.result == ItemResult.NOT_APPLICABLE and not str(given.value).strip():
        return ItemResult.NOT_APPLICABLE, None, note
    value = limits.parse_value(given.value)
    if value is None:
        raise ValidationError(
            _("Enter the measured value for “%(item)s” as a number.") % {"item": item.text}
        )
    if limits.within(value, item.min_value, item.max_value):
        return ItemResult.PASS, value, note
    auto = limits.out_of_limit_note(value, item.min_value, item.max_value, item.unit)
    return ItemResult.FAIL, value, (f"{auto} {note}".strip())[:500]


@transaction.atomic
def facility_check_record(
    *,
    facility: Facility,
    actor,
    lines: list[FacilityLine],
    checked_on: date | None = None,
    note: str = "",
) -> FacilityCheck:
    """One check of `facility` with a result for every item of its kind's checklist.

    Guarantees: all or nothing; a measured value outside its limit fails the item (and the
    check) whatever was ticked, and says so in the line's note; a failed non-measured item
    needs a note; the facility's next due date moves to the end of the next due month of
    its schedule (a late check does not shift the season).
    """
    facility = Facility.objects.select_for_update().get(pk=facility.pk)
    workflow.require(facility_refusal(actor, facility, "check"))
    checked_on = checked_on or timezone.localdate()
    if checked_on > timezone.localdate():
        raise ValidationError(_("A check cannot be dated in the future."))
    template = facility_checklist(kind=facility.kind)
    items = list(template.items.all())
    given = {line.item_id: line for line in lines}
    missing = [item.text for item in items if item.pk not in given]
    if missing:
        raise ValidationError(
            _("Give a result for every item: %(items)s") % {"items": "; ".join(missing)}
        )
    results = []
    for item in items:
        result, value, line_note = _line_result(item, given[item.pk])
        if result == ItemResult.FAIL and not line_note:
            raise ValidationError(_("Say what failed: a note or a photo."))
        results.append((item, result, value, line_note))
    check = FacilityCheck.objects.create(
        facility=facility,
        checklist=template,
        checked_on=checked_on,
        engineer=actor,
        passed=all(r != ItemResult.FAIL for _, r, _, _ in results),
        note=note.strip(),
    )
    ResultLine.objects.bulk_create(
        ResultLine(
            facility_check=check,
            item=item,
            order=order,
            text=item.text,
            result=result,
            measured_value=value,
            limit=item.limit_text,
            note=line_note,
        )
        for order, (item, result, value, line_note) in enumerate(results, 1)
    )
    if facility.last_checked_on is None or checked_on >= facility.last_checked_on:
        facility.last_checked_on = checked_on
        facility.next_due_on = facility.schedule.season.next_due_after_check(checked_on)
        facility.save(update_fields=["last_checked_on", "next_due_on", "updated_at"])
    return check


def facility_first_due(facility: Facility, today: date | None = None) -> date:
    """When a facility never checked is first due: the end of its first due month from today."""
    return facility.schedule.season.first_due_from(today or timezone.localdate())
