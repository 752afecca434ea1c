"""Periodic scans (beat): thin, idempotent, acting as the system through the services."""

from celery import shared_task

from . import services


@shared_task
def emergency_status_updates_scan() -> int:
    """Overdue status updates: the commander is told once per due point."""
    return services.status_updates_overdue_scan()


@shared_task
def emergency_confirmations_scan() -> int:
    """Oral approvals not yet confirmed in writing: the approver is reminded."""
    return services.confirmation_reminders_scan()
