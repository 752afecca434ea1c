import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.mixins import local_minute

from ..choices import EventKind


class WorkOrderEvent(models.Model):
    """One line of a work order's timeline: comments, notes, status changes, SLA events.

    Status changes are kept as events (from → to, when) so the history can be replayed.
    Internal notes are hidden from end users.
    """

    work_order = models.ForeignKey(
        "incidents.WorkOrder", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("text"), blank=True)
    is_internal = models.BooleanField(_("internal"), default=False)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["work_order", "at"], name="wo_event_timeline")]

    def __str__(self):
        return f"{self.work_order_id} {self.kind} {local_minute(self.at)}"


def _attachment_path(instance, filename):
    # A random stored name: the original (often Chinese) name lives in `original_name`
    # and is only ever sent back as a download header, never used as a path.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"attachments/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    work_order = models.ForeignKey(
        "incidents.WorkOrder", on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        WorkOrderEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    is_internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name
