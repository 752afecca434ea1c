from celery import shared_task

from .maintenance import database_analyze


@shared_task
def analyze_database() -> str:
    """Nightly: refresh the query planner's statistics (SQLite has no autovacuum to do it)."""
    return database_analyze()
