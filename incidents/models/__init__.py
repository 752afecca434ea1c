from .events import Attachment, WorkOrderEvent
from .filing import FilingKey
from .history import HistoryImportBatch
from .mail import InboundMail as InboundMail
from .quality import Callback, Complaint
from .search import WorkOrderTerm
from .sla import SlaNotice, SlaPolicy
from .work_order import HoldPeriod, WorkOrder, WorkOrderLink

__all__ = [
    "FilingKey",
    "Attachment",
    "Callback",
    "Complaint",
    "HistoryImportBatch",
    "HoldPeriod",
    "SlaNotice",
    "SlaPolicy",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderLink",
    "WorkOrderTerm",
]
