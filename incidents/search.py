"""Keyword search over work orders through their term index (itsm/search.py tokenises)."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from itsm.search import query_terms, text_terms

from .models import WorkOrder, WorkOrderTerm

# What a work order is found by, besides its own text: the desk searches by who called,
# from which department and about which device as often as by the words of the fault.
TERM_FIELDS = (
    "pk",
    "number",
    "title",
    "description",
    "requester__username",
    "requester__person__name",
    "department__name",
    "device__asset_tag",
)
INDEX_CHUNK = 2000  # orders read per query while indexing (SQLite's parameter limit)


def row_terms(row: dict) -> set[str]:
    """The index terms of one work order read as TERM_FIELDS values."""
    texts = [
        row["number"],
        row["title"],
        row["description"],
        row["requester__person__name"] or row["requester__username"],
        row["department__name"],
        row["device__asset_tag"],
    ]
    terms = text_terms("\n".join(text for text in texts if text))
    terms.add(row["number"].lower())
    if row["device__asset_tag"]:
        terms.add(row["device__asset_tag"].lower())  # "PC-0301" whole as well as by parts
    return {term[:32] for term in terms}


def instance_row(work_order) -> dict:
    """TERM_FIELDS of a work order from its loaded relations, as `.values(*TERM_FIELDS)`
    reads them (a related row not loaded yet is read by its accessor)."""
    requester = work_order.requester if work_order.requester_id else None
    person = getattr(requester, "person", None) if requester is not None else None
    return {
        "pk": work_order.pk,
        "number": work_order.number,
        "title": work_order.title,
        "description": work_order.description,
        "requester__username": requester.username if requester is not None else None,
        "requester__person__name": person.name if person is not None else None,
        "department__name": work_order.department.name if work_order.department_id else None,
        "device__asset_tag": work_order.device.asset_tag if work_order.device_id else None,
    }


def terms_index_new(work_order) -> int:
    """Index a work order just created, from the objects in hand: filing skips the read
    that `terms_index` makes to join the requester, department and device."""
    rows = [
        WorkOrderTerm(work_order_id=work_order.pk, term=term)
        for term in row_terms(instance_row(work_order))
    ]
    WorkOrderTerm.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def work_order_terms(work_order) -> set[str]:
    """What a work order is found by: number, title, description, the requester's name,
    the department and the device's asset tag."""
    (row,) = WorkOrder.objects.filter(pk=work_order.pk).values(*TERM_FIELDS)
    return row_terms(row)


def terms_index(work_orders: Iterable[WorkOrder], *, replace: bool = True) -> int:
    """(Re)write the index rows of `work_orders`: one read and one bulk insert a chunk,
    whatever their related rows (requester, department, device) cost to load."""
    pks = [work_order.pk for work_order in work_orders]
    written = 0
    for start in range(0, len(pks), INDEX_CHUNK):
        chunk = pks[start : start + INDEX_CHUNK]
        if replace:
            WorkOrderTerm.objects.filter(work_order_id__in=chunk).delete()
        rows = [
            WorkOrderTerm(work_order_id=row["pk"], term=term)
            for row in WorkOrder.objects.filter(pk__in=chunk).values(*TERM_FIELDS)
            for term in row_terms(row)
        ]
        WorkOrderTerm.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        written += len(rows)
    return written


def keyword_filter(queryset: QuerySet, query: str) -> QuerySet:
    """Work orders containing every term of `query` (a number by its parts)."""
    query = (query or "").strip()
    if not query:
        return queryset
    terms = list(dict.fromkeys(query_terms(query)))
    if not terms:
        return queryset.filter(Q(number__icontains=query) | Q(title__icontains=query))
    # A number is indexed as its parts ("d0201", "2026112901"), so it needs no OR here:
    # an OR with a column test keeps PostgreSQL from driving the query from the index.
    if connection.vendor != "sqlite":
        if len(terms) > 1:
            few = _few_with_all(terms)
            if few is not None:
                return queryset.filter(pk__in=few)
        # One word, or words many orders share: PostgreSQL weighs the plans from its
        # statistics, and walks the queue's index probing the terms.
        for term in terms:
            queryset = queryset.filter(pk__in=_with_all([term]))
        return queryset
    if _common(terms):
        for term in terms:
            queryset = queryset.filter(
                Exists(WorkOrderTerm.objects.filter(term=term, work_order_id=OuterRef("pk")))
            )
        return queryset
    return queryset.filter(pk__in=_with_all(terms))


# SQLite has two ways to find a page of matches and no statistics to choose between
# them. `pk IN (orders with every term)` reads each match and sorts them: quick when few
# orders match, slow when many do (打印 is in 10,000 of 100,000 orders: 20-60 ms).
# Walking the page's own index (the queue's due-time order) and probing the term index
# row by row fills a page after a few hundred rows when many orders match (2 ms), but
# reads the whole queue when none do (打印 显示: 150 ms). So the choice is made here, from
# a count of the orders having every term that stops at COMMON_TERM_ROWS (1-15 ms).
# PostgreSQL makes that choice itself, from its statistics.
COMMON_TERM_ROWS = 2000


def _with_all(terms: list[str]) -> QuerySet:
    """Ids of the work orders indexed under every one of `terms`."""
    rows = WorkOrderTerm.objects.filter(term__in=terms).values("work_order_id")
    if len(terms) == 1:
        return rows
    return rows.annotate(found=Count("term")).filter(found=len(terms)).values("work_order_id")


def _common(terms: list[str]) -> bool:
    return _with_all(terms)[:COMMON_TERM_ROWS].count() >= COMMON_TERM_ROWS


# PostgreSQL has statistics for each term but not for terms together: it multiplies
# their shares, so for two words each in 5-15% of the orders (打印 显示) it expects a
# match every hundred rows of the queue, walks the queue's index for a page, and reads
# all 100,000 open orders when the words never meet (250-400 ms). So for several words
# the orders having them all are read first, up to FEW_MATCHES of them: each term's
# postings are in order id order in the (term, work_order) index, so this is a merge of
# a few thousand index entries (2-10 ms) that stops once FEW_MATCHES are found. Fewer
# than that, and the page is those orders, sorted; more, and they are dense enough in
# the queue that walking its index fills a page soon. Over 160 pairs of common words at
# 100k open orders: median 11 -> 5 ms, slowest 414 -> 49 ms (2,000: slowest 92 ms, the
# walk then going parallel for a page; 10,000: reading the ids costs more).
FEW_MATCHES = 5000


def _few_with_all(terms: list[str]) -> list[int] | None:
    """Ids of the orders having every one of `terms`, or None when that is many."""
    rows = WorkOrderTerm.objects.filter(term=terms[0])
    for term in terms[1:]:
        rows = rows.filter(
            Exists(WorkOrderTerm.objects.filter(term=term, work_order_id=OuterRef("work_order_id")))
        )
    ids = list(rows.values_list("work_order_id", flat=True)[:FEW_MATCHES])
    return ids if len(ids) < FEW_MATCHES else None
