from celery import shared_task

from . import scans


@shared_task
def sla_scan() -> dict:
    """Every minute: SLA warnings, breaches and escalations, each exactly once."""
    return scans.sla_scan()


@shared_task
def volumes_refresh() -> int:
    """Every minute: recount the daily volumes of the days whose orders changed."""
    from .volumes import volumes_refresh as refresh

    return refresh()


@shared_task
def auto_close_resolved() -> int:
    """Hourly: close resolved work orders unanswered for three working days."""
    return scans.auto_close_scan()


@shared_task
def poll_mailbox() -> dict:
    """Every minute: new mail in the intake mailbox becomes work orders and comments."""
    from .mail.imap import mailbox_poll, poll_lock

    with poll_lock() as claimed:
        if not claimed:
            return {"skipped": "another worker is polling the mailbox"}
        return mailbox_poll()


@shared_task
def expire_history_imports() -> int:
    """Every six hours: delete work-order history import batches past their day."""
    from .history_import import history_batches_expire

    return history_batches_expire()
