from .approvals import Approval, ApproverSet, ApproverSlot
from .changes import ChangeAffectedItem, ChangeLog, ChangeRequest, ChangeTemplate, FreezePeriod
from .releases import Release, ReleaseApproval, ReleaseTestRecord

__all__ = [
    "Approval",
    "ApproverSet",
    "ApproverSlot",
    "ChangeAffectedItem",
    "ChangeLog",
    "ChangeRequest",
    "ChangeTemplate",
    "FreezePeriod",
    "Release",
    "ReleaseApproval",
    "ReleaseTestRecord",
]
