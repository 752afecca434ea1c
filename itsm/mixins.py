"""Model mixins shared by the process apps."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class NumberedModel(models.Model):
    """A record that carries a form number from the customer's scheme.

    Subclasses set `FORM_KEY` (looked up in FormCode) and `FORM_CODE_DEFAULT`. The
    number is allocated on first save, inside the caller's transaction.
    """

    FORM_KEY: str = ""
    FORM_CODE_DEFAULT: str = ""

    number = models.CharField(_("number"), max_length=64, unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.number:
            from .services import form_code_get, number_allocate

            code = form_code_get(key=self.FORM_KEY, default=self.FORM_CODE_DEFAULT)
            self.number = number_allocate(code=code)
        super().save(*args, **kwargs)


def local_minute(moment) -> str:
    """`moment` as the office reads it (2026-09-06 14:30, local time): for __str__, which
    admin puts in titles and lists; an aware datetime formatted as is shows UTC."""
    if moment is None:
        return ""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{moment:%Y-%m-%d %H:%M}"
