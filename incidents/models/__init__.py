from .events import Attachment, WorkOrderEvent
from .fault_report import FaultReport
from .filing import FilingKey
from .history import HistoryImportBatch
from .mail import InboundMail as InboundMail
from .quality import Callback, Complaint, ComplaintCause
from .search import WorkOrderTerm
from .service_record import ServiceRecord
from .sla import SlaNotice, SlaPolicy
from .volumes import DailyVolume, RollupState
from .work_order import HoldPeriod, WorkOrder, WorkOrderLink

__all__ = [
    "FilingKey",
    "Attachment",
    "Callback",
    "Complaint",
    "DailyVolume",
    "FaultReport",
    "ComplaintCause",
    "HistoryImportBatch",
    "HoldPeriod",
    "RollupState",
    "ServiceRecord",
    "SlaNotice",
    "SlaPolicy",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderLink",
    "WorkOrderTerm",
]
