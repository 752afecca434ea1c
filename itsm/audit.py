"""Reads for the audit timeline on detail pages.

Field changes come from django-auditlog (every registered model: create, update,
delete with old → new values and the acting user); state transitions from
TransitionLog. Both are read with a fixed number of queries however long the history.
"""

from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from .models import TransitionLog


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "create" | "update" | "delete" | "transition"
    actor: object
    title: str
    changes: list[tuple[str, str, str]]
    note: str = ""


_ACTION_KIND = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
}


def audit_timeline(*, subject, limit: int = 200) -> list[TimelineEntry]:
    """Field changes and transitions of `subject`, newest first."""
    content_type = ContentType.objects.get_for_model(subject)
    entries = []
    log_entries = (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(subject.pk))
        .select_related("actor")
        .order_by("-timestamp")[:limit]
    )
    for entry in log_entries:
        kind = _ACTION_KIND.get(entry.action, "update")
        changes = [
            (field, _display(values[0]), _display(values[1]))
            for field, values in entry.changes_display_dict.items()
        ]
        entries.append(
            TimelineEntry(
                at=entry.timestamp,
                kind=kind,
                actor=entry.actor,
                title=entry.get_action_display(),
                changes=changes,
            )
        )
    transitions = (
        TransitionLog.objects.filter(content_type=content_type, object_id=str(subject.pk))
        .select_related("actor")
        .order_by("-at")[:limit]
    )
    for row in transitions:
        entries.append(
            TimelineEntry(
                at=row.at,
                kind="transition",
                actor=row.actor,
                title=row.transition,
                changes=[("status", row.source, row.target)],
                note=row.note,
            )
        )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def _display(value) -> str:
    if value is None or value == "None":
        return "—"
    return str(value)
