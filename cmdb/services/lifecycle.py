"""Writes of an asset's later life: the "replacement proposed" mark on an ageing device and
the register of tools brought on site (§4.3.2)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..models import ConfigurationItem, ReplacementProposal, SiteTool
from ..permissions import replacement_refusal, tool_refusal


@transaction.atomic
def replacement_propose(*, actor, ci: ConfigurationItem, note: str = "") -> ReplacementProposal:
    """Mark `ci` "replacement proposed" (once: a second mark is refused, the first kept)."""
    workflow.require(replacement_refusal(actor, ci, "propose"))
    try:
        with transaction.atomic():
            return ReplacementProposal.objects.create(
                item=ci, note=(note or "").strip()[:300], proposed_by=actor
            )
    except IntegrityError as exc:
        raise ValidationError(_("A replacement is proposed for this device already.")) from exc


@transaction.atomic
def replacement_withdraw(*, actor, ci: ConfigurationItem) -> None:
    """Take the "replacement proposed" mark off `ci` (nothing happens if it has none)."""
    workflow.require(replacement_refusal(actor, ci, "withdraw"))
    ReplacementProposal.objects.filter(item=ci).delete()


@transaction.atomic
def tool_register(
    *,
    actor,
    name: str,
    brought_in_on: date | None = None,
    serial_number: str = "",
    stores_data: bool = False,
    owner=None,
    owner_company: str = "",
    location=None,
    check_in: str = "",
) -> SiteTool:
    """Register a tool brought on site. A tool that can store data needs its check written
    (what was checked); the owner is an engineer or a company. Not in the future."""
    workflow.require(tool_refusal(actor, None, "register"))
    brought_in_on = brought_in_on or timezone.localdate()
    errors = {}
    if brought_in_on > timezone.localdate():
        errors["brought_in_on"] = _("This date lies in the future.")
    if stores_data and not (check_in or "").strip():
        errors["check_in"] = _(
            "A tool that can store data is checked when it comes on site: write what was checked."
        )
    if owner is None and not (owner_company or "").strip():
        errors["owner"] = _("Name the engineer or the company the tool belongs to.")
    if errors:
        raise ValidationError(errors)
    tool = SiteTool(
        name=(name or "").strip(),
        serial_number=(serial_number or "").strip(),
        stores_data=stores_data,
        owner=owner,
        owner_company=(owner_company or "").strip(),
        location=location,
        brought_in_on=brought_in_on,
        check_in=(check_in or "").strip(),
        registered_by=actor,
    )
    tool.full_clean()
    tool.save()
    return tool


@transaction.atomic
def tool_take_out(
    *, actor, tool: SiteTool, taken_out_on: date | None = None, check_out: str = ""
) -> SiteTool:
    """The tool leaves the site. A tool that can store data is checked again (the note says
    it holds no client data). Refused for a tool already gone."""
    workflow.require(tool_refusal(actor, tool, "take_out"))
    tool = SiteTool.objects.select_for_update().get(pk=tool.pk)
    if tool.taken_out_on is not None:
        raise ValidationError(
            _("This tool left the site on %(date)s.") % {"date": tool.taken_out_on}
        )
    taken_out_on = taken_out_on or timezone.localdate()
    note = (check_out or "").strip()
    if taken_out_on > timezone.localdate():
        raise ValidationError({"taken_out_on": _("This date lies in the future.")})
    if taken_out_on < tool.brought_in_on:
        raise ValidationError({"taken_out_on": _("A tool cannot leave before it came.")})
    if tool.stores_data and not note:
        raise ValidationError(
            {
                "check_out": _(
                    "A tool that can store data is checked when it leaves: write what was checked."
                )
            }
        )
    tool.taken_out_on, tool.check_out = taken_out_on, note
    tool.save(update_fields=["taken_out_on", "check_out", "updated_at"])
    return tool
