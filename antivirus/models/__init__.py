from .endpoints import Endpoint, EndpointSnapshot
from .events import Outbreak, VirusEvent
from .imports import ConsoleImport, MappingProfile
from .policy import AntivirusPolicy, DailyCheck, DepartmentHead
from .reinstall import ReinstallRequest
from .segments import CoverageSnapshot, NetworkSegment, ScanHost, SegmentScan
from .weekly import WeeklyEvaluation

__all__ = [
    "AntivirusPolicy",
    "ConsoleImport",
    "CoverageSnapshot",
    "DailyCheck",
    "DepartmentHead",
    "Endpoint",
    "EndpointSnapshot",
    "MappingProfile",
    "NetworkSegment",
    "Outbreak",
    "ReinstallRequest",
    "ScanHost",
    "SegmentScan",
    "VirusEvent",
    "WeeklyEvaluation",
]
