"""Celery tasks: thin wrappers over the services."""

from celery import shared_task


@shared_task
def repairs_scan() -> dict:
    """Periodic (beat): overdue repairs and in-warranty progress reminders (idempotent)."""
    from .services import repairs_scan as scan

    return scan()


@shared_task
def mail_vendor_order(order_pk: int) -> bool:
    """Mail the vendor work order to the vendor with the order as a PDF."""
    from .mail import vendor_order_mail

    return vendor_order_mail(order_pk=order_pk)
