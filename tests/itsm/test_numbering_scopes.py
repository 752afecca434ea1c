"""Number counters are scoped per form code, per day and per parent, and their stored keys
are pinned: changing the key format in a release would restart the counters and hand out
numbers that were already given."""

from datetime import date

import pytest

from itsm import numbering
from itsm.models import NumberSequence
from itsm.services import linked_number_allocate, number_allocate

DAY = date(2026, 9, 30)
NEXT_DAY = date(2026, 10, 1)
SAME_MONTH = date(2026, 9, 29)


def test_stored_counter_keys_are_pinned():
    assert numbering.daily_scope("D0201", DAY) == "D0201:20260930"
    assert numbering.linked_scope("D0302", "D0201-2026093001") == "D0302:D0201-2026093001"


def test_formats():
    assert numbering.format_number("D0201", DAY, 1) == "D0201-2026093001"
    assert numbering.format_number("D0201", DAY, 100) == "D0201-20260930100"
    assert numbering.format_linked_number("D0302", "D0201-2026093001") == "D0302-D0201-2026093001"
    assert numbering.format_linked_number("D0302", "D0201-2026093001", 2) == (
        "D0302-D0201-2026093001-02"
    )
    with pytest.raises(ValueError, match="^sequence starts at 1$"):
        numbering.format_number("D0201", DAY, 0)


@pytest.mark.django_db
def test_counters_are_separate_per_code_per_day_and_per_parent():
    assert number_allocate(code="D0201", day=DAY) == "D0201-2026093001"
    assert number_allocate(code="D0201", day=DAY) == "D0201-2026093002"
    assert number_allocate(code="D0401", day=DAY) == "D0401-2026093001"  # another form
    assert number_allocate(code="D0201", day=SAME_MONTH) == "D0201-2026092901"  # another day
    assert number_allocate(code="D0201", day=NEXT_DAY) == "D0201-2026100101"
    assert number_allocate(code="D0201", day=DAY) == "D0201-2026093003"

    parent_a, parent_b = "D0201-2026093001", "D0201-2026093002"
    assert linked_number_allocate(code="D0302", parent_number=parent_a) == f"D0302-{parent_a}"
    assert linked_number_allocate(code="D0302", parent_number=parent_b) == f"D0302-{parent_b}"
    assert linked_number_allocate(code="D0302", parent_number=parent_a) == f"D0302-{parent_a}-02"

    assert dict(NumberSequence.objects.values_list("scope", "last_value")) == {
        "D0201:20260930": 3,
        "D0401:20260930": 1,
        "D0201:20260929": 1,
        "D0201:20261001": 1,
        "D0302:D0201-2026093001": 2,
        "D0302:D0201-2026093002": 1,
    }


@pytest.mark.django_db
def test_an_existing_counter_continues_after_an_upgrade():
    """Rows written by an earlier release keep counting: no number is handed out twice."""
    NumberSequence.objects.create(scope="D0201:20260930", last_value=41)
    assert number_allocate(code="D0201", day=DAY) == "D0201-2026093042"
