"""Periodic scans of the controlled documents (Celery beat); each is idempotent."""

from celery import shared_task


@shared_task
def document_reminders() -> dict:
    """Remind of overdue loans and due validity checks, once per due date each."""
    from .documents.services import overdue_borrowings_scan, validity_check_scan

    return {"overdue_loans": overdue_borrowings_scan(), "checks_due": validity_check_scan()}
