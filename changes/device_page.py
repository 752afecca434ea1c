"""The changes that touch a device, on its CMDB page (cmdb.device_links)."""

from django.utils.translation import gettext as _

from cmdb.device_links import SHOWN, DevicePanel, DeviceRow
from servicedesk.roles import is_staff_role

from .choices import STATUS_COLOURS, ChangeStatus
from .models import ChangeRequest
from .permissions import change_filter


def changes_panel(user, ci) -> DevicePanel | None:
    """Changes with `ci` among their affected items that `user` may see (two queries);
    None for who may see no changes at all."""
    if change_filter(user, "view") is None:
        return None
    visible = ChangeRequest.objects.restrict(user, "view").filter(affected_item_links__item=ci)
    changes = list(
        visible.order_by("-created_at").values(
            "number", "summary", "status", "planned_start", "created_at"
        )[:SHOWN]
    )
    if not changes and not is_staff_role(user):
        # End users see only the change requests they raised: no panel for a device none
        # of theirs touches (the panel is the staff's view of the device's changes).
        return None
    total = len(changes) if len(changes) < SHOWN else visible.count()
    labels = dict(ChangeStatus.choices)
    return DevicePanel(
        key="changes",
        title=_("Changes"),
        rows=[
            DeviceRow(
                number=row["number"],
                title=row["summary"],
                url=ChangeRequest(number=row["number"]).get_absolute_url(),
                status=str(labels.get(row["status"], row["status"])),
                colour=STATUS_COLOURS.get(row["status"], "secondary"),
                at=row["planned_start"] or row["created_at"],
            )
            for row in changes
        ],
        total=total,
        empty=_("No changes touch this device."),
    )
