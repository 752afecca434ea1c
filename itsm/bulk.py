"""Bulk loading for seeding commands (benchmarks, demo history): COPY on PostgreSQL.

`bulk_create` sends rows as INSERT parameters, about 15,000 wide rows a second here;
PostgreSQL's COPY takes the same rows as CSV several times faster, which is what lets
`manage.py bench` seed a million work orders in minutes. Not for request handling: no
signals, no audit, no `save()`.
"""

from __future__ import annotations

import csv
import io
import json

from django.db import connection, models

NULL = r"\N"


def _text(field, value) -> str:
    if value is None:
        return NULL
    if isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(field.get_db_prep_save(value, connection))


def copy_insert(model, objects: list, *, with_pk: bool = False) -> None:
    """Insert `objects` (unsaved instances with every value set, defaults included).

    `with_pk`: the instances carry their primary keys (the caller numbered them to link
    other rows); call `pk_sequence_reset(model)` once afterwards. Without it the database
    numbers the rows and the instances learn nothing. Other databases: `bulk_create`.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=1000)
        return
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for obj in objects:
        writer.writerow([_text(f, getattr(obj, f.attname)) for f in fields])
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '{NULL}')",  # noqa: S608
            buffer,
        )


def pk_sequence_reset(model) -> None:
    """After rows were inserted with explicit keys: the next `save()` gets a free one."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), [model])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
