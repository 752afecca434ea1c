"""A section builder for the core tests (the real ones live in reports/sections/): it
counts the work orders filed in the period, honestly, and registers its drill list."""

from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from incidents.models import WorkOrder
from reports import drill
from reports.definitions import Column, Drill, Figure, Section, Table


def _orders(params):
    return WorkOrder.objects.filter(
        created_at__date__gte=params["start"], created_at__date__lte=params["end"]
    ).order_by("pk")


drill.register(
    "test.work_orders",
    records=_orders,
    columns=[("number", N_("Number")), ("title", N_("Title"))],
    url=lambda order: reverse("incidents:detail", args=[order.number]),
)

CALLS: list = []


def build(period, *, options):
    CALLS.append((period.slug, dict(options)))
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    count = _orders(params).count()
    return Section(
        key="test",
        title=N_("Work orders"),
        figures=[
            Figure(
                key="test.received",
                label=N_("Work orders received"),
                value=count,
                definition=N_("Work orders filed in the period."),
                drill=Drill("test.work_orders", params),
            )
        ],
        tables=[
            Table(
                key="test.volumes",
                title=N_("Volumes"),
                columns=[Column("what", N_("What")), Column("count", N_("Count"), "count")],
                rows=[["<b>received</b>", count]],
            )
        ],
        text=options.get("suggestions", ""),
    )
