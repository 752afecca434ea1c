from .records import KnowledgeFeedback, KnowledgeRecord, KnowledgeTerm, Visibility

__all__ = ["KnowledgeFeedback", "KnowledgeRecord", "KnowledgeTerm", "Visibility"]
