from .emergency import (
    DisasterMeasure,
    Emergency,
    EmergencyChange,
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
    "Plan",
    "ProcessEntry",
    "ResourceRequest",
    "StatusUpdate",
    "TeamMember",
]
