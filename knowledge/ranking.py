"""How a knowledge search query is cut into terms and how its candidates are ranked: pure.

The term index (knowledge.models.KnowledgeTerm, cut by itsm.search) holds character
bigrams for Chinese. A Chinese query has no word boundaries either, so "打印机卡纸"
becomes 打印 印机 机卡 卡纸, and 机卡 straddles two words: a record that says
"打印机经常卡纸", or says 卡纸 under the fault type 打印机, holds every bigram but that
one. Requiring every bigram found one record where five were meant.

So a record qualifies when it holds *more than half* of the query's terms
(`terms_needed`, at most four for a long one). A query made of two-character words has k words in 2k-1 bigrams, just
over half of them inside a word, so a record holding every word qualifies whatever it
puts between them; a record holding only one word of several does not. Two-term queries
("printer jam", 打印机) need both terms.

Qualifying records rank by `base_rank`, computed in SQL from the matched terms: the
terms' field weights (title 3, symptom and fault type 2, the rest 1; a term scores each
field it occurs in once) plus COVERAGE for each matched term, so holding more of the
query beats repeating part of it. `phrase_bonus` then adds, in Python over the few best
candidates, a bonus when the query's words appear together as typed in the title or the
symptom. Integer scores and a tie-break on the record id give SQLite and PostgreSQL the
same order.
"""

import re
from dataclasses import dataclass

from itsm import search

NEEDED_AT_MOST = 4
COVERAGE = 2  # added to the rank per matched query term
PHRASE_WEIGHTS = (("title", 3), ("symptom", 2))  # per term of a phrase found as typed

# Question words and particles a user types around the fault itself ("电脑开机很慢怎么办"):
# they hold no fault and add straddling bigrams (慢怎, 怎么, 么办) that no record holds,
# so they split the query where they stand. Longest first.
QUERY_FILLERS = (
    "怎么办",
    "怎么样",
    "为什么",
    "什么",
    "怎么",
    "怎样",
    "如何",
    "请问",
    "一下",
    "吗",
    "呢",
    "吧",
    "啊",
    "的",
    "了",
)
_FILLER = re.compile("|".join(re.escape(f) for f in QUERY_FILLERS))
_SEPARATOR = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@dataclass(frozen=True)
class Query:
    terms: list[str]  # distinct index terms, in the order typed
    phrases: list[tuple[str, int]]  # (normalised phrase, how many terms it holds)

    @property
    def needed(self) -> int:
        return terms_needed(len(self.terms))


def _segments(query: str) -> list[str]:
    """The query's stretches between fillers and punctuation, spaces collapsed."""
    text = _FILLER.sub("|", search.normalise(query))
    segments = []
    for part in text.split("|"):
        words = [w for w in _SEPARATOR.split(part) if w]
        if words:
            segments.append(" ".join(words))
    return segments


def parse(query: str) -> Query:
    """Terms and phrases of a query; a query of nothing but fillers searches them as typed."""
    segments = _segments(query)
    terms: list[str] = []
    phrases: list[tuple[str, int]] = []
    for segment in segments:
        segment_terms = search.query_terms(segment)
        terms.extend(segment_terms)
        if len(segment_terms) >= 2:
            phrases.append((segment, len(segment_terms)))
    terms = list(dict.fromkeys(terms))[: search.MAX_QUERY_TERMS]
    if not terms:
        terms = search.query_terms(query)
    return Query(terms=terms, phrases=phrases)


def terms_needed(count: int) -> int:
    """More than half of the query's terms (1 of 1, 2 of 2, 2 of 3, 3 of 4, 4 of 7), and
    never more than NEEDED_AT_MOST: a long query is a fault described in a sentence (the
    fault form sends its title and description), and no record repeats a sentence."""
    return min(count // 2 + 1, NEEDED_AT_MOST) if count else 0


def base_rank(weight_sum: int, matched: int) -> int:
    """What SQL orders by (the selector writes the same sum as an expression)."""
    return weight_sum + COVERAGE * matched


def _collapsed(text: str) -> str:
    return " ".join(w for w in _SEPARATOR.split(search.normalise(text)) if w)


def phrase_bonus(query: Query, fields: dict[str, str]) -> int:
    """Bonus for each phrase of the query found as typed, in the best field holding it."""
    if not query.phrases:
        return 0
    texts = {name: _collapsed(fields.get(name, "")) for name, _weight in PHRASE_WEIGHTS}
    bonus = 0
    for phrase, size in query.phrases:
        for name, weight in PHRASE_WEIGHTS:
            if phrase in texts[name]:
                bonus += size * weight
                break
    return bonus
