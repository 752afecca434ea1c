from .checklists import ChecklistItem, ChecklistTemplate
from .flow import InspectionApproval
from .plans import InspectionPlan, InspectionRound, PlanDevice, UnknownScan
from .records import Discrepancy, InspectionRecord, ResultLine
from .reports import InspectionReminder, InspectionReport

__all__ = [
    "ChecklistItem",
    "ChecklistTemplate",
    "Discrepancy",
    "InspectionApproval",
    "InspectionPlan",
    "InspectionRecord",
    "InspectionReminder",
    "InspectionReport",
    "InspectionRound",
    "PlanDevice",
    "ResultLine",
    "UnknownScan",
]
