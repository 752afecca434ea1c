"""The document numbering scheme (plan §3.2 A) as pure functions: no database."""

from datetime import date

import pytest

from documents.numbering import (
    DocumentNumber,
    NumberFormatError,
    add_months,
    next_number,
    parse,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A01", DocumentNumber("A", 1)),
        ("b03", DocumentNumber("B", 3)),
        ("C0101", DocumentNumber("C", 1, procedure=1)),
        ("D0201", DocumentNumber("D", 1, procedure=2)),
        (" D0412 ", DocumentNumber("D", 12, procedure=4)),
    ],
)
def test_parse_reads_each_level(text, expected):
    assert parse(text) == expected
    assert str(parse(text)) == text.strip().upper()


def test_a_c_or_d_number_names_its_procedure():
    assert parse("D0201").procedure_number == "B02"
    assert parse("A01").procedure_number is None


@pytest.mark.parametrize(
    ("text", "level", "code"),
    [
        ("A1", None, "format"),
        ("A0101", None, "format"),
        ("C01", None, "format"),
        ("E01", None, "format"),
        ("B00", None, "zero"),
        ("D0200", None, "zero"),
        ("D0001", None, "zero"),
        ("B01", "A", "level"),
        ("<script>", None, "format"),
    ],
)
def test_parse_refuses_numbers_outside_the_scheme(text, level, code):
    with pytest.raises(NumberFormatError) as exc:
        parse(text, level=level)
    assert str(exc.value) == code


def test_next_number_follows_the_highest_serial_of_the_level_and_procedure():
    used = ["A01", "A02", "B01", "B02", "D0201", "D0203", "D0301", "junk"]
    assert next_number("A", used) == "A03"
    assert next_number("B", used) == "B03"
    assert next_number("D", used, procedure=2) == "D0204"
    assert next_number("D", used, procedure=5) == "D0501"
    assert next_number("C", used, procedure=1) == "C0101"


def test_next_number_refuses_when_the_two_digits_are_used_up():
    with pytest.raises(NumberFormatError):
        next_number("B", ["B99"])


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected
