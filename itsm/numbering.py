"""Form numbers in the customer's scheme (operations plan §3.2 A).

`D0201-2005031401`: form code, local date `yyyymmdd`, a daily sequence from 01. The
sequence is zero-padded to two digits and simply grows wider past 99 (`…100`), so a busy
day never wraps or repeats. A linked record prefixes its own code to the number it
tracks: `D0302-D0201-2005031401`.

These are pure functions; `itsm.services.number_allocate` hands out the sequence.
"""

from datetime import date

SEQUENCE_WIDTH = 2


def format_number(code: str, day: date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{code}-{day:%Y%m%d}{sequence:0{SEQUENCE_WIDTH}d}"


def format_linked_number(code: str, parent_number: str, sequence: int = 1) -> str:
    """The first linked record carries the parent number as is; later ones get `-02`, `-03`."""
    base = f"{code}-{parent_number}"
    return base if sequence == 1 else f"{base}-{sequence:0{SEQUENCE_WIDTH}d}"


def daily_scope(code: str, day: date) -> str:
    return f"{code}:{day:%Y%m%d}"


def linked_scope(code: str, parent_number: str) -> str:
    return f"{code}:{parent_number}"
