"""Every read of the knowledge base that depends on who is asking.

Visibility: end users (and anyone without a staff role) see published public records;
IT staff see published records of both audiences in search, and every record (drafts,
reviewed, retired) on the staff list and detail pages.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import translation

from itsm import search

from . import permissions, ranking
from .choices import Audience, Status
from .models import KnowledgeFeedback, KnowledgeRecord, KnowledgeTerm, Visibility

LIST_RELATED = ("fault_type__parent__parent", "author__person", "previous_version", "merged_into")
SEARCH_LIMIT = 50
SUGGEST_LIMIT = 5


def _readable_q(user, prefix: str = "") -> Q:
    """Published records the user may read (both audiences for staff)."""
    q = Q(**{f"{prefix}status": Status.PUBLISHED})
    if not permissions.is_staff(user):
        q &= Q(**{f"{prefix}audience": Audience.PUBLIC})
    return q


def _findable_q(user) -> Q:
    """The same rule as _readable_q, on the index terms' copy of it (no join)."""
    if permissions.is_staff(user):
        return Q(visibility__gte=Visibility.STAFF)
    return Q(visibility=Visibility.EVERYONE)


def _visible_q(user, prefix: str = "") -> Q:
    return Q() if permissions.is_staff(user) else _readable_q(user, prefix)


def record_visible(*, user) -> QuerySet[KnowledgeRecord]:
    """Every record `user` may open: staff all of them, others published public ones
    (knowledge.permissions.record_filter, the same rule as permits())."""
    return KnowledgeRecord.objects.restrict(user, "view")


def record_get(*, user, number: str) -> KnowledgeRecord:
    """One record (by number, or by id) with what its page shows; 404 when not visible."""
    lookup = Q(number=number)
    if number.isdecimal():
        lookup |= Q(pk=int(number))
    record = (
        record_visible(user=user)
        .select_related(
            *LIST_RELATED,
            "reviewed_by__person",
            "previous_version",
            "merged_into",
        )
        .filter(lookup)
        .first()
    )
    if record is None:
        raise Http404
    return record


def record_successor(*, user, number: str) -> KnowledgeRecord | None:
    """For a record `user` may not open (retired): the record that replaced it, if readable.

    A merged duplicate leads to its survivor; an old version to the newest published one.
    """
    record = KnowledgeRecord.objects.filter(number=number).only("pk", "merged_into_id").first()
    if record is None:
        return None
    readable = KnowledgeRecord.objects.filter(_readable_q(user))
    if record.merged_into_id:
        return readable.filter(pk=record.merged_into_id).first()
    return readable.filter(previous_version_id=record.pk).order_by("-version").first()


def record_list(*, user, status: str | None = None, query: str = "") -> QuerySet[KnowledgeRecord]:
    """The staff list: every status or one, newest change first, or ranked when searching."""
    records = record_visible(user=user).select_related(*LIST_RELATED)
    where = _visible_q(user, "record__")
    if status:
        records = records.filter(status=status)
        where &= Q(record__status=status)
    if query:
        parsed = ranking.parse(query)
        ranked = _ranked_ids(parsed, where=where, limit=_pool(SEARCH_LIMIT))
        return _in_rank_order(records, ranked, parsed, SEARCH_LIMIT)
    return records.order_by(language_first(), "-updated_at", "-pk")


def status_counts(*, user) -> dict[str, int]:
    """Records per status for the list's tabs, in one query."""
    counts = record_visible(user=user).aggregate(
        all=Count("pk"), **{s: Count("pk", filter=Q(status=s)) for s in Status.values}
    )
    return counts


# --- search ------------------------------------------------------------------------


@dataclass
class SearchHit:
    record: KnowledgeRecord
    score: int
    matched: int


def _ranked_ids(query, *, where: Q, limit: int) -> list[tuple[int, int, int]]:
    """[(record id, rank, matched terms)] best first: one GROUP BY query on the term index.

    `query` is a string or a parsed ranking.Query. Records holding more than half of the
    query's terms qualify, ranked by their matched terms' weights plus a share for each
    matched term (knowledge.ranking). The SQL returns a few more than `limit`, so the
    phrase bonus (applied by the caller) can reorder them.
    """
    if isinstance(query, str):
        query = ranking.parse(query)
    if not query.terms:
        return []
    return _term_rows(query.terms, where=where, limit=limit, needed=query.needed)


def _term_rows(
    terms: list[str], *, where: Q, limit: int, needed: int = 1
) -> list[tuple[int, int, int]]:
    """`where` filters the term rows: on their `visibility`, or through the join (`record__…`).

    Integer rank and a tie-break on the id: the same order on SQLite and PostgreSQL.
    """
    return list(
        KnowledgeTerm.objects.filter(where, term__in=terms)
        .values("record_id")
        .annotate(matched=Count("pk"), rank=Sum("weight") + Count("pk") * ranking.COVERAGE)
        .filter(matched__gte=needed)
        .order_by("-rank", "-matched", "-record_id")
        .values_list("record_id", "rank", "matched")[:limit]
    )


def _pool(limit: int) -> int:
    """Candidates read for the phrase bonus: the page and fifteen more."""
    return limit + 15


def _in_rank_order(records: QuerySet, ranked, query=None, limit=None) -> list[KnowledgeRecord]:
    """The ranked records, with `score` (rank plus phrase bonus) and `matched`, best first."""
    by_pk = records.in_bulk([pk for pk, _score, _matched in ranked])
    hits = []
    for pk, score, matched in ranked:
        record = by_pk.get(pk)
        if record is not None:
            if query is not None:
                score += ranking.phrase_bonus(
                    query, {"title": record.title, "symptom": record.symptom}
                )
            record.score, record.matched = score, matched
            hits.append(record)
    if query is not None:
        hits.sort(key=lambda r: (-r.score, -r.matched, -r.pk))
    return hits[:limit] if limit is not None else hits


def record_search(
    *, user, query: str, limit: int = SEARCH_LIMIT, related=LIST_RELATED
) -> list[KnowledgeRecord]:
    """Published records `user` may read, ranked for `query` (Chinese or English).

    A record qualifies by holding more than half of the query's terms, so "打印机卡纸"
    finds the records that say 打印机 … 卡纸 apart, or 卡纸 under the fault type 打印机
    (knowledge.ranking). Two queries whatever the number of rows: the ranking over the
    term index, then the candidates with their categories. Each record carries `score`
    and `matched`.
    """
    parsed = ranking.parse(query)
    ranked = _ranked_ids(parsed, where=_findable_q(user), limit=_pool(limit))
    if not ranked:
        return []
    readable = KnowledgeRecord.objects.filter(_readable_q(user))
    return _in_rank_order(readable.select_related(*related), ranked, parsed, limit)


def record_suggest(*, user, query: str) -> list[KnowledgeRecord]:
    """The top few published records for what a user is typing into a fault form (title,
    symptom and fault type shown). The fault types come from the cached category table:
    joining them cost PostgreSQL more to plan than the rest of the suggestion."""
    from servicedesk.models import Category

    records = record_search(user=user, query=query, limit=SUGGEST_LIMIT, related=())
    categories = {category.pk: category for category in Category.active()}
    for record in records:
        if record.fault_type_id in categories:
            record.fault_type = categories[record.fault_type_id]
    return records


def record_popular(*, user, limit: int = 10) -> list[KnowledgeRecord]:
    """What the search page shows before anything is typed: the most helpful records."""
    return list(
        KnowledgeRecord.objects.filter(_readable_q(user))
        .select_related(*LIST_RELATED)
        .order_by(language_first(), "-helpful_count", "-view_count", "-pk")[:limit]
    )


# A title with a Chinese character is a Chinese record; the base holds both languages.
CJK = "[\u4e00-\u9fff]"


def language_first():
    """An ordering that puts records in the reader's language (the active one) first:
    a Chinese page opens on Chinese records, an English page on English ones."""
    chinese = (translation.get_language() or "").startswith("zh")
    return Case(
        When(title__regex=CJK, then=Value(0 if chinese else 1)),
        default=Value(1 if chinese else 0),
        output_field=IntegerField(),
    ).asc()


def record_similar(*, record, user, limit: int = 5) -> list[KnowledgeRecord]:
    """Records like this one (the same search over its title), for finding duplicates.

    Retired records are left out: they are merged or replaced already.
    """
    candidates = record_visible(user=user).exclude(pk=record.pk).exclude(status=Status.RETIRED)
    terms = search.query_terms(record.title)
    if not terms:
        return []
    where = (
        _visible_q(user, "record__") & ~Q(record__status=Status.RETIRED) & ~Q(record__pk=record.pk)
    )
    # Similar means most of the title's terms are shared, not one common bigram.
    needed = max(1, (len(terms) + 1) // 2)
    rows = _term_rows(terms, where=where, limit=limit, needed=needed)
    return _in_rank_order(candidates.select_related(*LIST_RELATED), rows)


def record_versions(*, record) -> list[KnowledgeRecord]:
    """The other versions of a record: older ones it replaced and newer ones replacing it."""
    versions = []
    older = record.previous_version
    seen = {record.pk}
    while older is not None and older.pk not in seen and len(seen) < 50:
        versions.append(older)
        seen.add(older.pk)
        older = older.previous_version
    newer = list(KnowledgeRecord.objects.filter(previous_version=record).order_by("version"))
    return sorted(newer + versions, key=lambda r: -r.version)


def user_feedback(*, user, record) -> KnowledgeFeedback | None:
    if not user.is_authenticated:
        return None
    return KnowledgeFeedback.objects.filter(user=user, record=record).first()


# --- the desk's deflection rate -------------------------------------------------------


def deflected_count(start, end) -> int:
    """Faults answered by the knowledge base in [start, end): "this helped" answers given
    from the fault form's suggestion box (`from_report`), before the user submitted."""
    return KnowledgeFeedback.objects.filter(
        from_report=True, helpful=True, created_at__gte=start, created_at__lt=end
    ).count()


def deflection_rate(*, deflected: int, filed: int) -> float | None:
    """Share of web fault reports answered by the knowledge base: deflected / (deflected + filed).

    `filed` (work orders filed on the web) comes from incidents, which sits above
    knowledge: the caller (a report) counts it. None when nothing happened in the period.
    """
    total = deflected + filed
    return deflected / total if total else None


# --- from a work order --------------------------------------------------------------


def records_from_work_order(*, number: str) -> list[KnowledgeRecord]:
    """Records already drafted from a work order (so nobody writes the same one twice)."""
    return list(
        KnowledgeRecord.objects.filter(source_work_order_number=number).exclude(
            status=Status.RETIRED
        )
    )


def published_record_id(*, reference: str) -> int | None:
    """The id of the published record `reference` names (its number in any case, or its
    id), or None. For the processes that note which record helped (a work order's
    resolution), so they need not read this app's tables."""
    reference = reference.strip()
    if not reference:
        return None
    lookup = Q(number__iexact=reference)
    if reference.isdecimal():
        lookup |= Q(pk=int(reference))
    return (
        KnowledgeRecord.objects.filter(lookup, status=Status.PUBLISHED)
        .values_list("pk", flat=True)
        .first()
    )


def records_added(*, start, end) -> QuerySet[KnowledgeRecord]:
    """Knowledge records written in [start, end): new records, not new versions of one
    (a new version points at its predecessor) — what the monthly summary counts as added."""
    return (
        KnowledgeRecord.objects.filter(
            created_at__gte=start, created_at__lt=end, previous_version__isnull=True
        )
        .select_related("fault_type__parent__parent")
        .order_by("created_at", "pk")
    )
