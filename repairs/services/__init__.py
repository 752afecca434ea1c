"""Every write of the vendor-repair process (see each module)."""

from .blacklist import (
    application_create,
    application_decide,
    application_discard,
    application_submit,
    application_update,
    blacklist_draft_if_due,
    blacklist_removal_refusal,
)
from .parts import part_approve, part_choose, part_purchase_create, part_quote_add, part_replace
from .repairs import (
    repair_cancel,
    repair_create,
    repair_due_dates,
    repair_extend_warranty,
    repair_report_progress,
    repair_return,
    repair_send,
)
from .scans import repairs_scan
from .vendor_orders import (
    vendor_order_confirm,
    vendor_order_create,
    vendor_order_record_result,
    vendor_order_review,
    vendor_order_send,
    vendor_order_sign,
    vendor_order_submit,
    vendor_order_update,
    vendor_order_verify,
)

__all__ = [
    "application_create",
    "application_decide",
    "application_discard",
    "application_submit",
    "application_update",
    "blacklist_draft_if_due",
    "blacklist_removal_refusal",
    "part_approve",
    "part_choose",
    "part_purchase_create",
    "part_quote_add",
    "part_replace",
    "repair_cancel",
    "repair_create",
    "repair_due_dates",
    "repair_extend_warranty",
    "repair_report_progress",
    "repair_return",
    "repair_send",
    "repairs_scan",
    "vendor_order_confirm",
    "vendor_order_create",
    "vendor_order_record_result",
    "vendor_order_review",
    "vendor_order_send",
    "vendor_order_sign",
    "vendor_order_submit",
    "vendor_order_update",
    "vendor_order_verify",
]
