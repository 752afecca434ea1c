"""The driver and software library (plan §4.3.3 item 2): entries kept by the document
keepers, each a file, a location or both, with the checksum that proves a copy intact."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from itsm import workflow

from .. import files, permissions
from ..choices import LibraryKind
from ..models import LibraryEntry
from ..models.library import models_index, split_models
from .common import CONFLICT

LIBRARY_FIELDS = (
    "kind",
    "title",
    "vendor",
    "version",
    "device_models",
    "operating_system",
    "location",
    "checksum",
    "notes",
    "superseded",
)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _clean(fields: dict, *, has_file: bool, upload) -> dict:
    cleaned = dict(fields)
    for name in ("title", "vendor", "version", "operating_system", "location", "notes"):
        cleaned[name] = (cleaned.get(name) or "").strip()
    cleaned["device_models"] = "\n".join(split_models(cleaned.get("device_models") or ""))
    cleaned["checksum"] = (cleaned.get("checksum") or "").strip().lower().replace(" ", "")
    cleaned["superseded"] = bool(cleaned.get("superseded"))
    errors = {}
    if cleaned.get("kind") not in LibraryKind.values:
        errors["kind"] = _("Choose what kind of entry this is.")
    if not cleaned["title"]:
        errors["title"] = _("Give the entry a title.")
    if not (has_file or upload is not None or cleaned["location"]):
        errors["location"] = _("Upload the file or say where it is kept.")
    if cleaned["checksum"] and not _SHA256.match(cleaned["checksum"]):
        errors["checksum"] = _("A SHA-256 checksum is 64 hexadecimal characters.")
    if upload is not None:
        try:
            files.library_file_validate(upload)
        except ValidationError as exc:
            errors["file"] = exc.messages[0]
        else:
            computed = files.sha256_of(upload)
            if cleaned["checksum"] and cleaned["checksum"] != computed:
                errors["checksum"] = _(
                    "The checksum you entered does not match the uploaded file (its SHA-256 "
                    "is %(computed)s): the file may be damaged or not the one meant."
                ) % {"computed": computed}
            cleaned["checksum"] = computed
    if errors:
        raise ValidationError(errors)
    return cleaned


def _store(entry: LibraryEntry, upload) -> None:
    entry.original_name = upload.name.rsplit("/", 1)[-1][:255]
    entry.content_type = (getattr(upload, "content_type", "") or "application/octet-stream")[:100]
    entry.size = upload.size
    entry.file.save(upload.name, upload, save=False)


@transaction.atomic
def library_entry_save(
    *,
    actor,
    entry: LibraryEntry | None = None,
    lock_version: int | None = None,
    ci_classes=None,
    file=None,
    **fields,
) -> LibraryEntry:
    """Add an entry (`entry` None) or update one the keeper saw at `lock_version`.

    An uploaded file is checked (type, size) and its SHA-256 computed; a checksum typed
    for it must match. An entry needs a file or a location. Nothing is saved on refusal.
    """
    workflow.require(permissions.role_refusal(actor, "library"))
    unknown = set(fields) - set(LIBRARY_FIELDS)
    if unknown:
        raise ValueError(f"not library fields: {sorted(unknown)}")
    if entry is not None:
        entry = workflow.lock(entry, expected=lock_version, conflict=CONFLICT)
        fields = {name: fields.get(name, getattr(entry, name)) for name in LIBRARY_FIELDS}
        if file is not None and fields["checksum"] == entry.checksum:
            fields["checksum"] = ""  # the old file's, left in the form: the new file's counts
    cleaned = _clean(fields, has_file=bool(entry and entry.file), upload=file)
    if entry is None:
        entry = LibraryEntry(added_by=actor)
    for name, value in cleaned.items():
        setattr(entry, name, value)
    entry.models_key = models_index(entry.device_models)
    if file is not None:
        _store(entry, file)
    if entry.pk is None:
        entry.save()
    else:
        workflow.save(entry)
    if ci_classes is not None:
        entry.ci_classes.set(list(ci_classes))
    return entry
