"""How the work was delivered (§6.2.2) and the on-site service records (§6.3.3), for the
service section: received work orders by service type and by response mode, and the
service records written in the period by the desk's review. Every count and its
definition is `incidents.metrics`' own (`delivery_counts`, `service_record_counts`);
each row and figure drills to the list with that count. Two queries in all."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from incidents import metrics
from incidents.choices import ServiceRecordStatus

from .. import drill
from ..definitions import Drill, Figure, Table
from .service_parts import _count_chart, _count_table, english

RECORD_LABELS = {
    "": N_("Service records written"),
    ServiceRecordStatus.ACCEPTED: N_("Service records accepted"),
    ServiceRecordStatus.SUBMITTED: N_("Service records awaiting review"),
    ServiceRecordStatus.RETURNED: N_("Service records returned"),
}


def delivery(orders, params: dict) -> tuple[list[Table], list]:
    """One table and one chart per DELIVERY field (service type, response mode)."""
    counts = metrics.delivery_counts(orders)
    tables, charts = [], []
    for field, (choices, title, definition) in metrics.DELIVERY.items():
        rows = [
            (english(choices, value) if value else metrics.NOT_RECORDED, n)
            for value, n in counts[field].items()
        ]
        table = _count_table(
            f"service.by_{field}",
            title,
            N_("Service type") if field == "service_type" else N_("Response mode"),
            rows,
            sum(counts[field].values()),
            [Drill("summary.received", {**params, field: value}) for value in counts[field]],
            definition,
        )
        tables.append(table)
        charts.append(_count_chart(f"service.by_{field}", title, "pie", table))
    return tables, charts


def service_record_figures(start, end, params: dict) -> list[Figure]:
    counts = metrics.service_record_counts(start=start, end=end)
    return [
        Figure(
            key=f"service.service_records_{status or 'written'}",
            label=label,
            value=counts[status],
            definition=metrics.SERVICE_RECORD_DEFINITION,
            drill=Drill("summary.service_records", {**params, "status": status}),
        )
        for status, label in RECORD_LABELS.items()
    ]


def _records(params):
    from datetime import datetime

    return (
        metrics.service_records_written(
            start=datetime.fromisoformat(params["start"]),
            end=datetime.fromisoformat(params["end"]),
            status=params.get("status", ""),
        )
        .select_related("work_order", "engineer__person")
        .order_by("created_at", "pk")
    )


drill.register(
    "summary.service_records",
    records=_records,
    columns=[
        ("number", N_("Number")),
        ("work_order__number", N_("Work order")),
        ("engineer", N_("Engineer")),
        ("arrived_at", N_("Arrived at")),
        ("minutes_on_site", N_("Time on site (minutes)")),
        ("status", N_("Review")),
    ],
    url=lambda record: reverse("incidents:service_record", args=[record.number]),
)
