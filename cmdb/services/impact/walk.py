"""The walk: every item that depends on the failed ones, with its depth and the edges."""

from itertools import compress, repeat
from typing import NamedTuple

from django.db import connection

from ...choices import IMPACT_FLOWS_TO_SOURCE, IMPACT_FLOWS_TO_TARGET
from ...models import CIRelationship
from ._common import _CHUNK, _FAILED, _REACHED, _many_objects

# Past this many frontier items, the walk considers loading the whole edge list …
_BULK_FRONTIER = 1000
# … and does so once it has reached 1/_BULK_SHARE of the relationship count: from then
# on, one sequential read of every edge is cheaper than index look-ups per item (one
# look-up costs about as much as reading and passing over some 60 edges).
_BULK_SHARE = 64


class ImpactEdge(NamedTuple):
    """The failure of `from_id` reaches `to_id` through a relationship of `type`."""

    from_id: int
    to_id: int
    type: str


# --- The walk ----------------------------------------------------------------------------


def impacted_ids(*, ci_id: int, max_depth: int | None = None) -> tuple[dict, list]:
    """{item id: depth} of everything that depends on `ci_id`, and the edges followed.

    See impacted_ids_from, of which this is the one-start case.
    """
    return impacted_ids_from(ci_ids=[ci_id], max_depth=max_depth)


@_many_objects()
def impacted_ids_from(*, ci_ids, max_depth: int | None = None) -> tuple[dict, list]:
    """{item id: depth} of everything that depends on any of `ci_ids`, and the edges followed.

    One walk from all the starts together (depth 0), so the queries do not grow with
    their number: an item reached from two starts is listed once, at its smallest
    depth, and the starts themselves are never listed (not even when one depends on
    another), as a single start is not.

    Breadth first: the relationships whose far end is on the frontier, in the direction
    failure travels for their type (cmdb.choices.IMPACT_FLOWS_TO_SOURCE / _TO_TARGET).
    Items already reached are never expanded again, so cycles end. An edge is listed
    when it leads from one level to the next (several parents at the same distance
    each give an edge). One query per level while the reach is small; one read of the
    whole edge list (plus a count) once it is large, after which each level is a few
    passes of C-level iterators over the edges still useful (those leading to an item
    not reached yet), so no Python code runs per edge.
    """
    starts = list(dict.fromkeys(ci_ids))
    depth = dict.fromkeys(starts, 0)
    edges: list = []
    frontier: list | set = starts
    level = 0
    rows = unreached = None  # every failure edge still useful, once loaded
    relationship_count = None
    while frontier and (max_depth is None or level < max_depth):
        level += 1
        if rows is None and len(frontier) >= _BULK_FRONTIER:
            if relationship_count is None:
                relationship_count = CIRelationship.objects.count()
            if len(depth) * _BULK_SHARE >= relationship_count:
                rows = _failure_edges()
                unreached = set(map(_REACHED, rows)).difference(depth)
        if rows is not None:
            on_frontier = frontier if isinstance(frontier, set) else set(frontier)
            steps = list(compress(rows, map(on_frontier.__contains__, map(_FAILED, rows))))
            new = unreached.intersection(map(_REACHED, steps))
        else:
            steps = list(_failure_steps(list(frontier)))
            new = set(map(_REACHED, steps)).difference(depth)
        edges.extend(compress(steps, map(new.__contains__, map(_REACHED, steps))))
        depth.update(dict.fromkeys(new, level))
        frontier = new
        if rows is not None:
            unreached -= new
            # Edges into reached items are of no further use; dropping them pays off
            # when a good share of the rest was reached at this level.
            if len(new) * 8 >= len(unreached):
                rows = list(compress(rows, map(unreached.__contains__, map(_REACHED, rows))))
    for start in starts:
        del depth[start]
    # tuple.__new__ straight from C: ImpactEdge._make costs a Python call per edge.
    return depth, list(map(tuple.__new__, repeat(ImpactEdge, len(edges)), edges))


def _table() -> str:
    return connection.ops.quote_name(CIRelationship._meta.db_table)


def _type_lists() -> tuple[list[str], list[str]]:
    return (
        sorted(str(t) for t in IMPACT_FLOWS_TO_SOURCE),
        sorted(str(t) for t in IMPACT_FLOWS_TO_TARGET),
    )


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _failure_steps(frontier: list[int]):
    """(failed id, reached id, type) for every relationship leaving the frontier items.

    Each half of the query uses its own index: (target_id, type) and the unique
    (source_id, target_id, type). PostgreSQL takes the frontier as one array parameter;
    SQLite gets `IN` lists of 2,000.
    """
    to_source, to_target = _type_lists()
    table = _table()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT target_id, source_id, type FROM {table} "  # noqa: S608 (our table)
                "WHERE target_id = ANY(%s) AND type = ANY(%s) "
                f"UNION ALL SELECT source_id, target_id, type FROM {table} "
                "WHERE source_id = ANY(%s) AND type = ANY(%s)",
                [frontier, to_source, frontier, to_target],
            )
            yield from cursor.fetchall()
            return
        for start in range(0, len(frontier), _CHUNK):
            chunk = frontier[start : start + _CHUNK]
            cursor.execute(
                f"SELECT target_id, source_id, type FROM {table} "  # noqa: S608
                f"WHERE target_id IN ({_marks(chunk)}) AND type IN ({_marks(to_source)}) "
                f"UNION ALL SELECT source_id, target_id, type FROM {table} "
                f"WHERE source_id IN ({_marks(chunk)}) AND type IN ({_marks(to_target)})",
                [*chunk, *to_source, *chunk, *to_target],
            )
            yield from cursor.fetchall()


def _failure_edges() -> list[tuple]:
    """(failed id, reached id, type) for every relationship, in one query.

    The rows are kept as the cursor returns them (no model instances, no new tuples):
    the walk hands them on as its edges.
    """
    to_source, to_target = _type_lists()
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT target_id, source_id, type FROM {table} "  # noqa: S608
            f"WHERE type IN ({_marks(to_source)}) "
            f"UNION ALL SELECT source_id, target_id, type FROM {table} "
            f"WHERE type IN ({_marks(to_target)})",
            [*to_source, *to_target],
        )
        return cursor.fetchall()
