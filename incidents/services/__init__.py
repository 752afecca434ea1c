"""Every write to a work order, through the one pipeline (itsm.workflow).

Each service, in one transaction: locks the row and compares the `lock_version` the user
saw → asks the one refusal function whether the actor may do this
(`permissions.work_order_refusal`, the rule the page's buttons show) → prepares what the
step implies (SLA clocks, hold periods) → fires the transition, saves with a new
lock_version and writes the step on the order's own timeline → hands notifications to
the outbox once committed. A refusal, a conflict or an illegal step leaves nothing
half-done: the transaction rolls back.

Every service takes the acting user and checks it; scheduled jobs act as
`itsm.actors.system_user()`.

desk.py holds the desk's own
steps and time limits (late engineer, remote guidance, resolved on the call).
lifecycle.py files orders and moves them through their states; edits.py changes what
is not a state (comments, priority, corrections, escalation, rating) and records
callbacks and complaints; common.py holds the wording, the timeline writer and the SLA
clocks they share. Import from here.
"""

from .common import (
    ACCEPT_TARGET,
    AUTO_CLOSE_WORKING_DAYS,
    CALLBACK_FIRST,
    CONFLICT,
    DISPATCH_TARGET,
    GUIDANCE_TARGET,
    MANAGER_ESCALATION_TARGET,
    REDISPATCH_TARGET,
    REFUSED,
    callback_before_close,
    callback_missing,
    desk_or_on_call,
    on_call_people,
    sla_recompute,
    sla_targets,
    work_order_url,
)
from .desk import (
    work_order_classify,
    work_order_guidance_start,
    work_order_report_late,
    work_order_resolve_on_call,
    work_order_route_out_of_hours,
)
from .edits import (
    callback_record,
    complaint_handle,
    complaint_raise,
    work_order_comment,
    work_order_escalate,
    work_order_forward_to_manager,
    work_order_rate,
    work_order_reprioritise,
    work_order_triage,
)
from .fault_reports import fault_report_save
from .lifecycle import (
    NewFile,
    work_order_assign,
    work_order_auto_close,
    work_order_cancel,
    work_order_close,
    work_order_confirm,
    work_order_create,
    work_order_file,
    work_order_hold,
    work_order_link,
    work_order_merge,
    work_order_reopen,
    work_order_resolve,
    work_order_resume,
    work_order_set_parent,
    work_order_start,
)

__all__ = [
    "fault_report_save",
    "ACCEPT_TARGET",
    "AUTO_CLOSE_WORKING_DAYS",
    "CALLBACK_FIRST",
    "CONFLICT",
    "DISPATCH_TARGET",
    "GUIDANCE_TARGET",
    "MANAGER_ESCALATION_TARGET",
    "REDISPATCH_TARGET",
    "REFUSED",
    "callback_before_close",
    "callback_missing",
    "work_order_classify",
    "desk_or_on_call",
    "on_call_people",
    "work_order_guidance_start",
    "work_order_report_late",
    "work_order_resolve_on_call",
    "work_order_route_out_of_hours",
    "NewFile",
    "callback_record",
    "complaint_handle",
    "complaint_raise",
    "sla_recompute",
    "sla_targets",
    "work_order_assign",
    "work_order_auto_close",
    "work_order_cancel",
    "work_order_close",
    "work_order_comment",
    "work_order_confirm",
    "work_order_create",
    "work_order_file",
    "work_order_escalate",
    "work_order_forward_to_manager",
    "work_order_hold",
    "work_order_link",
    "work_order_merge",
    "work_order_rate",
    "work_order_reopen",
    "work_order_reprioritise",
    "work_order_resolve",
    "work_order_resume",
    "work_order_set_parent",
    "work_order_start",
    "work_order_triage",
    "work_order_url",
]
