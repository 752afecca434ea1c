"""The decisions on one stage of a registration or an application, as the pages, the
services and the approvals inbox read them (pure: built from rows already loaded)."""

from dataclasses import dataclass, field

from . import bodies as approval_bodies
from .choices import DecisionStage


@dataclass
class DecisionStageView:
    """One stage of decisions on an application (or a registration), latest round."""

    kind: str  # "registration", "change", "scrap" or "borrow"
    stage: str
    title: str
    rows: list = field(default_factory=list)
    # The bodies that will decide once the stage opens (shown before its rows exist).
    planned: list = field(default_factory=list)

    @property
    def awaited(self) -> list:
        return [row for row in self.rows if row.is_pending]

    @property
    def planned_label(self) -> str:
        return approval_bodies.bodies_label(self.planned)


def latest_round(rows: list) -> list:
    if not rows:
        return []
    latest = max(row.round for row in rows)
    return [row for row in rows if row.round == latest]


def stage_view(kind: str, stage: str, rows: list, title: str = "") -> DecisionStageView:
    """The latest round of `rows` (one kind and stage); the planned bodies when none."""
    view = DecisionStageView(kind, stage, title, latest_round(rows))
    if not view.rows:
        view.planned = approval_bodies.required_bodies(kind, stage)
    return view


def current_stage(application) -> str:
    """The stage a still-open application is being decided at ('' when none)."""
    if application.status == "submitted":  # ApplicationStatus and BorrowStatus alike
        return DecisionStage.APPROVAL
    if application.status == "confirming":  # a change whose result awaits confirmation
        return DecisionStage.CONFIRMATION
    return ""
