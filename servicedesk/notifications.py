"""Notifications: in-app rows plus an outbox for mail, sent by a Celery task.

The hand-off to Celery goes through `itsm.workflow.after_commit`: a broker outage leaves
the mail in the outbox (the minutely `send-notification-mail` beat sends it) instead of
turning the caller's committed write into an error.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from itsm.auth_backends import user_columns_changed
from itsm.workflow import after_commit

from .models import MailState, Notification

MAIL_LEASE = timedelta(minutes=5)
# A failed mail is retried after 1, 2, 4 … minutes, at most every BACKOFF_CAP, for
# MAX_ATTEMPTS attempts (about two days), so a mail server down overnight loses nothing.
# Then it is FAILED, shown in admin (Notifications) where "retry" queues it again.
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 16
ADMIN_ALERT_EVERY = timedelta(hours=6)


def mail_backoff(attempts: int) -> timedelta:
    """How long a mail waits after its `attempts`-th failed attempt."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


REPLY_REFERENCE = re.compile(r"\bref:([0-9a-f]{16})\b")


def reply_reference(*, url: str, user_pk: int) -> str:
    """The recipient's own reference for replies about `url` (a record's page).

    Mail carries it in the subject and the footer; the intake accepts a reply as that
    person's only with it, because the From header alone is whatever the sender typed.
    """
    return salted_hmac("servicedesk.reply-reference", f"{url}|{user_pk}").hexdigest()[:16]


def _hand_off() -> None:
    from .tasks import send_pending_mail

    # The outbox row is committed; if the broker is down the beat's sweep sends it.
    after_commit(send_pending_mail.delay)


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
    user_columns_changed()  # a page drawn after this counts the bell afresh
    if any(row.mail_state == MailState.PENDING for row in rows):
        _hand_off()
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
    user_columns_changed()  # a page drawn after this counts the bell afresh
    if any(row.mail_state == MailState.PENDING for row in rows):
        _hand_off()
    return len(rows)


def mail_send_pending(*, limit: int = 100) -> int:
    """Send queued notification mail; safe with several workers and after a crash."""
    now = timezone.now()
    candidates = list(
        Notification.objects.filter(
            Q(mail_state=MailState.PENDING)
            & (Q(mail_next_attempt_at__isnull=True) | Q(mail_next_attempt_at__lte=now))
            | Q(mail_state=MailState.SENDING, mail_claimed_at__lt=now - MAIL_LEASE)
        )
        .order_by("pk")
        .values_list("pk", "mail_state", "mail_claimed_at")[:limit]
    )
    sent = gave_up = 0
    for pk, state, claimed_at in candidates:
        # The conditional UPDATE is the claim: only one worker's matches the row.
        claimed = Notification.objects.filter(
            pk=pk, mail_state=state, mail_claimed_at=claimed_at
        ).update(mail_state=MailState.SENDING, mail_claimed_at=now)
        if not claimed:
            continue
        row = Notification.objects.select_related("recipient").get(pk=pk)
        try:
            body, subject = row.body, row.subject
            if row.url:
                body = f"{body}\n\n{settings.ITSM.get('BASE_URL', '')}{row.url}".strip()
                reference = f"ref:{reply_reference(url=row.url, user_pk=row.recipient_id)}"
                subject = f"{subject} [{reference}]"
                body += "\n\n" + _("To reply, keep this reference: %(ref)s") % {"ref": reference}
            message = EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[row.recipient.email],
                # Marks our own mail so the intake never turns it into a work order.
                headers={"Auto-Submitted": "auto-generated", "X-ITSM-Notification": str(row.pk)},
            )
            message.send()
        except Exception as exc:  # noqa: BLE001 (any transport error is recorded, then retried)
            attempts = row.mail_attempts + 1
            failed = attempts >= MAX_ATTEMPTS
            Notification.objects.filter(pk=pk).update(
                mail_state=MailState.FAILED if failed else MailState.PENDING,
                mail_attempts=attempts,
                mail_error=str(exc)[:1000],
                mail_claimed_at=None,
                mail_next_attempt_at=None if failed else now + mail_backoff(attempts),
            )
            if failed:
                gave_up += 1
            continue
        Notification.objects.filter(pk=pk).update(
            mail_state=MailState.SENT, mail_attempts=row.mail_attempts + 1, mail_error=""
        )
        sent += 1
    if gave_up:
        mail_failures_alert(now=now)
    return sent


def mail_retry(*, notifications) -> int:
    """Queue failed (or waiting) mail again now, attempts counted afresh (admin action)."""
    count = notifications.filter(mail_state__in=[MailState.FAILED, MailState.PENDING]).update(
        mail_state=MailState.PENDING, mail_attempts=0, mail_next_attempt_at=None
    )
    if count:
        _hand_off()
    return count


def mail_failures_alert(*, now=None) -> bool:
    """Tell the administrators in the portal (not by mail: mail is what fails) that mail
    keeps failing; at most once per ADMIN_ALERT_EVERY. Returns whether it told them."""
    from .choices import Role

    now = now or timezone.now()
    subject = _("Mail delivery keeps failing")
    admins = list(
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=Role.ADMIN), is_active=True)
        .distinct()
    )
    recent = Notification.objects.filter(
        recipient__in=admins, subject=subject, created_at__gte=now - ADMIN_ALERT_EVERY
    ).exists()
    if recent or not admins:
        return False
    failed = Notification.objects.filter(mail_state=MailState.FAILED).count()
    notify(
        recipients=admins,
        subject=subject,
        body=_(
            "%(count)d mail(s) could not be delivered after every retry. Check the mail "
            "server settings (EMAIL_URL), then retry them in admin under Notifications."
        )
        % {"count": failed},
        url="/admin/servicedesk/notification/?mail_state__exact=failed",
        mail=False,
    )
    return True
