from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailState(models.TextChoices):
    NONE = "none", _("No mail")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """An in-app notification, and the outbox row for its mail.

    Mail is claimed with a conditional UPDATE (pending → sending) before it is sent, so
    two workers never send the same row; a claim older than the lease is retried.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    mail_state = models.CharField(
        _("mail"), max_length=10, choices=MailState.choices, default=MailState.NONE, db_index=True
    )
    mail_claimed_at = models.DateTimeField(null=True, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    # After a failed attempt the row waits until then (exponential backoff over hours).
    mail_next_attempt_at = models.DateTimeField(null=True, blank=True)
    mail_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.subject
