from celery import shared_task
from django.utils import timezone

from .calendar import holidays_sync


@shared_task
def sync_public_holidays() -> dict:
    """Daily: keep this year's and next year's holidays current (idempotent)."""
    year = timezone.localdate().year
    return holidays_sync(years=[year, year + 1])


@shared_task
def send_pending_mail() -> int:
    from .notifications import mail_send_pending

    return mail_send_pending()
