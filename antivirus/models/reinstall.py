from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from cmdb.models import ConfigurationItem
from itsm.workflow import LockVersioned

from ..choices import ReinstallStatus as S
from .access import ReinstallQuerySet

_WAITING = [S.REQUESTED, S.USER_CONFIRMED, S.CENTRE_CONFIRMED]


class ReinstallRequest(LockVersioned):
    """A reinstall of an infected computer, which needs the user's and the information
    centre's confirmation first (plan §3.4.1 (3)). Kept on the work order it belongs to."""

    work_order = models.ForeignKey(
        "incidents.WorkOrder",
        verbose_name=_("work order"),
        on_delete=models.PROTECT,
        related_name="reinstall_requests",
    )
    ci = models.ForeignKey(
        ConfigurationItem,
        verbose_name=_("computer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("why it cannot be cleaned"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user who confirms"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = FSMField(
        _("status"), max_length=20, choices=S.choices, default=S.REQUESTED, protected=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    user_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by (user)"),
    )
    user_confirmed_at = models.DateTimeField(_("user confirmed at"), null=True, blank=True)
    centre_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmed by (information centre)"),
    )
    centre_confirmed_at = models.DateTimeField(
        _("information centre confirmed at"), null=True, blank=True
    )
    refused_note = models.TextField(_("why refused"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    done_at = models.DateTimeField(_("reinstalled at"), null=True, blank=True)

    objects = ReinstallQuerySet.as_manager()

    class Meta:
        verbose_name = _("reinstall confirmation")
        verbose_name_plural = _("reinstall confirmations")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.work_order} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("antivirus:reinstall_detail", args=[self.pk])

    @transition(field=status, source=S.REQUESTED, target=S.USER_CONFIRMED)
    def confirm_by_user(self, *, by):
        self.user_confirmed_by, self.user_confirmed_at = by, timezone.now()

    @transition(field=status, source=S.CENTRE_CONFIRMED, target=S.APPROVED)
    def confirm_by_user_last(self, *, by):
        self.user_confirmed_by, self.user_confirmed_at = by, timezone.now()

    @transition(field=status, source=S.REQUESTED, target=S.CENTRE_CONFIRMED)
    def confirm_by_centre(self, *, by):
        self.centre_confirmed_by, self.centre_confirmed_at = by, timezone.now()

    @transition(field=status, source=S.USER_CONFIRMED, target=S.APPROVED)
    def confirm_by_centre_last(self, *, by):
        self.centre_confirmed_by, self.centre_confirmed_at = by, timezone.now()

    @transition(field=status, source=_WAITING, target=S.REFUSED)
    def refuse(self, *, reason):
        self.refused_note = reason

    @transition(field=status, source=S.APPROVED, target=S.DONE)
    def complete(self, *, outcome):
        self.outcome, self.done_at = outcome, timezone.now()
