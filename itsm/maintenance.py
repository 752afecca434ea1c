from django.db import connection


def database_analyze() -> str:
    """Refresh planner statistics so partial indexes (e.g. the open-work queue) are chosen.

    PostgreSQL's autovacuum analyzes on its own; SQLite never does, and without
    statistics its planner prefers an equality index and sorts instead.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return connection.vendor
