"""The fields a console export can hold, and how their cells read: times, results, versions.

Shared by the import (antivirus.importing), the mapping form and the daily check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy

from .choices import EventResult, ImportKind


@dataclass(frozen=True)
class Field:
    key: str
    label: object
    required: bool = False


FIELDS = {
    ImportKind.STATUS: (
        Field("host", gettext_lazy("Host name"), True),
        Field("ip", gettext_lazy("IP address")),
        Field("user", gettext_lazy("User")),
        Field("product", gettext_lazy("Product")),
        Field("product_version", gettext_lazy("Product version")),
        Field("engine_version", gettext_lazy("Engine version")),
        Field("signature_version", gettext_lazy("Signature version"), True),
        Field("signature_date", gettext_lazy("Signature date")),
        Field("console", gettext_lazy("Console")),
        Field("last_seen", gettext_lazy("Last seen")),
    ),
    ImportKind.EVENTS: (
        Field("detected_at", gettext_lazy("Detected at"), True),
        Field("host", gettext_lazy("Host name"), True),
        Field("ip", gettext_lazy("IP address")),
        Field("user", gettext_lazy("User")),
        Field("threat", gettext_lazy("Threat"), True),
        Field("file_path", gettext_lazy("File path")),
        Field("action", gettext_lazy("Action")),
        Field("result", gettext_lazy("Result"), True),
        Field("product", gettext_lazy("Product")),
    ),
}

DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
)

# Console wording of a result, first match wins (Chinese consoles and Trend Micro's English).
RESULT_WORDS = (
    (
        ("失败", "未处理", "无法", "unable", "fail", "not resolved", "pass", "放行"),
        EventResult.FAILED,
    ),
    (("清除", "已清", "clean", "修复"), EventResult.CLEANED),
    (("隔离", "quarantin"), EventResult.QUARANTINED),
    (("删除", "delete"), EventResult.DELETED),
    (("阻止", "拦截", "block", "deny", "denied"), EventResult.BLOCKED),
)


def parse_result(text: str) -> str:
    lowered = text.lower()
    for words, result in RESULT_WORDS:
        if any(word in lowered for word in words):
            return result
    return EventResult.OTHER


def parse_datetime(text: str) -> datetime:
    text = text.strip()
    try:  # the common ISO-like export, in C (strptime is ten times slower)
        value = datetime.fromisoformat(text)
    except ValueError:
        pass
    else:
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    for fmt in DATETIME_FORMATS:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    raise ValueError(text)


def version_key(text: str) -> tuple:
    """'12.0.1008' > '12.0.999': versions compare by their numbers, not as text."""
    parts = []
    for piece in text.replace("-", ".").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)
