from .calendar import CalendarDay, CalendarYear, WorkingPeriod
from .catalogue import Category, Team
from .notification import MailState, Notification
from .organisation import Building, Department, Location, Person, ServiceLevel

__all__ = [
    "Building",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "Department",
    "Location",
    "MailState",
    "Notification",
    "Person",
    "ServiceLevel",
    "Team",
    "WorkingPeriod",
]
