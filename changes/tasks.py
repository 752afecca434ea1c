from celery import shared_task

from itsm.actors import system_user

from . import release_services, services


@shared_task
def notify_upcoming_changes() -> int:
    """Tell affected users about scheduled changes whose window opens within 24 hours
    (idempotent: each change is claimed once). Run it hourly from beat."""
    return services.change_notify_upcoming(actor=system_user())


@shared_task
def notify_upcoming_releases() -> int:
    """Tell affected users about authorised releases whose window opens within the lead time
    (settings.ITSM["RELEASE_NOTICE_HOURS"], 24 h by default). Idempotent: each release is
    claimed once per window. Run it hourly from beat."""
    return release_services.release_notify_upcoming(actor=system_user())
