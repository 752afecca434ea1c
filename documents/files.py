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


# The driver library also holds installers, driver packages and disc images (downloaded
# by IT staff as attachments, never shown inline); larger images stay at their location.
LIBRARY_MAX_SIZE = 200 * 1024 * 1024
LIBRARY_EXTENSIONS = ALLOWED_EXTENSIONS | {
    ".exe", ".msi", ".msu", ".inf", ".cab", ".sys", ".cat", ".iso", ".img", ".wim",
    ".gho", ".bin", ".deb", ".rpm", ".sh", ".tar", ".gz", ".tgz", ".xz",
}  # fmt: skip


def library_file_validate(upload) -> None:
    """Like file_validate, for the driver library's wider set of file types and sizes."""
    name = PurePath(getattr(upload, "name", "") or "").name
    if PurePath(name).suffix.lower() not in LIBRARY_EXTENSIONS:
        raise ValidationError(
            _(
                "“%(name)s” is not a file type the library keeps. Allowed: documents, "
                "archives, installers, driver packages and disc images."
            )
            % {"name": name},
            code="file_type",
        )
    if upload.size > LIBRARY_MAX_SIZE:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s MB; library files may be at most %(max)d MB. Keep "
                "larger images on the file server and give their location."
            )
            % {
                "name": name,
                "size": f"{upload.size / 1024 / 1024:.2f}",
                "max": LIBRARY_MAX_SIZE >> 20,
            },
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="file_empty")


def sha256_of(upload) -> str:
    """The SHA-256 of an upload, read in chunks (the file is not loaded whole)."""
    import hashlib

    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
