from celery import shared_task
from django.utils import timezone

from .calendar import calendar_confirmation_remind, holidays_sync


@shared_task
def sync_public_holidays() -> dict:
    """Daily: keep this year's and next year's unconfirmed holidays current (idempotent),
    and remind the admins weekly while a year in use is unconfirmed."""
    year = timezone.localdate().year
    result = holidays_sync(years=[year, year + 1])
    result["reminded"] = calendar_confirmation_remind()
    return result


@shared_task
def send_pending_mail() -> int:
    from .notifications import mail_send_pending

    return mail_send_pending()
