"""Reads for the audit timeline on detail pages.

Field changes come from django-auditlog (every registered model: create, update,
delete with old → new values and the acting user); state transitions from
TransitionLog. Both are read with a fixed number of queries however long the history.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

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


def _action_title(action) -> str:
    # auditlog ships no Chinese catalogue, so its own labels ("create", "update") would
    # show in English on every Chinese page.
    titles = {
        LogEntry.Action.CREATE: _("Created"),
        LogEntry.Action.UPDATE: _("Fields changed"),
        LogEntry.Action.DELETE: _("Deleted"),
        LogEntry.Action.ACCESS: _("Viewed"),
    }
    return titles.get(action, titles[LogEntry.Action.UPDATE])


def audit_timeline(*, subject, limit: int = 200) -> list[TimelineEntry]:
    """Field changes and transitions of `subject`, newest first, in a fixed number of queries.

    auditlog's own `changes_display_dict` looks up every foreign-key value one query at a
    time; here the referenced rows are fetched in one query per related model.
    """
    model = type(subject)
    content_type = ContentType.objects.get_for_model(subject)
    log_entries = list(
        LogEntry.objects.filter(content_type=content_type, object_pk=str(subject.pk))
        .select_related("actor__person")
        .order_by("-timestamp")[:limit]
    )
    labels = _related_labels(model, log_entries)
    entries = [
        TimelineEntry(
            at=entry.timestamp,
            kind=_ACTION_KIND.get(entry.action, "update"),
            actor=entry.actor,
            title=_action_title(entry.action),
            # Why the change was made (e.g. the work order or change number), when recorded.
            note=str((entry.additional_data or {}).get("reason", "")),
            changes=_changes(model, entry.changes_dict or {}, labels),
        )
        for entry in log_entries
    ]
    transitions = list(
        TransitionLog.objects.filter(content_type=content_type, object_id=str(subject.pk))
        .select_related("actor__person")
        .order_by("-at")[:limit]
    )
    created = [entry for entry in entries if entry.kind == "create"]
    moves = []
    for row in transitions:
        creation = next((e for e in created if abs(row.at - e.at) <= SAME_EVENT), None)
        if not row.source and creation is not None:
            # The first state is part of "Created" (its rows show it), and so is who did it.
            creation.actor = creation.actor or row.actor
            continue
        if row.source == row.target:
            # A step that keeps the state (one signature of several): what happened is
            # its note, not a "待审批 → 待审批".
            title, changes = (
                str(_("Approval recorded") if row.transition == "approval" else _("Step recorded")),
                [],
            )
        else:
            title = str(_("Status change"))
            changes = [
                (
                    _field_label(model, "status"),
                    _value_label(model, "status", row.source, {}),
                    _value_label(model, "status", row.target, {}),
                )
            ]
        moves.append(
            TimelineEntry(
                at=row.at,
                kind="transition",
                actor=row.actor,
                title=title,
                changes=changes,
                note=row.note,
            )
        )
    entries = _fold_into_transitions(model, entries, moves) + moves
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


# A transition saves the record (auditlog: "fields changed", status included) and writes
# its TransitionLog row within the same moment: one event, shown once.
SAME_EVENT = timedelta(seconds=2)


def _fold_into_transitions(model, entries, moves) -> list[TimelineEntry]:
    """The field-change entries that are not part of a transition; those that are give
    their other changed fields (stamps such as the decision time) to the transition's
    entry, and their status row (the transition already shows it) is dropped."""
    if not moves:
        return entries
    status_label = _field_label(model, "status")
    kept = []
    for entry in entries:
        if entry.kind != "update":
            kept.append(entry)
            continue
        # The nearest transition in time: several can fall within SAME_EVENT.
        move = min(
            (
                m
                for m in moves
                if abs(m.at - entry.at) <= SAME_EVENT
                # A save outside a request has no actor in auditlog's entry.
                and (entry.actor is None or getattr(m.actor, "pk", None) == entry.actor.pk)
            ),
            key=lambda m: abs(m.at - entry.at),
            default=None,
        )
        if move is None:
            kept.append(entry)
            continue
        move.changes += [row for row in entry.changes if row[0] != status_label]
    return kept


def _changes(model, changes: dict, labels: dict) -> list[tuple[str, str, str]]:
    """Readable (field, old, new) rows; the key and fields that were and stay empty are left out."""
    rows = []
    for name, change in changes.items():
        if name == "id":
            continue
        if isinstance(change, dict):
            # Many-to-many changes are {"type": "m2m", "operation": "add"|"delete"|…,
            # "objects": [labels]}: shown as what was added or removed.
            objects = ", ".join(str(o) for o in change.get("objects") or [])
            operation = change.get("operation", "")
            before, after = ("", f"+ {objects}") if operation == "add" else (f"− {objects}", "")
            if operation not in ("add", "delete"):
                before, after = "", f"{operation} {objects}".strip()
            rows.append((_field_label(model, name), before, after))
            continue
        old, new = change
        before, after = (
            _value_label(model, name, old, labels),
            _value_label(model, name, new, labels),
        )
        if before == after == "—" or (before == "—" and after == ""):
            continue
        rows.append((_field_label(model, name), before, after))
    return rows


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _related_labels(model, log_entries) -> dict:
    """{(related model, pk string): label} for every foreign key value in the entries."""
    wanted: dict = defaultdict(set)
    for entry in log_entries:
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if field is not None and (field.many_to_one or field.one_to_one):
                wanted[field.related_model].update(v for v in values if v not in (None, "None"))
    labels = {}
    user_model = get_user_model()
    for related_model, pks in wanted.items():
        if related_model is user_model:
            # People by their names, as everywhere else on the page, not by login name.
            users = related_model._default_manager.select_related("person").in_bulk(list(pks))
            for pk, user in users.items():
                person = getattr(user, "person", None)
                labels[(related_model, str(pk))] = (person and person.name) or user.get_username()
            continue
        # select_related() follows non-null keys, which is what most __str__ methods read.
        for pk, obj in related_model._default_manager.select_related().in_bulk(list(pks)).items():
            labels[(related_model, str(pk))] = str(obj)
    return labels


def _field_label(model, name) -> str:
    field = _field(model, name)
    if field is not None and field.auto_created and not field.concrete:
        # A reverse relation logged on its parent (a problem's fishbone causes): the
        # related model's plural name, not the relation's attribute name.
        return str(field.related_model._meta.verbose_name_plural)
    return str(getattr(field, "verbose_name", name))


def _value_label(model, name, value, labels) -> str:
    if value is None or value == "None":
        return "—"
    field = _field(model, name)
    if field is None:
        return str(value)
    if field.many_to_one or field.one_to_one:
        return labels.get((field.related_model, str(value)), f"#{value}")
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "DateTimeField":
        # auditlog stores UTC text with microseconds; show local minutes like the pages do.
        parsed = parse_datetime(str(value))
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = parsed.replace(tzinfo=UTC)
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    if value == "":
        return "—"
    return str(value)
