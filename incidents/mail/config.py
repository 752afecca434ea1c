"""The mail intake's settings (settings.ITSM["MAIL_INTAKE"], from the environment)."""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNKNOWN_SENDER_CREATE = "create"
UNKNOWN_SENDER_REJECT = "reject"

DEFAULTS = {
    "IMAP_URL": "",
    "IMAP_STARTTLS": False,
    "ARCHIVE_FOLDER": "",
    "UNKNOWN_SENDER": UNKNOWN_SENDER_CREATE,
    "BATCH_SIZE": 200,
    "TIMEOUT": 60,
    # New work orders one sender may open by mail per hour; more are held for review
    # (a looping autoresponder or a script must not flood the queue and the auto-replies).
    "SENDER_HOURLY_LIMIT": 10,
    # Larger mail is not downloaded: a row records it (sender, subject, size) for review.
    "MAX_MAIL_BYTES": 30 * 1024 * 1024,
}


def intake_settings() -> dict:
    return {**DEFAULTS, **settings.ITSM.get("MAIL_INTAKE", {})}


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    ssl: bool
    starttls: bool
    user: str
    password: str
    folder: str
    archive_folder: str
    timeout: int

    def __repr__(self):  # keeps the password out of logs and tracebacks
        return f"ImapSettings({self.user}@{self.host}:{self.port}/{self.folder})"


def imap_url_parse(
    url: str, *, starttls: bool = False, archive_folder: str = "", timeout: int = 60
) -> ImapSettings | None:
    """`imaps://user:pass@host:993/INBOX` or `imap://…:143/INBOX`; None when empty.

    User and password are percent-decoded, so `@`, `:` or `/` in them are written `%40`,
    `%3A`, `%2F`. The path is the folder to read (INBOX when empty).
    """
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ImproperlyConfigured("IMAP_URL must start with imap:// or imaps://")
    if not parts.hostname:
        raise ImproperlyConfigured("IMAP_URL has no host")
    if parts.scheme == "imaps" and starttls:
        raise ImproperlyConfigured("IMAP_STARTTLS is for imap://, not imaps://")
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured("IMAP_URL has an invalid port") from exc
    return ImapSettings(
        host=parts.hostname,
        port=port or (993 if parts.scheme == "imaps" else 143),
        ssl=parts.scheme == "imaps",
        starttls=bool(starttls),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
        archive_folder=archive_folder or "",
        timeout=int(timeout),
    )


def imap_settings() -> ImapSettings | None:
    conf = intake_settings()
    return imap_url_parse(
        conf["IMAP_URL"],
        starttls=conf["IMAP_STARTTLS"],
        archive_folder=conf["ARCHIVE_FOLDER"],
        timeout=conf["TIMEOUT"],
    )
