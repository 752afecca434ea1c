"""Keyword search over work orders through their term index (itsm/search.py tokenises)."""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from itsm.search import query_terms, text_terms

from .models import WorkOrder, WorkOrderTerm


def work_order_terms(work_order) -> set[str]:
    """What a work order is found by: its number, title and description."""
    terms = text_terms(f"{work_order.number}\n{work_order.title}\n{work_order.description}")
    terms.add(work_order.number.lower())
    return {term[:32] for term in terms}


def terms_index(work_orders: Iterable[WorkOrder], *, replace: bool = True) -> int:
    """(Re)write the index rows of `work_orders` in one bulk insert."""
    work_orders = list(work_orders)
    if replace:
        WorkOrderTerm.objects.filter(work_order__in=work_orders).delete()
    rows = [
        WorkOrderTerm(work_order_id=work_order.pk, term=term)
        for work_order in work_orders
        for term in work_order_terms(work_order)
    ]
    WorkOrderTerm.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def keyword_filter(queryset: QuerySet, query: str) -> QuerySet:
    """Work orders containing every term of `query` (a number by its parts)."""
    query = (query or "").strip()
    if not query:
        return queryset
    terms = query_terms(query)
    if not terms:
        return queryset.filter(Q(number__icontains=query) | Q(title__icontains=query))
    # A number is indexed as its parts ("d0201", "2026112901"), so it needs no OR here:
    # an OR with a column test keeps PostgreSQL from driving the query from the index.
    for term in terms:
        queryset = queryset.filter(
            pk__in=WorkOrderTerm.objects.filter(term=term).values("work_order_id")
        )
    return queryset
