from .calendar import CalendarDay, WorkingPeriod
from .organisation import Building, Department, Location, Person, ServiceLevel

__all__ = [
    "Building",
    "CalendarDay",
    "Department",
    "Location",
    "Person",
    "ServiceLevel",
    "WorkingPeriod",
]
