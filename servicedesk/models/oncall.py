from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.cache import CachedTableModel, CachedTableQuerySet
from itsm.mixins import local_minute
from itsm.permissions import RestrictedQuerySet

from ..choices import OnCallRole

# The cached shifts of each hour that the on-call banner reads (servicedesk.oncall).
ON_CALL_CACHE_KEY = "servicedesk:on-call"


class OnCallShiftQuerySet(CachedTableQuerySet, RestrictedQuerySet):
    def _restrict(self, user, action: str):
        # The rule lives with its refusal messages in servicedesk.oncall.
        from ..oncall import oncall_filter

        condition = oncall_filter(user, action)
        return self.none() if condition is None else self.filter(condition)

    def covering(self, when):
        """Shifts that include the instant `when` (start inclusive, end exclusive)."""
        return self.filter(starts_at__lte=when, ends_at__gt=when)


class OnCallShift(CachedTableModel):
    """One entry of the on-call rota (值班表): who answers the 7×24 phone, or who can go on
    site outside the 5×8 hours, from `starts_at` until `ends_at`.

    Shifts of the same role may overlap (a hand-over hour); the earliest-starting one is
    the person on call then (servicedesk.oncall.on_call_at).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person on call"),
        on_delete=models.CASCADE,
        related_name="on_call_shifts",
    )
    role = models.CharField(_("on-call role"), max_length=10, choices=OnCallRole.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    CACHE_KEY = ON_CALL_CACHE_KEY
    objects = OnCallShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call rota")
        ordering = ["starts_at", "role", "pk"]
        indexes = [models.Index(fields=["role", "starts_at", "ends_at"], name="oncall_role_span")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="oncall_shift_ends_after_start",
                violation_error_message=_("The end must be later than the start."),
            )
        ]

    def __str__(self):
        return (
            f"{self.get_role_display()} {self.user} "
            f"{local_minute(self.starts_at)}–{local_minute(self.ends_at)}"
        )
