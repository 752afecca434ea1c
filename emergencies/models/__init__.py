from .emergency import (
    DisasterMeasure,
    Emergency,
    EmergencyChange,
    Plan,
    ProcessEntry,
    StatusUpdate,
    TeamMember,
)
from .facilities import Drill, FacilityIncident
from .work import EmergencyReport, Evaluation, FollowUpTask, ResourceRequest

__all__ = [
    "Drill",
    "FacilityIncident",
    "DisasterMeasure",
    "Emergency",
    "EmergencyChange",
    "EmergencyReport",
    "Evaluation",
    "FollowUpTask",
    "Plan",
    "ProcessEntry",
    "ResourceRequest",
    "StatusUpdate",
    "TeamMember",
]
