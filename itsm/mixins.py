"""Model mixins shared by the process apps."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CreatedAtField(models.DateTimeField):
    """`auto_now_add` that keeps an instant the caller set: the desk records a call taken
    earlier, an import keeps the old record's date, and the row is written once instead of
    inserted with "now" and updated. Migrations see a plain DateTimeField."""

    def pre_save(self, model_instance, add):
        given = getattr(model_instance, self.attname)
        if add and given is not None:
            return given
        return super().pre_save(model_instance, add)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs


class TimeStampedModel(models.Model):
    created_at = CreatedAtField(_("created at"), auto_now_add=True, db_index=True)
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
