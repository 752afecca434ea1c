from .events import Attachment, WorkOrderEvent
from .filing import FilingKey
from .mail import InboundMail as InboundMail
from .quality import Callback, Complaint
from .search import WorkOrderTerm
from .service_record import ServiceRecord
from .sla import SlaNotice, SlaPolicy
from .work_order import HoldPeriod, WorkOrder, WorkOrderLink

__all__ = [
    "FilingKey",
    "Attachment",
    "Callback",
    "Complaint",
    "HoldPeriod",
    "ServiceRecord",
    "SlaNotice",
    "SlaPolicy",
    "WorkOrder",
    "WorkOrderEvent",
    "WorkOrderLink",
    "WorkOrderTerm",
]
