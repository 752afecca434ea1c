from celery import shared_task

from . import services


@shared_task
def notify_upcoming_changes() -> int:
    """Tell affected users about scheduled changes whose window opens within 24 hours
    (idempotent: each change is claimed once). Run it hourly from beat."""
    return services.change_notify_upcoming()
