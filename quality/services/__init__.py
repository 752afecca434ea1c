"""Every write of quality management (surveys, the weekly review), and the periodic scan."""

from .reviews import (
    action_add,
    action_complete,
    item_cause_record,
    review_create,
    review_items_refresh,
    review_update,
    week_bounds,
)
from .scan import quality_scan
from .surveys import (
    invitations_send,
    response_submit,
    round_close,
    round_create,
    round_open,
    round_publish,
)

__all__ = [
    "action_add",
    "action_complete",
    "invitations_send",
    "item_cause_record",
    "quality_scan",
    "response_submit",
    "review_create",
    "review_items_refresh",
    "review_update",
    "round_close",
    "round_create",
    "round_open",
    "round_publish",
    "week_bounds",
]
