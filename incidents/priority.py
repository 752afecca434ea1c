"""Impact × urgency → priority, the ITIL matrix. Pure; no database."""

from .choices import Level3, Priority

_MATRIX = {
    (Level3.HIGH, Level3.HIGH): Priority.P1,
    (Level3.HIGH, Level3.MEDIUM): Priority.P2,
    (Level3.MEDIUM, Level3.HIGH): Priority.P2,
    (Level3.HIGH, Level3.LOW): Priority.P3,
    (Level3.MEDIUM, Level3.MEDIUM): Priority.P3,
    (Level3.LOW, Level3.HIGH): Priority.P3,
    (Level3.MEDIUM, Level3.LOW): Priority.P4,
    (Level3.LOW, Level3.MEDIUM): Priority.P4,
    (Level3.LOW, Level3.LOW): Priority.P4,
}


def priority_for(impact: str, urgency: str) -> Priority:
    return _MATRIX[(Level3(impact), Level3(urgency))]
