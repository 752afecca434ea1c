from django.db import models
from django.utils.translation import gettext_lazy as _

from .items import ConfigurationItem


class WarrantyAlert(models.Model):
    """A warranty alert sent for an item at a threshold (days before the end; 0 = ended).

    The unique row is the claim that makes each alert go out once; the end date is part
    of the key so an extended warranty alerts again when its new end nears.
    """

    item = models.ForeignKey(
        ConfigurationItem, on_delete=models.CASCADE, related_name="warranty_alerts"
    )
    threshold_days = models.PositiveSmallIntegerField(_("days before the end"))
    warranty_end = models.DateField(_("warranty end"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("warranty alert")
        verbose_name_plural = _("warranty alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "threshold_days", "warranty_end"], name="cmdb_warranty_alert_once"
            )
        ]

    def __str__(self):
        return f"{self.item_id} {self.threshold_days}d {self.warranty_end}"
