from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from ..choices import CalendarDayKind, CalendarDaySource, Weekday


class _InvalidatesCalendar(models.Model):
    """Any edit reaches every process's memoised calendar once committed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._calendar_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._calendar_changed()
        return result

    @staticmethod
    def _calendar_changed():
        from ..calendar import calendar_changed

        transaction.on_commit(calendar_changed)


class WorkingPeriod(_InvalidatesCalendar):
    """A stretch of on-site working time on a weekday; gaps between periods are breaks."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working hours")
        ordering = ["weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="working_period_end_after_start",
                violation_error_message=_("The end must be later than the start."),
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        if self.start and self.end and self.weekday is not None:
            overlapping = WorkingPeriod.objects.filter(
                weekday=self.weekday, start__lt=self.end, end__gt=self.start
            ).exclude(pk=self.pk)
            if overlapping.exists():
                raise ValidationError(_("This period overlaps another period on the same day."))


class CalendarDay(_InvalidatesCalendar):
    """A date that departs from the weekly hours: a public holiday or a make-up working day.

    Rows from the `holidays` package are refreshed by a daily task; rows an admin enters
    or edits are marked manual and never overwritten, because the State Council's
    announcement (and any local arrangement) is the authority, not the package.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=CalendarDaySource.choices,
        default=CalendarDaySource.MANUAL,
    )

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class CalendarYear(models.Model):
    """A year whose holidays and make-up days an admin has confirmed against the State
    Council's notice. Until then the year is the `holidays` package's prediction (for a
    year not yet announced: the statutory days without any make-up working day), and the
    portal says so; once confirmed, the daily sync leaves the year alone."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(_("notice"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("confirmed calendar year")
        verbose_name_plural = _("confirmed calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)
