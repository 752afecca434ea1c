from .documents import (
    ControlledDocument,
    DocumentBackup,
    DocumentBorrowApplication,
    DocumentChangeApplication,
    DocumentDecision,
    DocumentScrapApplication,
    DocumentValidityCheck,
    DocumentVersion,
)
from .records import KnowledgeFeedback, KnowledgeRecord, KnowledgeTerm, Visibility

__all__ = [
    "ControlledDocument",
    "DocumentBackup",
    "DocumentBorrowApplication",
    "DocumentChangeApplication",
    "DocumentDecision",
    "DocumentScrapApplication",
    "DocumentValidityCheck",
    "DocumentVersion",
    "KnowledgeFeedback",
    "KnowledgeRecord",
    "KnowledgeTerm",
    "Visibility",
]
