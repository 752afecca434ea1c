from .calendar import CalendarDay, CalendarYear, WorkingPeriod
from .catalogue import Category, Team
from .commitment import CommitmentKey, CommitmentOp, ServiceCommitment
from .notification import MailState, Notification
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
    "Person",
    "ServiceCommitment",
    "ServiceLevel",
    "Team",
    "WorkingPeriod",
]
