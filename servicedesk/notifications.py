"""Notifications: in-app rows plus an outbox for mail, sent by a Celery task.

The hand-off to Celery goes through `itsm.workflow.after_commit`: a broker outage leaves
the mail in the outbox (the minutely `send-notification-mail` beat sends it) instead of
turning the caller's committed write into an error.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone

from itsm import workflow

from .models import MailState, Notification

MAIL_LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5


def notify(
    *, recipients, subject: str, body: str = "", url: str = "", mail: bool = True
) -> list[Notification]:
    """Tell `recipients` (users; None and duplicates skipped) in the app and, if they have
    an address, by mail once the caller's transaction commits."""
    seen, rows = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        state = MailState.PENDING if (mail and user.email) else MailState.NONE
        rows.append(
            Notification(
                recipient=user, subject=subject[:200], body=body, url=url, mail_state=state
            )
        )
    created = Notification.objects.bulk_create(rows)
    if any(row.mail_state == MailState.PENDING for row in rows):
        from .tasks import send_pending_mail

        workflow.after_commit(send_pending_mail.delay)
    return created


def notify_many(messages) -> int:
    """Many notifications in one INSERT: `messages` is (recipients, subject, body, url) tuples."""
    rows = []
    for recipients, subject, body, url in messages:
        seen = set()
        for user in recipients:
            if user is None or user.pk in seen or not user.is_active:
                continue
            seen.add(user.pk)
            state = MailState.PENDING if user.email else MailState.NONE
            rows.append(
                Notification(
                    recipient=user, subject=subject[:200], body=body, url=url, mail_state=state
                )
            )
    Notification.objects.bulk_create(rows, batch_size=1000)
    if any(row.mail_state == MailState.PENDING for row in rows):
        from .tasks import send_pending_mail

        workflow.after_commit(send_pending_mail.delay)
    return len(rows)


def mail_send_pending(*, limit: int = 100) -> int:
    """Send queued notification mail; safe with several workers and after a crash."""
    now = timezone.now()
    candidates = list(
        Notification.objects.filter(
            Q(mail_state=MailState.PENDING)
            | Q(mail_state=MailState.SENDING, mail_claimed_at__lt=now - MAIL_LEASE)
        )
        .order_by("pk")
        .values_list("pk", "mail_state", "mail_claimed_at")[:limit]
    )
    sent = 0
    for pk, state, claimed_at in candidates:
        # The conditional UPDATE is the claim: only one worker's matches the row.
        claimed = Notification.objects.filter(
            pk=pk, mail_state=state, mail_claimed_at=claimed_at
        ).update(mail_state=MailState.SENDING, mail_claimed_at=now)
        if not claimed:
            continue
        row = Notification.objects.select_related("recipient").get(pk=pk)
        try:
            body = row.body
            if row.url:
                body = f"{body}\n\n{settings.ITSM.get('BASE_URL', '')}{row.url}".strip()
            message = EmailMessage(
                subject=row.subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[row.recipient.email],
                # Marks our own mail so the intake never turns it into a work order.
                headers={"Auto-Submitted": "auto-generated", "X-ITSM-Notification": str(row.pk)},
            )
            message.send()
        except Exception as exc:  # noqa: BLE001 (any transport error is recorded, then retried)
            attempts = row.mail_attempts + 1
            Notification.objects.filter(pk=pk).update(
                mail_state=MailState.FAILED if attempts >= MAX_ATTEMPTS else MailState.PENDING,
                mail_attempts=attempts,
                mail_error=str(exc)[:1000],
                mail_claimed_at=None,
            )
            continue
        Notification.objects.filter(pk=pk).update(
            mail_state=MailState.SENT, mail_attempts=row.mail_attempts + 1
        )
        sent += 1
    return sent
