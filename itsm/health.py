"""Liveness and readiness.

`/healthz` (liveness, itsm/views.py): the process answers and reaches its database; the
container is restarted when it fails. `/readyz` (readiness): every dependency's state as JSON, so an
operator or a load balancer sees a blinking Redis or broker before users report it. The
portal stays ready (200) while only the cache or the broker is down, because neither is
needed to serve a page or save a work order (the cache falls back to the database, mail
waits in the outbox); it is not ready (503) without its database.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

BROKER_TIMEOUT = 1.0


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return "down"
    return "ok"


def cache_state() -> str:
    ping = getattr(cache, "ping", None)
    if ping is None:
        return "local"  # a per-process cache cannot be down
    return "ok" if ping() else "down"


def broker_state() -> str:
    from .celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    except Exception:
        return "down"
    return "ok"


@never_cache
def readyz(request):
    states = {"database": database_state(), "cache": cache_state(), "broker": broker_state()}
    ready = states["database"] == "ok"
    body = {"status": ("ok" if set(states.values()) <= {"ok", "local"} else "degraded")}
    if not ready:
        body["status"] = "down"
    return JsonResponse({**body, **states}, status=200 if ready else 503)
