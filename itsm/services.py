"""Writes shared by every process: form numbers, transition records, versioned transitions."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from . import numbering
from .cache import cached_table
from .models import FormCode, NumberSequence, TransitionLog


def form_code_get(*, key: str, default: str) -> str:
    """The admin-configured code for a kind of form, or `default` until one is configured."""
    codes = cached_table(
        FormCode.CACHE_KEY, lambda: dict(FormCode.objects.values_list("key", "code"))
    )
    return codes.get(key) or default


def sequence_next(*, scope: str) -> int:
    """Next value in `scope`, unique even under concurrent callers.

    One INSERT … ON CONFLICT DO UPDATE … RETURNING statement (PostgreSQL, SQLite ≥ 3.35):
    the database serialises the increment on the row, so fifty parallel creations get
    fifty distinct values with no read-modify-write race. Inside an outer transaction
    the row stays locked until commit, which orders creations of the same form and day.
    """
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} (scope, last_value) VALUES (%s, 1) "  # noqa: S608 (table name is ours)
        f"ON CONFLICT (scope) DO UPDATE SET last_value = {table}.last_value + 1 "
        "RETURNING last_value"
    )
    # One statement: inside the caller's transaction a savepoint would only add two round
    # trips (a failure here fails the caller's transaction anyway).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute(sql, [scope])
        return cursor.fetchone()[0]


def number_allocate(*, code: str, day: date | None = None) -> str:
    """A new daily form number such as `D0201-2026093001` (local date of today by default)."""
    day = day or timezone.localdate()
    sequence = sequence_next(scope=numbering.daily_scope(code, day))
    return numbering.format_number(code, day, sequence)


def numbers_reserve(*, code: str, per_day: dict[date, int]) -> dict[date, list[str]]:
    """Reserve `per_day[day]` consecutive daily numbers per day in a handful of queries.

    The NumberSequence rows end at the last number handed out, so later allocations by
    itsm.services.number_allocate carry on after them and never collide.
    """
    scopes = {numbering.daily_scope(code, day): day for day in per_day}
    with transaction.atomic():
        existing = {
            row.scope: row
            for row in NumberSequence.objects.select_for_update().filter(scope__in=list(scopes))
        }
        numbers, new_rows, changed = {}, [], []
        for scope, day in scopes.items():
            row = existing.get(scope)
            first = (row.last_value if row else 0) + 1
            last = first + per_day[day] - 1
            numbers[day] = [numbering.format_number(code, day, n) for n in range(first, last + 1)]
            if row is None:
                new_rows.append(NumberSequence(scope=scope, last_value=last))
            else:
                row.last_value = last
                changed.append(row)
        NumberSequence.objects.bulk_create(new_rows, batch_size=500)
        NumberSequence.objects.bulk_update(changed, ["last_value"], batch_size=500)
    return numbers


def linked_number_allocate(*, code: str, parent_number: str) -> str:
    """A number for a record that tracks another: `D0302-D0201-2026093001` (then `-02`…)."""
    sequence = sequence_next(scope=numbering.linked_scope(code, parent_number))
    return numbering.format_linked_number(code, parent_number, sequence)


def transition_record(*, subject, transition: str, source: str, target: str, actor=None, note=""):
    """Write the transition log row; call it inside the service's atomic block."""
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=str(subject.pk),
        transition=transition,
        source=str(source),
        target=str(target),
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        note=note,
    )
