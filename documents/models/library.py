"""The technical documents and driver library (技术文档和驱动程序库, plan §4.3.3 item 2).

Compatibility lists, OS images, drivers with their patches and virus-protection lists,
found by device model. It lives with the controlled documents rather than the knowledge
base: its entries are files with a location, a version and a checksum kept by the
document keepers (project documents, §3.2), not fault/cause/solution records; and
documents sits above the CMDB in the layers, so an entry can name the CMDB's classes
and the library can put "drivers for this model" on a device's page (cmdb.device_links)
without the CMDB importing it.
"""

import re

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itsm.mixins import TimeStampedModel
from itsm.permissions import RestrictedQuerySet
from itsm.workflow import LockVersioned

from ..choices import LIBRARY_KIND_ICONS, LibraryKind
from .catalogue import StoredFile, _user


def model_key(text: str) -> str:
    """One device model as compared: trimmed, inner spaces single, upper case."""
    return " ".join((text or "").split()).upper()


def split_models(text: str) -> list[str]:
    """The device models typed one per line (or separated by commas or semicolons)."""
    parts = (" ".join(part.split()) for part in re.split(r"[\n,，;；]+", text or ""))
    return list(dict.fromkeys(part for part in parts if part))


def models_index(text: str) -> str:
    """The models of an entry as the search column: `\\nHP LASERJET P1108\\nHP P1106\\n`,
    so a model is matched whole with `contains("\\nKEY\\n")` and partly with
    `contains("KEY")`, on the entry's own row (no join)."""
    keys = list(dict.fromkeys(model_key(part) for part in split_models(text)))
    return "\n" + "\n".join(keys) + "\n" if keys else ""


class LibraryEntryQuerySet(RestrictedQuerySet):
    def _restrict(self, user, action: str):
        from ..permissions import role_allows

        rule = {"view": "read", "change": "library"}.get(action, "library")
        return self if role_allows(user, rule) else self.none()


class LibraryEntry(LockVersioned, TimeStampedModel, StoredFile):
    """One item of the library: what it is, which device models and classes it is for,
    for which OS, where it is (an uploaded file, a location, or both) and its checksum."""

    kind = models.CharField(_("kind"), max_length=20, choices=LibraryKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    vendor = models.CharField(_("vendor"), max_length=100, blank=True)
    version = models.CharField(_("version"), max_length=50, blank=True)
    device_models = models.TextField(
        _("device models"),
        blank=True,
        help_text=_(
            "One model per line, as on the asset's “brand and model” attribute, e.g. "
            "HP LaserJet P1108. Empty: every model of the classes below."
        ),
    )
    models_key = models.TextField(editable=False, blank=True, default="")
    ci_classes = models.ManyToManyField(
        "cmdb.CIClass",
        verbose_name=_("device classes"),
        blank=True,
        related_name="+",
        help_text=_("Desktop, printer, server…; empty: not tied to a class."),
    )
    operating_system = models.CharField(
        _("OS / version"),
        max_length=100,
        blank=True,
        help_text=_("e.g. Windows 10 22H2 x64, Kylin V10, UOS 20."),
    )
    location = models.CharField(
        _("location"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where the files are kept besides this page, e.g. \\\\fileserver\\drivers\\HP "
            "or disc 3 in cabinet B (large images are kept there, not uploaded)."
        ),
    )
    checksum = models.CharField(
        _("SHA-256 checksum"),
        max_length=64,
        blank=True,
        help_text=_("Computed from an uploaded file; for a file kept elsewhere, enter it."),
    )
    notes = models.TextField(_("notes"), blank=True)
    superseded = models.BooleanField(
        _("superseded"),
        default=False,
        help_text=_("Kept for history; searches show current entries unless asked."),
    )
    added_by = _user(_("added by"))

    objects = LibraryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("driver and software library")
        ordering = ["kind", "title", "-pk"]
        indexes = [models.Index(fields=["superseded", "kind"], name="doc_library_kind")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("documents:library_detail", args=[self.pk])

    @property
    def icon(self) -> str:
        return LIBRARY_KIND_ICONS.get(self.kind, "file-earmark")

    @property
    def model_list(self) -> list[str]:
        return split_models(self.device_models)
