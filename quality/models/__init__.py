from .review import ImprovementAction, ReviewItem, WeeklyReview
from .survey import Answer, Invitation, Question, Survey, SurveyResponse, SurveyRound

__all__ = [
    "Answer",
    "ImprovementAction",
    "Invitation",
    "Question",
    "ReviewItem",
    "Survey",
    "SurveyResponse",
    "SurveyRound",
    "WeeklyReview",
]
