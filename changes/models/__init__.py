from .approvals import Approval, ApproverSet, ApproverSlot
from .changes import ChangeAffectedItem, ChangeLog, ChangeRequest, ChangeTemplate, FreezePeriod

__all__ = [
    "Approval",
    "ApproverSet",
    "ApproverSlot",
    "ChangeAffectedItem",
    "ChangeLog",
    "ChangeRequest",
    "ChangeTemplate",
    "FreezePeriod",
]
