from .calendar import CalendarDay, CalendarYear, WorkingPeriod
from .catalogue import Category, Team
from .commitment import CommitmentKey, CommitmentOp, ServiceCommitment
from .notification import MailState, Notification
from .oncall import OnCallShift
from .organisation import Building, Department, Location, Person, ServiceLevel

__all__ = [
    "Building",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "CommitmentKey",
    "CommitmentOp",
    "Department",
    "Location",
    "MailState",
    "Notification",
    "OnCallShift",
    "Person",
    "ServiceCommitment",
    "ServiceLevel",
    "Team",
    "WorkingPeriod",
]
