"""Periodic scans of the controlled documents (Celery beat); each is idempotent."""

from celery import shared_task

from itsm.actors import system_user


@shared_task
def document_reminders() -> dict:
    """Remind of overdue loans, due validity checks and technical hand-ins due or late,
    once per due date each."""
    from .services import handin_scan, overdue_borrowings_scan, validity_check_scan

    actor = system_user()
    return {
        "overdue_loans": overdue_borrowings_scan(actor=actor),
        "checks_due": validity_check_scan(actor=actor),
        "handins": handin_scan(actor=actor),
    }
