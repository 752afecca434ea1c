from .applications import (
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
)
from .catalogue import ControlledDocument, DocumentVersion, StoredFile
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
    "StoredFile",
]
