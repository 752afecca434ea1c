"""A device's inspection records, on its CMDB page (cmdb.device_links)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cmdb.device_links import SHOWN, DevicePanel, DeviceRow

from .choices import ItemResult
from .models import InspectionRecord
from .rules import is_reader


def inspections_panel(user, ci) -> DevicePanel | None:
    """The device's records, newest first, each marked when an item failed; None for
    who may not read inspections (at most two queries)."""
    if not is_reader(user):
        return None
    visible = InspectionRecord.objects.restrict(user, "view").filter(ci=ci)
    records = list(
        visible.annotate(failed=Count("lines", filter=Q(lines__result=ItemResult.FAIL)))
        .order_by("-inspected_at", "-id")
        .values("pk", "number", "plan__title", "inspected_at", "failed")[:SHOWN]
    )
    total = len(records) if len(records) < SHOWN else visible.count()
    return _panel(records, total)


def _panel(records, total) -> DevicePanel:
    return DevicePanel(
        key="inspections",
        title=_("Inspections"),
        rows=[
            DeviceRow(
                number=row["number"],
                title=row["plan__title"],
                url=reverse("inspections:record_detail", args=[row["pk"]]),
                status=_("%(n)d failed") % {"n": row["failed"]} if row["failed"] else _("Passed"),
                colour="danger" if row["failed"] else "success",
                at=row["inspected_at"],
            )
            for row in records
        ],
        total=total,
        empty=_("No inspection records for this device."),
    )
