"""What incidents adds to a device's page in the CMDB (cmdb.device_links): the device's
work orders with "report a fault for this device", and the work order a field edit of the
device names (§6.3.6: a configuration change is recorded on the service work order)."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from cmdb.device_links import SHOWN, DevicePanel, DeviceRow, WorkOrderRef
from servicedesk.roles import is_staff_role

from . import permissions
from .choices import STATUS_COLOURS, Status
from .models import WorkOrder


def work_orders_panel(user, ci) -> DevicePanel:
    """The device's work orders `user` may see, newest first (two queries)."""
    visible = WorkOrder.objects.restrict(user, "view").filter(device=ci)
    orders = list(
        visible.order_by("-created_at").values("number", "title", "status", "created_at")[:SHOWN]
    )
    total = len(orders) if len(orders) < SHOWN else visible.count()
    labels = dict(Status.choices)
    if permissions.user_has_role(user, *permissions.DESK_ROLES):
        # The desk records it for the device's user, found by the asset tag.
        report = reverse("incidents:intake") + "?" + urlencode({"q": ci.asset_tag})
        if ci.responsible_id:
            report += "&" + urlencode({"caller": ci.responsible_id})
    else:
        report = reverse("incidents:report") + "?" + urlencode({"asset_tag": ci.asset_tag})
    return DevicePanel(
        key="work_orders",
        title=_("Work orders"),
        rows=[
            DeviceRow(
                number=row["number"],
                title=row["title"],
                url=reverse("incidents:detail", args=[row["number"]]),
                status=str(labels.get(row["status"], row["status"])),
                colour=STATUS_COLOURS.get(row["status"], "secondary"),
                at=row["created_at"],
            )
            for row in orders
        ],
        total=total,
        empty=_("No work orders for this device."),
        more_url=(
            reverse("incidents:queue") + "?" + urlencode({"queue": "all", "q": ci.asset_tag})
            if is_staff_role(user) and total > SHOWN
            else ""
        ),
        actions=[(_("Report a fault for this device"), report, "exclamation-triangle")],
    )


def work_order_resolve(user, number: str) -> WorkOrderRef:
    """The work order `number` if `user` may write a note on it; ValidationError naming why not."""
    order = WorkOrder.objects.restrict(user, "view").filter(number__iexact=number).first()
    if order is None:
        raise ValidationError(
            {"work_order": _("No work order %(number)s that you can see.") % {"number": number}}
        )
    refusal = permissions.work_order_refusal(user, order, "note")
    if refusal:
        raise ValidationError({"work_order": refusal})
    return WorkOrderRef(number=order.number, url=reverse("incidents:detail", args=[order.number]))


def work_order_record(actor, number: str, text: str) -> None:
    from .services import work_order_comment

    order = WorkOrder.objects.get(number=number)
    work_order_comment(work_order=order, actor=actor, body=text, internal=True)


def device_faults(since, until) -> dict:
    """Work orders naming each device, created in [since, until), cancelled ones left out:
    {device id: (count, last created at)}, one query (cmdb.device_links.fault_counts)."""
    rows = (
        WorkOrder.objects.filter(device__isnull=False, created_at__gte=since, created_at__lt=until)
        .exclude(status=Status.CANCELLED)
        .order_by()
        .values("device_id")
        .annotate(n=Count("pk"), last=Max("created_at"))
    )
    return {row["device_id"]: (row["n"], row["last"]) for row in rows}
