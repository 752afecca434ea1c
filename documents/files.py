"""What a document file may be, checked before anything is stored."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_SIZE = 20 * 1024 * 1024
# Office documents, PDF/OFD, pictures of paper originals and archives; never HTML or scripts.
ALLOWED_EXTENSIONS = {
    ".pdf", ".ofd", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".wps", ".et", ".dps",
    ".odt", ".ods", ".odp", ".txt", ".csv", ".rtf",
    ".jpg", ".jpeg", ".png", ".tif", ".tiff",
    ".zip", ".rar", ".7z",
}  # fmt: skip


def file_validate(upload) -> None:
    """Refuse with a message the user understands; nothing is stored on refusal."""
    name = PurePath(getattr(upload, "name", "") or "").name
    if PurePath(name).suffix.lower() not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _(
                "“%(name)s” is not an allowed document type. Allowed: PDF, OFD, office "
                "documents, text, pictures of scans and archives."
            )
            % {"name": name},
            code="file_type",
        )
    if upload.size > MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s MB; document files may be at most %(max)d MB.")
            % {"name": name, "size": f"{upload.size / 1024 / 1024:.2f}", "max": MAX_SIZE >> 20},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")


def file_store(target, upload) -> None:
    """Put `upload` on `target` (a StoredFile) under a random name, keeping the original name."""
    file_validate(upload)
    target.original_name = PurePath(upload.name).name[:255]
    target.content_type = (getattr(upload, "content_type", "") or "application/octet-stream")[:100]
    target.size = upload.size
    target.file.save(upload.name, upload, save=False)
