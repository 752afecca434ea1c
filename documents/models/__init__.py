from .applications import (
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
)
from .catalogue import ControlledDocument, DocumentVersion, StoredFile
from .handins import HandInDuty, TechnicalHandIn
from .library import LibraryEntry
from .upkeep import DocumentBackup, DocumentValidityCheck

__all__ = [
    "ControlledDocument",
    "DocumentBackup",
    "DocumentBorrowApplication",
    "DocumentChangeApplication",
    "DocumentDecision",
    "DocumentScrapApplication",
    "DocumentValidityCheck",
    "DocumentVersion",
    "HandInDuty",
    "LibraryEntry",
    "TechnicalHandIn",
    "StoredFile",
]
