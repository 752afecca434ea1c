"""Shared pieces of the benchmark commands (bench, bench_knowledge): figures, not tests."""

import time

from django.db import connection


def database_label() -> str:
    """'sqlite 3.40.1' or 'postgresql 150020': which engine the figures come from."""
    vendor = connection.vendor
    if vendor == "sqlite":
        return f"{vendor} {'.'.join(map(str, connection.Database.sqlite_version_info))}"
    return f"{vendor} {getattr(connection, 'pg_version', '')}".strip()


def p95(values) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class QueryCounter:
    """Counts statements; unlike CaptureQueriesContext it has no 9,000-query ceiling."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(operation):
    """Run `operation` once: (milliseconds, statements executed, its result)."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        began = time.perf_counter()
        result = operation()
        elapsed = (time.perf_counter() - began) * 1000
    return elapsed, counter.count, result
