from .calendar import CalendarDay, CalendarYear, WorkingPeriod
from .catalogue import Category, Team
from .commitment import QUARTER_KEYS, CommitmentKey, CommitmentOp, QuarterTargets, ServiceCommitment
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
    "QUARTER_KEYS",
    "QuarterTargets",
    "ServiceCommitment",
    "ServiceLevel",
    "Team",
    "WorkingPeriod",
]
