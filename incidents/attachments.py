"""Attachment rules: what may be uploaded, and storing it under a name we choose."""

import unicodedata
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import EventKind
from .models import Attachment, WorkOrderEvent

MAX_SIZE = 10 * 1024 * 1024
MAX_FILES = 10
# Photos of the fault, logs, office documents and archives of them; never HTML or scripts.
ALLOWED_EXTENSIONS = {
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".heic",
    ".txt", ".log", ".csv", ".pdf",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".ofd",
    ".zip", ".rar", ".7z",
}  # fmt: skip


def safe_file_name(name: str) -> str:
    """The last path part without control and invisible format characters.

    Bidi controls (U+202E RIGHT-TO-LEFT OVERRIDE and friends) make `invoice‮gpj.exe`
    display as `invoiceexe.jpg`; zero-width characters hide in lookalike names. Neither has
    a place in a file name, from the web form or from mail.
    """
    name = PurePath(name or "").name
    cleaned = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return cleaned.strip() or "file"


def attachment_validate(upload) -> None:
    """Refuse with a message the user understands; nothing is stored on refusal."""
    name = safe_file_name(getattr(upload, "name", "") or "")
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _(
                "“%(name)s” is not an allowed file type. Allowed: pictures, logs, PDF and office documents."
            )
            % {"name": name}
        )
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; files may be at most %(max)d MB.")
            % {
                "name": name,
                # Two decimals so a file just over the limit does not read as "10.0 MB".
                "size": f"{upload.size / 1024 / 1024:.2f}",
                "max": MAX_SIZE // 1024 // 1024,
            }
        )


def attachments_add(
    *, work_order, actor, files, event: WorkOrderEvent | None = None, internal: bool = False
):
    """Store files on a work order (inside the caller's transaction)."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(max)d files at a time.") % {"max": MAX_FILES})
    for upload in files:
        attachment_validate(upload)
    now = timezone.now()
    created = []
    for upload in files:
        attachment = Attachment(
            work_order=work_order,
            event=event,
            original_name=safe_file_name(upload.name)[:255],
            content_type=(getattr(upload, "content_type", "") or "application/octet-stream")[:100],
            size=upload.size,
            is_internal=internal,
            uploaded_by=actor,
            created_at=now,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        created.append(attachment)
    if created and event is None:
        WorkOrderEvent.objects.create(
            work_order=work_order,
            kind=EventKind.ATTACHMENT,
            actor=actor,
            is_internal=internal,
            body=", ".join(a.original_name for a in created),
            at=now,
        )
    return created
