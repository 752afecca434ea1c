from .emergency import (
    DisasterMeasure,
    Emergency,
    EmergencyChange,
    Outage,
    Plan,
    ProcessEntry,
    StatusUpdate,
    TeamMember,
)
from .work import EmergencyReport, Evaluation, FollowUpTask, ResourceRequest

__all__ = [
    "DisasterMeasure",
    "Emergency",
    "EmergencyChange",
    "EmergencyReport",
    "Evaluation",
    "FollowUpTask",
    "Outage",
    "Plan",
    "ProcessEntry",
    "ResourceRequest",
    "StatusUpdate",
    "TeamMember",
]
