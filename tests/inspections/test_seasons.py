"""The seasonal schedule and the measured limits: pure, no database."""

from datetime import date
from decimal import Decimal

import pytest

from inspections.limits import limit_text, parse_value, within
from inspections.seasons import Season

LIGHTNING = Season(start=4, end=8, every_in_season=1, every_off_season=4)


def test_lightning_protection_is_due_monthly_april_to_august_and_every_four_months_otherwise():
    assert LIGHTNING.due_months() == [4, 5, 6, 7, 8, 12]


@pytest.mark.parametrize(
    ("checked", "due"),
    [
        (date(2026, 1, 10), date(2026, 4, 30)),
        (date(2026, 2, 10), date(2026, 4, 30)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 4, 1), date(2026, 5, 31)),
        (date(2026, 5, 10), date(2026, 6, 30)),
        (date(2026, 6, 10), date(2026, 7, 31)),
        (date(2026, 7, 10), date(2026, 8, 31)),
        (date(2026, 8, 10), date(2026, 12, 31)),
        (date(2026, 9, 10), date(2026, 12, 31)),
        (date(2026, 10, 10), date(2026, 12, 31)),
        (date(2026, 11, 30), date(2026, 12, 31)),
        (date(2026, 12, 10), date(2027, 4, 30)),
    ],
)
def test_next_check_after_a_check_in_each_month_of_the_year(checked, due):
    assert LIGHTNING.next_due_after_check(checked) == due


def test_first_due_counts_the_current_month_when_it_is_a_due_month():
    assert LIGHTNING.first_due_from(date(2026, 6, 15)) == date(2026, 6, 30)
    assert LIGHTNING.first_due_from(date(2026, 9, 1)) == date(2026, 12, 31)


def test_a_season_over_the_new_year_and_no_season_at_all():
    assert Season(start=11, end=2, every_in_season=1, every_off_season=3).due_months() == [
        1, 2, 5, 8, 11, 12,
    ]  # fmt: skip
    assert Season(every_off_season=3).due_months() == [1, 4, 7, 10]


def test_ground_resistance_limit_is_inclusive_and_a_higher_value_fails():
    four = Decimal("4")
    assert within(Decimal("4.000"), None, four)
    assert within(Decimal("0.8"), None, four)
    assert not within(Decimal("4.01"), None, four)
    assert limit_text(None, four, "Ω") == "≤ 4 Ω"
    assert limit_text(Decimal("1"), Decimal("5.5"), "V") == "1–5.5 V"


def test_measured_values_are_read_as_typed_and_nonsense_is_none():
    assert parse_value(" 3,2 ") == Decimal("3.2")
    assert parse_value("") is None
    assert parse_value("abc") is None
    assert parse_value("inf") is None
