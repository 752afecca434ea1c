from .backups import BackupPlan, BackupRecord, DueReminder, RestoreTest
from .checklists import ChecklistItem, ChecklistTemplate
from .facilities import Facility, FacilityCheck, FacilitySchedule
from .flow import InspectionApproval
from .plans import InspectionPlan, InspectionRound, PlanDevice, UnknownScan
from .records import Discrepancy, InspectionRecord, ResultLine
from .reports import InspectionReminder, InspectionReport

__all__ = [
    "BackupPlan",
    "BackupRecord",
    "DueReminder",
    "Facility",
    "FacilityCheck",
    "FacilitySchedule",
    "RestoreTest",
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
