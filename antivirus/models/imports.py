from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import ImportKind, ImportStatus
from .access import StaffOnlyQuerySet


class MappingProfile(models.Model):
    """Which column of a console's CSV export holds which field (admin-editable).

    `columns` maps a field key (see antivirus.import_fields.FIELDS) to the header text in the
    export. The defaults cover Trend Micro Apex One / OfficeScan and 360 天擎; a console
    whose layout no profile fits lands on the mapping page, which saves a new profile.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    product = models.CharField(
        _("product"),
        max_length=100,
        help_text=_("Used when the export has no product column."),
    )
    columns = models.JSONField(_("columns"), default=dict)
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("column mapping profile")
        verbose_name_plural = _("column mapping profiles")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class ConsoleImport(models.Model):
    """One uploaded console export and what became of it (its per-line report included)."""

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices)
    profile = models.ForeignKey(
        MappingProfile,
        verbose_name=_("column mapping"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="imports",
    )
    file = models.FileField(_("file"), upload_to="antivirus/imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("file hash"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKED
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    applying = models.BooleanField(_("being applied"), default=False)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    unknown_hosts = models.JSONField(_("hosts not in the CMDB"), default=list, blank=True)
    unknown_count = models.PositiveIntegerField(_("hosts not in the CMDB"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    skipped = models.PositiveIntegerField(_("already known"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("console import")
        verbose_name_plural = _("console imports")
        ordering = ["-created_at"]
        constraints = [
            # Idempotency under concurrency too: one applied import per file and kind.
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=models.Q(status="done"),
                name="antivirus_import_file_once",
            )
        ]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("antivirus:import_detail", args=[self.pk])

    @property
    def busy(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
