from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.cache import CachedTableModel, CachedTableQuerySet, cached_table

from ..choices import NoticeLevel, Priority, SlaClock


class SlaPolicy(CachedTableModel):
    """Targets for one service level and priority, in business minutes; editable in admin.

    The contract (§6.2.1) sets response and resolution per service level; a priority
    row can be stricter. Without a row the level's own targets apply.
    """

    service_level = models.ForeignKey(
        "servicedesk.ServiceLevel",
        verbose_name=_("service level"),
        on_delete=models.CASCADE,
        related_name="policies",
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    response_minutes = models.PositiveIntegerField(_("response target (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution target (business minutes)"))

    objects = CachedTableQuerySet.as_manager()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["service_level__rank", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["service_level", "priority"], name="sla_policy_unique"),
            models.CheckConstraint(
                condition=models.Q(resolution_minutes__gte=models.F("response_minutes")),
                name="sla_policy_resolution_after_response",
                violation_error_message=_(
                    "The resolution target cannot be shorter than the response target."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.service_level} {self.priority}"

    CACHE_KEY = "incidents:sla-policies"

    @classmethod
    def minutes_table(cls) -> dict[tuple[int, str], tuple[int, int]]:
        """(level id, priority) → (response, resolution) minutes of every policy row; every
        filing and recomputation reads it, admins rarely edit it."""
        return cached_table(
            cls.CACHE_KEY,
            lambda: {
                (level_id, priority): (response, resolution)
                for level_id, priority, response, resolution in cls.objects.values_list(
                    "service_level_id", "priority", "response_minutes", "resolution_minutes"
                )
            },
        )


class SlaNotice(models.Model):
    """A warning or escalation that was sent: the unique row makes it happen once.

    The scan inserts the row first, in the same transaction as the queued mail; a
    second worker or a rerun hits the unique constraint and sends nothing.
    """

    work_order = models.ForeignKey(
        "incidents.WorkOrder", on_delete=models.CASCADE, related_name="sla_notices"
    )
    clock = models.CharField(_("clock"), max_length=20, choices=SlaClock.choices)
    level = models.CharField(_("level"), max_length=10, choices=NoticeLevel.choices)
    due_at = models.DateTimeField(_("due at the time"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SLA notice")
        verbose_name_plural = _("SLA notices")
        constraints = [
            models.UniqueConstraint(
                fields=["work_order", "clock", "level", "due_at"], name="sla_notice_once"
            )
        ]

    def __str__(self):
        return f"{self.work_order_id} {self.clock} {self.level}"
