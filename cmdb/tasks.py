"""Daily CMDB scans (Celery beat); each is idempotent, see the services they call."""

from celery import shared_task

from itsm.actors import system_user


@shared_task
def census_reminders() -> dict:
    """Daily: remind supervisors of the half-yearly census and the one before contract end."""
    from .services.census import census_reminders_scan

    return census_reminders_scan(actor=system_user())


@shared_task
def warranty_alerts() -> int:
    """Daily: alert engineers and supervisors once per item and warranty threshold."""
    from .services.warranty import warranty_alert_scan

    return warranty_alert_scan(actor=system_user())


@shared_task
def expire_import_batches() -> int:
    """Daily: forget the parsed rows of imports older than a day."""
    from .services.imports import import_batches_expire

    return import_batches_expire(actor=system_user())
