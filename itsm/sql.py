"""Fixed subqueries of the hot reads, written once from the models' metadata.

The ORM compiles a `Subquery`/`Exists` afresh on every evaluation: building and compiling
the signed-in user's group names cost 0.6 ms of every request, and the work-order page's
five "has any" flags about 1 ms, against well under 0.1 ms to run either. The same SQL,
spelled from `_meta` (table and column names, quoted by the connection) and wrapped in
`RawSQL`, costs nothing to compile and follows a renamed table or column.

Each expression refers to its outer row by the outer model's table name, which is the
alias Django gives the base table of a top-level query: use them only there. Inside an
Exists, a Subquery or `pk__in=`, Django renames the inner table (U0) and the expression
would silently refer to the outer query's row instead.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, IntegerField, TextField
from django.db.models.expressions import RawSQL


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _reverse(model, relation_name: str):
    """The related table and the condition tying its rows to the outer row of `model`."""
    relation = model._meta.get_field(relation_name)
    if not (relation.one_to_many or relation.one_to_one) or relation.concrete:
        raise ValueError(f"{relation_name}: not a reverse ForeignKey or OneToOneField")
    field = relation.field
    condition = f"r.{_q(field.column)} = {_q(model._meta.db_table)}.{_q(field.target_field.column)}"
    return _q(relation.related_model._meta.db_table), condition, relation.related_model._meta


def reverse_exists(model, relation_name: str) -> RawSQL:
    """Whether the row of `model` has any row over its reverse relation `relation_name`
    (a ForeignKey or OneToOneField pointing at `model`), as a boolean column."""
    table, condition, _ = _reverse(model, relation_name)
    sql = f"EXISTS (SELECT 1 FROM {table} r WHERE {condition})"  # noqa: S608 (names from _meta)
    return RawSQL(sql, (), output_field=BooleanField())  # noqa: S611 (no user input)


def reverse_count(model, relation_name: str, *, unset: str = "", cap: int = 0) -> RawSQL:
    """How many rows point at the row of `model` over its reverse relation `relation_name`;
    with `unset`, only those whose field of that name is NULL; with `cap`, counted up to
    that many (the cost stays flat however many there are)."""
    table, condition, related = _reverse(model, relation_name)
    if unset:
        condition += f" AND r.{_q(related.get_field(unset).column)} IS NULL"
    rows = f"SELECT 1 FROM {table} r WHERE {condition}"  # noqa: S608 (names from _meta)
    if cap:
        rows += f" LIMIT {int(cap)}"
    sql = f"(SELECT COUNT(*) FROM ({rows}) c)"  # noqa: S608 (names from _meta)
    return RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 (no user input)


def names_array(user_model) -> RawSQL:
    """The names of the user's groups as one JSON array (NULL without any): JSON_AGG on
    PostgreSQL, JSON_GROUP_ARRAY on SQLite; no separator a name could hold."""
    membership = user_model.groups.through._meta
    group = user_model.groups.field.related_model._meta
    user = user_model._meta
    aggregate = "JSON_AGG" if connection.vendor == "postgresql" else "JSON_GROUP_ARRAY"
    user_column = membership.get_field(user_model._meta.model_name).column
    group_column = membership.get_field(group.model_name).column
    sql = (
        f"SELECT {aggregate}(g.{_q(group.get_field('name').column)}) "  # noqa: S608 (_meta)
        f"FROM {_q(membership.db_table)} m JOIN {_q(group.db_table)} g "
        f"ON g.{_q(group.pk.column)} = m.{_q(group_column)} "
        f"WHERE m.{_q(user_column)} = {_q(user.db_table)}.{_q(user.pk.column)}"
    )
    return RawSQL(f"({sql})", (), output_field=TextField())  # noqa: S611 (no user input)
