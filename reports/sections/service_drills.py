"""Drill-down lists behind the service section's own figures (keys "summary.*").

Each list is rebuilt from the frozen parameters through the owning app's selectors, with
the same definition the figure used, so its count equals the figure. The figures
incidents.metrics defines drill to its own lists instead ("service.<count key>",
registered by reports.dashboard from `metrics.records`); nothing here re-derives them.
"""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext_noop as N_

from changes.release_selectors import releases_in_period
from changes.selectors import changes_in_period
from incidents import complaint_metrics, metrics, period_selectors
from knowledge.selectors import records_added
from problems.selectors import problems_in_period

from .. import drill

WORK_ORDER_COLUMNS = [
    ("number", N_("Number")),
    ("title", N_("Title")),
    ("service_level__name", N_("Service level")),
    ("department__name", N_("Department")),
    ("category__name", N_("Category")),
    ("status", N_("Status")),
    ("created_at", N_("Received")),
]
RECORD_COLUMNS = [("number", N_("Number")), ("status", N_("Status")), ("created_at", N_("Raised"))]

# Filters a row of a volume table adds to the received work orders (None: not recorded).
RECEIVED_FILTERS = {
    "channel": "channel",
    "category_id": "category_id",
    "department_id": "department_id",
    "level_id": "service_level_id",
    "device_id": "device_id",
    "number": "number",
    "service_type": "service_type",  # "" = not recorded (incidents.metrics.DELIVERY)
    "response_mode": "response_mode",
}


def _at(params, name) -> datetime:
    return datetime.fromisoformat(params[name])


def _work_order_url(order) -> str:
    return reverse("incidents:detail", args=[order.number])


def received(params):
    orders = metrics.received_orders(start=_at(params, "start"), end=_at(params, "end"))
    for name, field in RECEIVED_FILTERS.items():
        if name in params:
            value = params[name]
            orders = orders.filter(
                **({f"{field}__isnull": True} if value is None else {field: value})
            )
    return orders.select_related("service_level", "department", "category").order_by("created_at")


def backlog(params):
    orders = period_selectors.work_orders_open_at(at=_at(params, "end"))
    if "created_from" in params:
        orders = orders.filter(created_at__gte=_at(params, "created_from"))
    if "created_to" in params:
        orders = orders.filter(created_at__lt=_at(params, "created_to"))
    return orders.select_related("service_level", "department", "category").order_by("created_at")


def repeat_devices(params):
    return period_selectors.devices_with_repeats(received(params))


def _complaints(key):
    """The complaints behind complaint count `key` (incidents.metrics), optionally of one
    cause or department (0: none), as the summary's complaint tables count them."""

    def records(params):
        return complaint_metrics.complaint_records(
            key,
            start=_at(params, "start"),
            end=_at(params, "end"),
            cause_id=_optional(params.get("cause")),
            department_id=_optional(params.get("department")),
        )

    return records


def _optional(value) -> int | None:
    return None if value in (None, "", "None") else int(value)


complaints = _complaints("complaints")


def _opened(selector):
    def records(params):
        start, end = _at(params, "start"), _at(params, "end")
        return selector(start=start, end=end).filter(created_at__gte=start, created_at__lt=end)

    return records


def _closed(selector):
    def records(params):
        start, end = _at(params, "start"), _at(params, "end")
        return selector(start=start, end=end).filter(closed_at__gte=start, closed_at__lt=end)

    return records


def _register() -> None:
    drill.register(
        "summary.received", records=received, columns=WORK_ORDER_COLUMNS, url=_work_order_url
    )
    drill.register(
        "summary.backlog", records=backlog, columns=WORK_ORDER_COLUMNS, url=_work_order_url
    )
    drill.register(
        "summary.repeat_devices",
        records=repeat_devices,
        columns=[("asset_tag", N_("Asset tag")), ("name", N_("Device"))],
        url=lambda item: reverse("cmdb:ci_detail", args=[item.pk]),
    )
    for key in ("complaints", "complaints_handled", "complaints_open"):
        drill.register(
            f"summary.{key}",
            records=_complaints(key),
            columns=[
                ("created_at", N_("Raised at")),
                ("work_order__number", N_("Work order")),
                ("department__name", N_("Department")),
                ("cause__name", N_("Cause")),
                ("description", N_("Description")),
                ("status", N_("Status")),
                ("handled_at", N_("Handled at")),
            ],
        )
    for name, selector in (
        ("problems", problems_in_period),
        ("changes", changes_in_period),
        ("releases", releases_in_period),
    ):
        drill.register(
            f"summary.{name}_opened",
            records=_opened(selector),
            columns=RECORD_COLUMNS,
            url=lambda record: record.get_absolute_url(),
        )
        drill.register(
            f"summary.{name}_closed",
            records=_closed(selector),
            columns=RECORD_COLUMNS,
            url=lambda record: record.get_absolute_url(),
        )
    drill.register(
        "summary.knowledge_added",
        records=lambda params: records_added(start=_at(params, "start"), end=_at(params, "end")),
        columns=[("number", N_("Number")), ("title", N_("Title")), ("status", N_("Status"))],
        url=lambda record: record.get_absolute_url(),
    )


_register()
