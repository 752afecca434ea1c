"""The document numbering scheme of the operations plan (§3.2 A), as pure functions.

    A01, A02 …   level 1 (overall): A + a two-digit serial
    B01, B02 …   level 2 (procedures): B + a two-digit serial
    C0101 …      level 3 (supporting documents): C + the procedure's serial + a serial
    D0201 …      level 4 (forms): D + the procedure's serial + a serial

Serials start at 01. A C or D number names the B procedure it derives from: C0101 is
the first supporting document of procedure B01, D0201 the first form of B02.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(?P<level>[A-D])(?P<first>\d{2})(?P<second>\d{2})?$")


@dataclass(frozen=True)
class DocumentNumber:
    level: str  # "A" … "D"
    serial: int  # the document's own serial
    procedure: int | None = None  # for C and D: the serial of the B procedure

    @property
    def procedure_number(self) -> str | None:
        return f"B{self.procedure:02d}" if self.procedure is not None else None

    def __str__(self):
        if self.procedure is None:
            return f"{self.level}{self.serial:02d}"
        return f"{self.level}{self.procedure:02d}{self.serial:02d}"


class NumberFormatError(ValueError):
    """The text is not a number of the scheme; the message says what is expected."""


EXPECTED = {
    "A": "A + two digits, e.g. A01",
    "B": "B + two digits, e.g. B03",
    "C": "C + the procedure's two digits + two digits, e.g. C0101",
    "D": "D + the procedure's two digits + two digits, e.g. D0201",
}


def parse(text: str, *, level: str | None = None) -> DocumentNumber:
    """`text` as a document number; raises NumberFormatError (with a code) when it is not one.

    Codes: "format" (not A01 / B01 / C0101 / D0101), "level" (another level than the
    one asked for), "zero" (a serial of 00).
    """
    text = (text or "").strip().upper()
    match = _PATTERN.match(text)
    if match is None:
        raise NumberFormatError("format")
    found = match["level"]
    if level and found != level:
        raise NumberFormatError("level")
    two_part = found in ("C", "D")
    if two_part != (match["second"] is not None):
        raise NumberFormatError("format")
    first, second = int(match["first"]), int(match["second"] or 0)
    if first == 0 or (two_part and second == 0):
        raise NumberFormatError("zero")
    if two_part:
        return DocumentNumber(level=found, serial=second, procedure=first)
    return DocumentNumber(level=found, serial=first)


def next_number(level: str, used: list[str], *, procedure: int | None = None) -> str:
    """The first serial after the highest one in `used` for this level (and procedure)."""
    highest = 0
    for text in used:
        try:
            number = parse(text, level=level)
        except NumberFormatError:
            continue
        if number.procedure == procedure:
            highest = max(highest, number.serial)
    if highest >= 99:
        raise NumberFormatError("full")
    return str(DocumentNumber(level=level, serial=highest + 1, procedure=procedure))


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, on the last day of the month when it is shorter (31 Jan + 1 → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
