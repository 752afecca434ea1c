from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.mixins import TimeStampedModel
from servicedesk.models.organisation import phone_validator


class Supplier(TimeStampedModel):
    """Who sold or maintains an asset; printed on the label so a user can call them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=30, blank=True, validators=[phone_validator]
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self):
        return self.name
