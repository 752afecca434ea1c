from celery import shared_task
from django.utils import timezone

from .calendar import holidays_sync


@shared_task
def sync_public_holidays() -> dict:
    """Daily: keep this year's and next year's holidays current (idempotent)."""
    year = timezone.localdate().year
    return holidays_sync(years=[year, year + 1])
