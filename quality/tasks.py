"""The periodic scan (beat): thin and idempotent, acting as the system through the services."""

from celery import shared_task

from . import services


@shared_task
def quality_scan() -> dict:
    """Open and close survey rounds on their days, remind the invited and the owners of
    overdue improvement actions, list new low ratings on the current weeks' reviews."""
    return services.quality_scan()
