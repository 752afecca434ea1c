"""The knowledge panel's answers as drawn (`knowledge.views.suggest`), cached per audience,
language, source and query until a record changes (`KnowledgeRecord.SUGGEST_CACHE_KEY`).

Every work-order page asks for its title's suggestions, and titles repeat (they are
mostly the fault types' names): the work-order page puts a cached answer in place
itself (`cached_html`), sparing the browser the second request; a miss is still loaded
by the panel when the page has shown.
"""

import hashlib

from django.core.cache import cache
from django.utils.translation import get_language

from itsm.cache import version_token

from . import permissions
from .models import KnowledgeRecord

# How long a drawn answer is kept at most (helpful counts may lag this long).
SUGGEST_CACHE_SECONDS = 300
QUERY_MAX = 200


def cache_key(user, query: str, source: str = "") -> str | None:
    """Where the answer for `user`'s audience and language is kept; None without a cache
    or a query."""
    version = version_token(KnowledgeRecord.SUGGEST_CACHE_KEY, prefetch=True) if query else None
    if version is None:
        return None
    what = f"{permissions.is_staff(user)}|{get_language()}|{source}|{query}".encode()
    return f"knowledge.suggest:{version}:{hashlib.sha256(what).hexdigest()}"


def cached_html(user, query: str, source: str = "") -> str | None:
    """The answer as drawn for this query, if it is cached."""
    key = cache_key(user, query.strip()[:QUERY_MAX], source)
    return cache.get(key) if key is not None else None


def store(key: str | None, html: str) -> None:
    if key is not None:
        cache.set(key, html, timeout=SUGGEST_CACHE_SECONDS)
