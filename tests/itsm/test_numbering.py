from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections

from itsm import numbering
from itsm.services import form_code_get, linked_number_allocate, number_allocate


def test_number_has_code_date_and_two_digit_sequence():
    assert numbering.format_number("D0201", date(2005, 3, 14), 1) == "D0201-2005031401"


def test_sequence_widens_past_99_instead_of_wrapping():
    assert numbering.format_number("D0201", date(2026, 9, 30), 99) == "D0201-2026093099"
    assert numbering.format_number("D0201", date(2026, 9, 30), 100) == "D0201-20260930100"


def test_linked_number_prefixes_the_parent():
    assert numbering.format_linked_number("D0302", "D0201-2005031401") == "D0302-D0201-2005031401"
    assert (
        numbering.format_linked_number("D0302", "D0201-2005031401", 2)
        == "D0302-D0201-2005031401-02"
    )


def test_sequence_zero_is_refused():
    with pytest.raises(ValueError):
        numbering.format_number("D0201", date(2026, 1, 1), 0)


@pytest.mark.django_db
def test_allocation_counts_per_day_and_restarts_next_day():
    day = date(2026, 9, 30)
    first = number_allocate(code="D0201", day=day)
    second = number_allocate(code="D0201", day=day)
    next_day = number_allocate(code="D0201", day=date(2026, 10, 1))
    assert (first, second, next_day) == ("D0201-2026093001", "D0201-2026093002", "D0201-2026100101")


@pytest.mark.django_db
def test_allocation_goes_past_99_in_a_day():
    numbers = [number_allocate(code="D0405", day=date(2026, 10, 8)) for _ in range(101)]
    assert numbers[98] == "D0405-2026100899"
    assert numbers[99] == "D0405-20261008100"
    assert len(set(numbers)) == 101


@pytest.mark.django_db
def test_linked_numbers_count_per_parent():
    assert (
        linked_number_allocate(code="D0302", parent_number="D0201-2026093001")
        == "D0302-D0201-2026093001"
    )
    assert (
        linked_number_allocate(code="D0302", parent_number="D0201-2026093001")
        == "D0302-D0201-2026093001-02"
    )


@pytest.mark.django_db
def test_form_codes_are_configurable_data():
    assert form_code_get(key="work_order", default="X") == "D0201"
    assert form_code_get(key="no_such_form", default="D9999") == "D9999"


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_allocations_give_fifty_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers anyway; the race matters on PostgreSQL (CI)")
    day = date(2026, 11, 30)

    def allocate(_):
        try:
            return number_allocate(code="D0201", day=day)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=25) as pool:
        numbers = list(pool.map(allocate, range(50)))
    assert len(set(numbers)) == 50
    assert sorted(numbers)[-1] == "D0201-2026113050"
