"""A Redis cache that is an optimisation, never a dependency.

Django's RedisCache raises when Redis is down and waits for the socket when Redis hangs,
so one blinking Redis turned every page that reads the calendar or the queue counts into a
500. Here every cache call that fails answers as a miss (get → default, add → False,
set/delete → nothing), the callers fall back to the database, and after a failure the cache
is skipped for a short while (a circuit breaker), so a frozen Redis costs one short socket
timeout per process per `retry_after` seconds rather than one per call.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import models

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    pass


class _SharedClients(RedisCacheClient):
    """Django builds a `redis.Redis` for every cache call, and its constructor copies some
    two hundred response callbacks: half of a 0.1 ms round trip. One client per connection
    pool serves every call (it holds no connection of its own; the pool is thread-safe)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 10))
        timeout = float(options.pop("SOCKET_TIMEOUT", 0.25))
        options.setdefault("socket_timeout", timeout)
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("retry_on_timeout", False)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _SharedClients
        self._down_until = 0.0
        self._lock = threading.Lock()

    # --- the breaker ------------------------------------------------------------------
    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _call(self, name, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except ValueError:
            # Redis answered: incr() of a missing key. Treating that as an outage switched
            # the cache off for everyone for `retry_after` seconds on every filing (the
            # dashboard's month counter starts missing), which the load test showed.
            raise
        except Exception as exc:  # redis.RedisError, OSError, timeouts: all mean "no cache"
            with self._lock:
                was_up = self.available
                self._down_until = time.monotonic() + self.retry_after
            if was_up:
                logger.warning(
                    "cache unavailable (%s: %s); using the database for %.0f s",
                    type(exc).__name__,
                    exc,
                    self.retry_after,
                )
            return fallback

    def ping(self) -> bool:
        """Readiness probe: does Redis answer now (ignores the breaker)?"""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except Exception:
            return False

    # --- Django's cache API, each answering as a miss on failure ----------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, key, delta, version)
        if result is missing:
            # Callers already treat ValueError as "no such key" and fall back to set().
            raise ValueError("cache unavailable")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)


_tables: dict[str, tuple[str, object]] = {}


def cached_table(key: str, build, *, timeout: int = 300):
    """A small, rarely edited table (form codes, SLA policies, categories) kept in process
    memory while the cache holds the same version token for `key`.

    Filing a fault reads such tables on every request; a query each, plus building model
    instances, cost more than the rest of filing (unpickling them from the cache, too).
    The owning model calls `forget(key)` on save and delete, so every process rebuilds on
    its next read; without a shared cache (locmem) other processes rebuild after
    `timeout` seconds at the latest.
    """
    version = version_token(key, timeout=timeout, prefetch=True)
    held = _tables.get(key)
    if version is not None and held is not None and held[0] == version:
        return held[1]
    value = build()
    if version is not None:
        _tables[key] = (version, value)
    return value


# The versions of the shared tables this process has read (`prefetch`), and, while a
# request runs, the versions read for it (`request_tokens`): filing a fault read six of
# them one round trip each.
_known_keys: set[str] = set()
_request = threading.local()


def version_token(key: str, *, timeout: int = 300, prefetch: bool = False) -> str | None:
    """The current version of what `key` names, made up on first read; `forget(key)`
    starts a new one. None when the cache is down, or while this thread's open transaction
    has changed what `key` caches (cache nothing then).

    Inside `request_tokens` a version is read once per request: the request sees the
    tables as they were when it began, as a single read of them would. `prefetch`: a key
    of a fixed few (a table, not one per user or object), fetched with the others when
    each request begins.
    """
    from django.core.cache import cache

    if prefetch:
        _known_keys.add(key)
    if _uncommitted(key):
        return None  # what is read now may yet be rolled back: cache nothing
    held = getattr(_request, "tokens", None)
    if held is not None and held.get(key) is not None:
        return held[key]
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=timeout)
        version = cache.get(key)
    if held is not None:
        held[key] = version
    return version


class request_tokens:  # noqa: N801 (used as a context manager, like a function)
    """For one request: the versions of every shared table this process has read so far
    (`version_token(…, prefetch=True)`), fetched in one round trip
    (`VersionTokensMiddleware`); a key read later is fetched and kept."""

    def __enter__(self):
        from django.core.cache import cache

        _request.tokens = cache.get_many(list(_known_keys)) if _known_keys else {}
        return _request.tokens

    def __exit__(self, *exc):
        _request.tokens = None
        return False


def forget(key: str) -> None:
    """Drop `key` now (the editing request reads its own change) and again after commit
    (a reader between the two may have cached the old rows). Until the editing transaction
    ends, this thread caches nothing under `key` (`version_token` answers None): it reads
    its own uncommitted rows, and a rollback would have left them cached."""
    from django.core.cache import cache
    from django.db import connection, transaction

    held = getattr(_request, "tokens", None)
    if held is not None:
        held.pop(key, None)
    if _in_transaction(connection):
        _transaction_keys().add(key)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


# The keys forgotten in this thread's open transaction (`forget`).
_changed = threading.local()


def _in_transaction(connection) -> bool:
    """In a transaction the application opened. The test framework's own wrapper, which
    never commits, is not one (Django marks it, as for durable atomics)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def _transaction_keys() -> set[str]:
    keys = getattr(_changed, "keys", None)
    if keys is None:
        keys = _changed.keys = set()
    return keys


def _uncommitted(key: str) -> bool:
    """Whether this thread's open transaction changed what `key` caches."""
    from django.db import connection

    keys = getattr(_changed, "keys", None)
    if not keys:
        return False
    if not _in_transaction(connection):
        keys.clear()  # that transaction is over, committed or rolled back
        return False
    return key in keys


class CachedTableQuerySet(models.QuerySet):
    """Bulk writes (`update`, `delete`, `bulk_create`, `bulk_update`) forget the model's
    cached table (`CACHE_KEY`) as its `save()` and `delete()` do, so a data fix or a test
    that updates rows in bulk is read back at once."""

    def _forget(self):
        forget(self.model.CACHE_KEY)

    def update(self, **kwargs):
        count = super().update(**kwargs)
        self._forget()
        return count

    def delete(self):
        result = super().delete()
        self._forget()
        return result

    def bulk_create(self, *args, **kwargs):
        result = super().bulk_create(*args, **kwargs)
        self._forget()
        return result

    def bulk_update(self, *args, **kwargs):
        result = super().bulk_update(*args, **kwargs)
        self._forget()
        return result


class CachedTableModel(models.Model):
    """A model kept in a cached table (`cached_table(CACHE_KEY, …)`): saving or deleting
    a row forgets it, as `CachedTableQuerySet` does for bulk writes."""

    CACHE_KEY = ""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forget(self.CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget(self.CACHE_KEY)
        return result
