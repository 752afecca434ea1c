"""Reading a raw mail into what the intake needs; pure functions, no database.

Chinese mail arrives in every historic charset: RFC 2047 subjects in GBK or GB2312
(whose senders really mean GBK), 8-bit headers nobody declared, RFC 2231 file names.
Every decode here falls back rather than fails: GB2312 and GBK are read as their
superset GB18030, undeclared bytes are tried as UTF-8 then GB18030, and the last resort
replaces what cannot be read, so a mail with one bad byte still becomes a work order.
"""

import email
import email.errors
import email.header
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import PurePath

# Charsets that senders declare for text that is really a superset.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "ks_c_5601-1987": "cp949",
    "iso-8859-1": "cp1252",
    "us-ascii": "utf-8",
    "ascii": "utf-8",
}
_FALLBACK_CHARSETS = ("utf-8", "gb18030")

MAX_BODY_CHARS = 100_000


class MalformedMail(Exception):
    """The mail cannot be made sense of (no sender, not a mail at all)."""


@dataclass
class MailPart:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message: EmailMessage
    message_id: str
    from_address: str
    from_name: str
    subject: str
    date: datetime | None
    text: str
    attachments: list[MailPart] = field(default_factory=list)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text from bytes in a declared (or guessed) charset, never raising."""
    tried = []
    if charset:
        name = charset.strip().strip('"').lower()
        tried.append(_CHARSET_ALIASES.get(name, name))
    tried += [c for c in _FALLBACK_CHARSETS if c not in tried]
    for name in tried:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    # Nothing fits cleanly: the declared charset if Python knows it, else GB18030 (a
    # superset of what Chinese mail declares), with replacement characters either way.
    for name in (tried[0], "gb18030"):
        try:
            return data.decode(name if name != "utf-8" else "gb18030", errors="replace")
        except LookupError:  # a charset name Python has never heard of
            continue
    return data.decode("gb18030", errors="replace")


def _unescape_surrogates(text: str) -> str:
    """The email package keeps undeclared 8-bit header bytes as surrogates; read them."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"))


def decode_header_value(value) -> str:
    """A header as text: RFC 2047 words decoded with the charset fallbacks, folding undone."""
    if value is None:
        return ""
    value = _unescape_surrogates(str(value))
    if "=?" not in value:
        return re.sub(r"\s*\r?\n\s*", " ", value).strip()
    try:
        chunks = email.header.decode_header(value)
    except (ValueError, email.errors.HeaderParseError):
        return value.strip()
    text = []
    for chunk, charset in chunks:
        text.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return re.sub(r"\s*\r?\n\s*", " ", "".join(text)).strip()


def raw_header(message, name: str) -> str | None:
    """The header as the sender wrote it, before the strict policy's parsing (which can
    raise, or mangle a GBK encoded word it cannot decode)."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return None


def message_id_of(raw: bytes) -> str:
    """The Message-ID of bytes that may not even be a mail; "" when there is none."""
    try:
        message = email.message_from_bytes(bytes(raw or b""), policy=email.policy.compat32)
        return decode_header_value(message.get("Message-ID"))
    except Exception:  # noqa: BLE001 (anything unreadable simply has no Message-ID)
        return ""


def message_key(message_id: str, raw: bytes) -> str:
    """The idempotency key: the Message-ID, or a digest of the bytes when there is none."""
    message_id = (message_id or "").strip()
    if not message_id:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(message_id) > 255:
        return "sha256-id:" + hashlib.sha256(message_id.encode("utf-8", "replace")).hexdigest()
    return message_id


def _address(message, name: str) -> tuple[str, str]:
    value = raw_header(message, name)
    if not value:
        return "", ""
    addresses = getaddresses([_unescape_surrogates(value)])
    for display, address in addresses:
        if "@" in address:
            return decode_header_value(display), address.strip().lower()
    return "", ""


def sender(message) -> tuple[str, str]:
    """(display name, address) of the From header, or ("", "") when it has no address."""
    return _address(message, "From")


def _part_text(part) -> str:
    payload = part.get_payload(decode=True) or b""
    return decode_bytes(payload, part.get_content_charset())


class _TextExtractor(HTMLParser):
    """HTML to plain text: tags dropped, scripts and styles dropped, blocks on new lines."""

    _BLOCKS = {
        "br", "p", "div", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "hr", "section", "article", "header", "footer",
    }  # fmt: skip
    _SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.chunks.append("\n")
        elif tag == "td":
            self.chunks.append("\t")

    def handle_startendtag(self, tag, attrs):
        if tag in self._BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body; what comes out is text, never markup."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "".join(extractor.chunks).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _filename(part) -> str:
    name = None
    try:
        name = part.get_filename()
    except (ValueError, LookupError, TypeError):
        name = None
    if not name:
        raw_name = part.get_param("name", header="content-type")
        name = email.utils.collapse_rfc2231_value(raw_name) if raw_name else None
    name = decode_header_value(name) if name else ""
    name = PurePath(name.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", name).strip()


def _walk(part):
    """Leaves of the MIME tree; an attached mail (message/rfc822) is one leaf, not entered."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    for child in part.get_payload():
        yield from _walk(child)


def _is_attachment(part) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if part.get_content_type() == "message/rfc822":
        return True
    return bool(_filename(part)) and part.get_content_maintype() != "text"


def _guess_extension(content_type: str) -> str:
    import mimetypes

    return mimetypes.guess_extension(content_type) or ".bin"


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw bytes; MalformedMail if there is no usable sender."""
    if not raw or not isinstance(raw, bytes | bytearray):
        raise MalformedMail("empty mail")
    message = email.message_from_bytes(bytes(raw), policy=email.policy.default)
    if not list(message.raw_items()):
        raise MalformedMail("no mail headers")
    from_name, from_address = sender(message)
    if not from_address:
        raise MalformedMail("no sender address (From)")

    date = None
    raw_date = raw_header(message, "Date")
    if raw_date:
        try:
            date = parsedate_to_datetime(raw_date.strip())
        except (TypeError, ValueError, IndexError):
            date = None

    text_part = html_part = None
    attachments: list[MailPart] = []
    for index, part in enumerate(_walk(message), start=1):
        if _is_attachment(part):
            content_type = part.get_content_type()
            if content_type == "message/rfc822":
                inner = part.get_payload()
                data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
            else:
                data = part.get_payload(decode=True) or b""
            name = _filename(part) or f"attachment-{index}{_guess_extension(content_type)}"
            attachments.append(MailPart(filename=name, content_type=content_type, data=data))
        elif part.get_content_type() == "text/plain" and text_part is None:
            text_part = part
        elif part.get_content_type() == "text/html" and html_part is None:
            html_part = part

    if text_part is not None:
        text = _part_text(text_part)
    elif html_part is not None:
        text = html_to_text(_part_text(html_part))
    else:
        text = ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()[:MAX_BODY_CHARS]

    return ParsedMail(
        message=message,
        message_id=decode_header_value(raw_header(message, "Message-ID")),
        from_address=from_address,
        from_name=from_name,
        subject=decode_header_value(raw_header(message, "Subject")),
        date=date,
        text=text,
        attachments=attachments,
    )


# --- the new part of a reply ----------------------------------------------------------

# A line that starts the quoted original: everything from here on is the old mail.
_CUT_MARKERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^-{2,}\s*(original message|forwarded message)\s*-{2,}\s*$",
        r"^-{2,}\s*(原始邮件|原始郵件|回复的原邮件|转发的邮件|邮件原文)\s*-{2,}\s*$",
        r"^_{10,}\s*$",  # Outlook's rule above the original's header block
    )
]
# "On Mon, … wrote:" / "在 2026年9月30日 … 写道：": Gmail, Thunderbird, Apple Mail, Foxmail.
_ATTRIBUTION = re.compile(r"^(On\s.+\swrote|在.+写道)\s*[:：]\s*$", re.IGNORECASE)
# Outlook's header block of the original, without the rule line.
_HEADER_START = re.compile(r"^\*?(From|发件人|寄件者)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\*?(Sent|Date|To|Subject|Cc|发送时间|时间|日期|收件人|主题|抄送|寄件日期)\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s?$")
_MOBILE_FOOTER = re.compile(
    r"^(sent from my \w+.*|发自我的\s*\S+|从我的\s*\S+\s*发送|来自\s*\S+\s*邮箱)$", re.IGNORECASE
)


def reply_text(text: str) -> str:
    """The new part of a reply: quoted lines, the quoted original and the signature removed."""
    lines = text.splitlines()
    kept: list[str] = []
    skip = set()
    for i, line in enumerate(lines):
        if i in skip:
            continue
        stripped = line.strip()
        if _SIGNATURE.match(line) or any(p.match(stripped) for p in _CUT_MARKERS):
            break
        if _HEADER_START.match(stripped) and any(
            _HEADER_NEXT.match(following.strip()) for following in lines[i + 1 : i + 5]
        ):
            break
        attribution = bool(_ATTRIBUTION.match(stripped))
        if not attribution and i + 1 < len(lines) and stripped.lower().startswith(("on ", "在")):
            # Gmail folds a long attribution over two lines.
            attribution = bool(_ATTRIBUTION.match(f"{stripped} {lines[i + 1].strip()}"))
            if attribution:
                skip.add(i + 1)
        if attribution:
            rest = [r for r in lines[i + 1 :] if r.strip()]
            if any(r.lstrip().startswith(">") for r in rest):
                continue  # quoted below: drop the attribution, the ">" lines go on their own
            break  # the original follows unquoted
        if stripped.startswith(">") or _MOBILE_FOOTER.match(stripped):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
