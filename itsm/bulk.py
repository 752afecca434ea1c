"""Bulk loading for seeding commands (benchmarks, demo history): COPY on PostgreSQL.

`bulk_create` sends rows as INSERT parameters and needs a model instance per row; a
million work orders with their events and search terms are 16 million rows. Here rows
are plain tuples, PostgreSQL takes them by COPY as CSV and SQLite by one prepared
INSERT (executemany), which is what lets `manage.py bench` seed a million work orders in
minutes. Not for request handling: no signals, no audit, no `save()`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection, models

NULL = r"\N"


def _csv_text(field, value) -> str:
    if value is None:
        return NULL
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()  # aware: PostgreSQL reads the offset
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    return str(field.get_db_prep_save(value, connection))


def copy_rows(model, names: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Insert `rows`, each the values of the fields `names` (attnames: `work_order_id`),
    in that order. Columns left out get no Django default: name every NOT NULL one."""
    fields = [model._meta.get_field(name) for name in names]
    for field, name in zip(fields, names, strict=True):
        if field.attname != name:
            raise ValueError(f"name the column, not the relation: {field.attname}")
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows(
            [_csv_text(f, v) for f, v in zip(fields, row, strict=True)] for row in rows
        )
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')",  # noqa: S608
                buffer,
            )
        return
    placeholders = ", ".join(["%s"] * len(fields))
    prepared = [
        [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", prepared)  # noqa: S608


def copy_insert(model, objects: list, *, with_pk: bool = False) -> None:
    """Insert unsaved instances (every value set, defaults included by their __init__).

    `with_pk`: the instances carry their primary keys (the caller numbered them to link
    other rows); call `pk_sequence_reset(model)` once afterwards.
    """
    if not objects:
        return
    names = [f.attname for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    copy_rows(model, names, ([getattr(obj, name) for name in names] for obj in objects))


def pk_sequence_reset(model) -> None:
    """After rows were inserted with explicit keys: the next `save()` gets a free one."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
