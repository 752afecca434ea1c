"""Helpers shared by the import modules: header and date parsing, deferred values."""

import re
from datetime import date


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-*:：()（）/]+", "", str(text)).lower()


def _parse_date(text: str) -> date:
    text = text.strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T[\d:.]+", text)
    if not match:
        raise ValueError
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


class _NewSupplier(str):
    """A supplier name not in the CMDB yet: created when the row is applied."""


class _FileParent(str):
    """The tag of a parent created by an earlier row of the same file (resolved on apply)."""

    line = 0
