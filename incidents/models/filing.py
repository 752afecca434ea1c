from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingKey(models.Model):
    """A filing the user already submitted: the same key again returns that work order.

    The fault form carries a key made when the form was shown, API clients send an
    `Idempotency-Key` header. A double click, a resubmitted page after a timeout or a
    client's retry then files one work order, not two. The unique row is inserted in the
    filing's own transaction, so two concurrent submissions cannot both win.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("key"), max_length=64)
    work_order = models.ForeignKey(
        "incidents.WorkOrder", on_delete=models.CASCADE, related_name="filing_keys"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("filing key")
        verbose_name_plural = _("filing keys")
        constraints = [
            models.UniqueConstraint(fields=["actor", "key"], name="filing_key_once_per_actor")
        ]

    def __str__(self):
        return self.key
