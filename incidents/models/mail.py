from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundMailStatus(models.TextChoices):
    PROCESSED = "processed", _("Processed")
    IGNORED = "ignored", _("Ignored")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed")


# Raw mail is kept only for rows an admin may retry (failed, rejected), and only up to this.
RAW_KEEP_LIMIT = 25 * 1024 * 1024


class InboundMail(models.Model):
    """One mail read from the intake mailbox (收件), whatever became of it.

    The unique Message-ID is the idempotency key: the row is inserted before the mail is
    acted on, in the same transaction, so the same mail read twice (a re-poll, a second
    worker) makes one work order. Failed and rejected mail keeps its raw bytes so an
    admin can retry it once the cause is fixed.
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    mailbox_uid = models.CharField(_("mailbox UID"), max_length=64, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(
        _("status"), max_length=10, choices=InboundMailStatus.choices, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True)
    work_order = models.ForeignKey(
        "incidents.WorkOrder",
        verbose_name=_("work order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mails",
    )
    raw = models.BinaryField(_("raw mail"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("inbound mail")
        verbose_name_plural = _("inbound mail")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.from_address} {self.subject}".strip() or self.message_id

    @property
    def can_retry(self) -> bool:
        return self.status in (InboundMailStatus.FAILED, InboundMailStatus.REJECTED) and bool(
            self.raw
        )
