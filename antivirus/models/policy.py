from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Department


class AntivirusPolicy(models.Model):
    """The thresholds of the daily check, the weekly evaluation and outbreak detection.

    One row, edited in admin: the customer's policy, not a deployment setting.
    """

    signature_days_behind = models.PositiveSmallIntegerField(
        _("signature may be days behind"),
        default=3,
        help_text=_(
            "Days behind the newest signature seen in the latest import of the same product."
        ),
    )
    not_reporting_days = models.PositiveSmallIntegerField(_("not reporting after days"), default=7)
    outbreak_hosts = models.PositiveSmallIntegerField(
        _("outbreak: hosts with the same threat"), default=5
    )
    outbreak_hours = models.PositiveSmallIntegerField(_("outbreak: within hours"), default=24)
    top_departments = models.PositiveSmallIntegerField(
        _("evaluation goes to the worst-hit departments"), default=3
    )

    class Meta:
        verbose_name = _("antivirus policy")
        verbose_name_plural = _("antivirus policy")

    def __str__(self):
        return str(_("Antivirus policy"))

    @classmethod
    def current(cls) -> "AntivirusPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class DepartmentHead(models.Model):
    """Who receives a department's weekly virus evaluation (部门管理人员)."""

    department = models.OneToOneField(
        Department,
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="antivirus_head",
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("department head for virus reports")
        verbose_name_plural = _("department heads for virus reports")

    def __str__(self):
        return f"{self.department} · {self.head}"


class DailyCheck(models.Model):
    """One row per day the check ran: claiming the day is what makes it notify once."""

    day = models.DateField(_("day"), unique=True)
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    stale = models.PositiveIntegerField(_("signature or engine behind"), default=0)
    not_reporting = models.PositiveIntegerField(_("not reporting"), default=0)
    unprotected = models.PositiveIntegerField(_("no antivirus"), default=0)
    notified = models.PositiveIntegerField(_("engineers notified"), default=0)

    class Meta:
        verbose_name = _("daily antivirus check")
        verbose_name_plural = _("daily antivirus checks")
        ordering = ["-day"]

    def __str__(self):
        return self.day.isoformat()
