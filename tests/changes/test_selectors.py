import pytest

from changes import selectors, services
from changes.choices import ChangeStatus

from .conftest import at

pytestmark = pytest.mark.django_db


def _submitted(make_change, **kwargs):
    change = make_change(**kwargs)
    return services.change_submit(change=change, actor=change.requester)


def test_same_item_in_overlapping_windows_is_a_conflict(make_change, printer):
    first = _submitted(make_change, items=[printer], start=at(5, 18), end=at(5, 21))
    second = _submitted(make_change, items=[printer], start=at(5, 20), end=at(5, 22))
    conflicts = selectors.change_conflicts(start=at(1, 0), end=at(31, 0))
    assert [(c.first_id, c.second_id, c.item_id) for c in conflicts] == [
        (first.pk, second.pk, printer.pk)
    ]
    assert [other for other, _item in selectors.change_conflicts_for(change=first)] == [second]


def test_back_to_back_windows_do_not_conflict(make_change, printer):
    _submitted(make_change, items=[printer], start=at(5, 18), end=at(5, 20))
    _submitted(make_change, items=[printer], start=at(5, 20), end=at(5, 22))
    assert selectors.change_conflicts(start=at(1, 0), end=at(31, 0)) == []


def test_different_items_at_the_same_time_do_not_conflict(make_change, printer, make_item):
    _submitted(make_change, items=[printer])
    _submitted(make_change, items=[make_item()])
    assert selectors.change_conflicts(start=at(1, 0), end=at(31, 0)) == []


def test_drafts_hold_no_window(make_change, printer):
    make_change(items=[printer])
    _submitted(make_change, items=[printer])
    assert selectors.change_conflicts(start=at(1, 0), end=at(31, 0)) == []


def test_calendar_places_changes_on_their_days_and_flags_conflicts(
    make_change, printer, supervisor
):
    first = _submitted(make_change, items=[printer], start=at(5, 18), end=at(6, 2))
    second = _submitted(make_change, items=[printer], start=at(5, 19), end=at(5, 20))
    cal = selectors.change_calendar(user=supervisor, year=2031, month=3)
    days = {
        day.day: changes
        for week in cal.weeks
        for day, in_month, changes, _f, _r in week
        if in_month
    }
    assert set(days[5]) == {first, second}
    assert days[6] == [first]
    assert cal.conflicting_ids == {first.pk, second.pk}
    assert first.status == ChangeStatus.SUBMITTED


def test_calendar_reads_in_a_fixed_number_of_queries(
    make_change, printer, supervisor, django_assert_max_num_queries
):
    _submitted(make_change, items=[printer])
    with django_assert_max_num_queries(10) as few:
        selectors.change_calendar(user=supervisor, year=2031, month=3)
    for day in range(1, 12):
        _submitted(make_change, items=[printer], start=at(day, 8), end=at(day, 23))
    with django_assert_max_num_queries(len(few.captured_queries)):
        cal = selectors.change_calendar(user=supervisor, year=2031, month=3)
    assert len(cal.conflicts) >= 1
