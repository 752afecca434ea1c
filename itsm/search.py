"""Tokenising text for the search indexes (knowledge records, work orders): pure functions.

Chinese is written without spaces and most of its words are two characters (卡纸, 蓝屏,
网络), so every run of Chinese characters is cut into overlapping character bigrams:
"打印机卡纸" → 打印 印机 机卡 卡纸. A query is cut the same way, so a record matches
when it contains the query's bigrams, whatever the word boundaries. Single characters
are indexed too (from the short, heavily weighted fields only) so that a one-character
query still finds something. Latin text becomes lower-cased ASCII words with a light
plural strip ("printers" → "printer"). The same functions tokenise documents and
queries, which is what makes the database side a plain `term IN (…)` lookup that
behaves identically on SQLite and PostgreSQL.
"""

import re
import unicodedata
from collections.abc import Iterable

MAX_TERM_LENGTH = 32
MAX_QUERY_TERMS = 24
UNIGRAM_MIN_WEIGHT = 2  # fields weighted at least this also index single characters

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")

STOPWORDS = frozenset("a an and are as at be by for from how in is it of on or the to with".split())


def normalise(text: str) -> str:
    """NFKC folds full-width letters and digits (ＰＤＦ, ３楼) to ASCII; then lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _runs(text: str):
    """(kind, run) pairs: kind is "cjk" or "word"."""
    for match in _TOKEN.finditer(normalise(text)):
        run = match.group()
        yield ("cjk" if _CJK_RUN.fullmatch(run) else "word"), run


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _word_term(word: str) -> str | None:
    if len(word) < 2 and not word.isdigit():
        return None
    return _stem(word)[:MAX_TERM_LENGTH]


def text_terms(text: str, *, unigrams: bool = False) -> set[str]:
    """The distinct index terms of one text."""
    terms: set[str] = set()
    for kind, run in _runs(text):
        if kind == "word":
            term = _word_term(run)
            if term and term not in STOPWORDS:
                terms.add(term)
            continue
        terms.update(_bigrams(run))
        if unigrams or len(run) == 1:
            terms.update(run)
    return terms


def document_terms(weighted_texts: Iterable[tuple[str, int]]) -> dict[str, int]:
    """{term: weight} for a record: a term scores each field's weight once, summed over fields.

    Counting a term once per field (not per occurrence) keeps a long solution that
    repeats a word from outranking a title that names it.
    """
    weights: dict[str, int] = {}
    for text, weight in weighted_texts:
        for term in text_terms(text, unigrams=weight >= UNIGRAM_MIN_WEIGHT):
            weights[term] = weights.get(term, 0) + weight
    return weights


def query_terms(query: str) -> list[str]:
    """The distinct terms of a search query, in the order typed.

    A one-character Chinese run searches the single-character terms; longer runs their
    bigrams. Stop words are dropped unless nothing else is left.
    """
    terms: list[str] = []
    stop: list[str] = []
    for kind, run in _runs(query):
        if kind == "word":
            term = _word_term(run)
            if term:
                (stop if term in STOPWORDS else terms).append(term)
        else:
            terms.extend(_bigrams(run) if len(run) > 1 else [run])
    distinct = list(dict.fromkeys(terms or stop))
    return distinct[:MAX_QUERY_TERMS]


def highlight_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of `text` to mark for `query`, in order.

    Matches are found case-insensitively on the query's Chinese runs' bigrams (or the
    single character) and its words, then merged. NFKC can change lengths, so matching
    runs on the lower-cased original text and full-width input simply is not marked.
    """
    if not text or not query:
        return []
    haystack = text.lower()
    if len(haystack) != len(text):  # a rare letter whose lower case is longer
        haystack = text
    needles = set()
    for kind, run in _runs(query):
        if kind == "word":
            if len(run) >= 2 or run.isdigit():
                needles.add(_stem(run))
        else:
            needles.update(_bigrams(run) if len(run) > 1 else [run])
    spans = []
    for needle in needles:
        start = haystack.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = haystack.find(needle, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
