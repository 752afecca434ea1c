"""Reading the intake mailbox over IMAP (imaplib: plain, implicit TLS or STARTTLS).

A mail is marked \\Seen (or moved to the archive folder) only after its InboundMail row
is committed. A crash in between leaves it unseen, and the next poll feeds it in again,
which the Message-ID makes harmless.
"""

import base64
import imaplib
import logging
import re
import ssl
import uuid
from contextlib import contextmanager, suppress

from django.core.cache import cache

from .config import ImapSettings, imap_settings
from .intake import mail_ingest, mail_record_oversize

logger = logging.getLogger(__name__)

POLL_LOCK_KEY = "incidents:mail-poll-lock"
POLL_LOCK_SECONDS = 55


class ImapError(Exception):
    pass


def imap_utf7(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3), e.g. 已处理 → &XfJZBHQG-."""
    out, pending = [], []

    def flush():
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def _quoted(name: str) -> str:
    name = imap_utf7(name)
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response, what: str):
    status, data = response
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapError(f"{what} failed: {status} {detail}")
    return data


@contextmanager
def imap_connect(conf: ImapSettings):
    """A logged-in connection with the intake folder selected read-write."""
    if conf.ssl:
        client = imaplib.IMAP4_SSL(
            conf.host, conf.port, ssl_context=ssl.create_default_context(), timeout=conf.timeout
        )
    else:
        client = imaplib.IMAP4(conf.host, conf.port, timeout=conf.timeout)
    try:
        if conf.starttls:
            client.starttls(ssl_context=ssl.create_default_context())
        _check(client.login(conf.user, conf.password), "LOGIN")
        _check(client.select(_quoted(conf.folder)), f"SELECT {conf.folder}")
        yield client
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def _fetched_bytes(data) -> bytes | None:
    for item in data or ():
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _size(data) -> int | None:
    """RFC822.SIZE from a FETCH answer such as `[b'7 (UID 7 RFC822.SIZE 2048)']`."""
    for item in data or ():
        text = item.decode("ascii", "replace") if isinstance(item, bytes) else ""
        match = re.search(r"RFC822\.SIZE (\d+)", text)
        if match:
            return int(match.group(1))
    return None


def _capabilities(client) -> set[str]:
    status, data = client.capability()
    if status != "OK" or not data or not data[0]:
        return set(client.capabilities)
    return {c.upper() for c in data[0].decode("ascii", "replace").split()}


def _archive(client, uid: bytes, folder: str, capabilities: set[str]) -> None:
    if "MOVE" in capabilities:
        _check(client.uid("MOVE", uid, _quoted(folder)), "UID MOVE")
        return
    _check(client.uid("COPY", uid, _quoted(folder)), "UID COPY")
    _check(client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted \Seen)"), "UID STORE")
    if "UIDPLUS" in capabilities:
        _check(client.uid("EXPUNGE", uid), "UID EXPUNGE")
    else:
        _check(client.expunge(), "EXPUNGE")


def mailbox_poll(*, conf: ImapSettings | None = None, limit: int | None = None) -> dict:
    """Read new mail from the intake mailbox and feed each to `mail_ingest`.

    Without an archive folder, reads the UNSEEN mail and flags it \\Seen; with one, reads
    everything in the folder and moves it there. A mail whose processing crashes is left
    where it is, logged, and the batch goes on.
    """
    from .config import intake_settings

    conf = conf or imap_settings()
    if conf is None:
        return {"enabled": False}
    limit = limit or int(intake_settings()["BATCH_SIZE"])
    max_bytes = int(intake_settings()["MAX_MAIL_BYTES"])
    counts = {"enabled": True, "fetched": 0, "errors": 0}
    with imap_connect(conf) as client:
        capabilities = _capabilities(client)
        if conf.archive_folder:
            client.create(_quoted(conf.archive_folder))  # NO when it exists: fine
        validity = (client.response("UIDVALIDITY")[1] or [b"0"])[0] or b"0"
        criteria = "ALL" if conf.archive_folder else "UNSEEN"
        data = _check(client.uid("SEARCH", None, criteria), "UID SEARCH")
        uids = (data[0] or b"").split()[:limit]
        for uid in uids:
            try:
                size = _size(_check(client.uid("FETCH", uid, "(RFC822.SIZE)"), "FETCH"))
                mailbox_uid = f"{validity.decode()}:{uid.decode()}"
                if size is not None and size > max_bytes:
                    # Read the headers only: a 70 MB mail must not cost half a gigabyte.
                    headers = _fetched_bytes(
                        _check(client.uid("FETCH", uid, "(BODY.PEEK[HEADER])"), "FETCH")
                    )
                    if headers is None:
                        continue
                    counts["fetched"] += 1
                    mail = mail_record_oversize(headers=headers, size=size, uid=mailbox_uid)
                else:
                    raw = _fetched_bytes(_check(client.uid("FETCH", uid, "(BODY.PEEK[])"), "FETCH"))
                    if raw is None:
                        continue  # expunged meanwhile
                    counts["fetched"] += 1
                    mail = mail_ingest(raw=raw, uid=mailbox_uid)
                counts[mail.status] = counts.get(mail.status, 0) + 1
                if conf.archive_folder:
                    _archive(client, uid, conf.archive_folder, capabilities)
                else:
                    _check(client.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), "UID STORE")
            except (imaplib.IMAP4.abort, OSError):
                raise  # the connection is gone: the next poll starts afresh
            except Exception:  # noqa: BLE001 (left unseen, retried at the next poll)
                counts["errors"] += 1
                logger.exception("Mail intake: UID %s could not be processed", uid)
    return counts


@contextmanager
def poll_lock():
    """True for the one worker that may poll now; the lock expires before the next minute.

    Needs a shared cache (CACHE_URL=redis://…) to exclude workers on other hosts; even
    without one, two polls at once only repeat work the Message-ID makes harmless.
    """
    token = uuid.uuid4().hex
    claimed = cache.add(POLL_LOCK_KEY, token, timeout=POLL_LOCK_SECONDS)
    try:
        yield claimed
    finally:
        if claimed and cache.get(POLL_LOCK_KEY) == token:
            cache.delete(POLL_LOCK_KEY)
