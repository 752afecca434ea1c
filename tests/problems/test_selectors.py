from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from problems import selectors, services
from problems.choices import FishboneCategory, ParetoBasis
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db


def test_three_orders_on_one_device_in_30_days_suggest_a_problem(file_order, printer):
    for _ in range(3):
        file_order(device=printer)
    suggestions = selectors.problem_suggestions()
    assert [(s.kind, s.key, s.count) for s in suggestions] == [("device", printer.pk, 3)]
    assert "PR-301" in suggestions[0].label


def test_two_orders_stay_below_the_threshold(file_order, printer):
    for _ in range(2):
        file_order(device=printer)
    assert selectors.problem_suggestions() == []


@override_settings(ITSM={"PROBLEM_SUGGESTION_THRESHOLD": 2})
def test_the_threshold_comes_from_settings(file_order, printer):
    for _ in range(2):
        file_order(device=printer)
    assert len(selectors.problem_suggestions()) == 1


def test_same_category_orders_suggest_a_problem(file_order, jam):
    for _ in range(3):
        file_order(category=jam)
    suggestions = selectors.problem_suggestions()
    assert [(s.kind, s.key) for s in suggestions] == [("category", jam.pk)]


def test_orders_older_than_the_window_do_not_count(file_order, printer):
    old = timezone.now() - timedelta(days=40)
    for _ in range(3):
        file_order(device=printer, at=old)
    assert selectors.problem_suggestions(since_days=30) == []


def test_orders_linked_to_an_open_problem_are_not_suggested_again(file_order, printer, supervisor):
    orders = [file_order(device=printer) for _ in range(3)]
    services.problem_create(actor=supervisor, title="卡纸", work_orders=orders[:1])
    assert selectors.problem_suggestions() == []  # 2 left: under the threshold


def test_suggestions_take_one_query_per_grouping(file_order, printer, django_assert_num_queries):
    for _ in range(4):
        file_order(device=printer)
    with django_assert_num_queries(2):
        selectors.problem_suggestions()


def test_end_users_see_no_problems(end_user, supervisor):
    services.problem_create(actor=supervisor, title="x")
    assert not selectors.problem_list(user=end_user).exists()


def test_pareto_counts_work_orders_by_category_largest_first(file_order, jam):
    other = type(jam).objects.filter(level="fault_type").exclude(pk=jam.pk).first()
    for _ in range(3):
        file_order(category=jam)
    file_order(category=other)
    today = timezone.localdate()
    data = selectors.pareto_data(since=today - timedelta(days=1), until=today)
    assert [count for _, count in data] == [3, 1]


def test_pareto_by_cause_counts_fishbone_bones(make_person, supervisor):
    problem = services.problem_create(actor=supervisor, title="x")
    for text in ("a", "b"):
        services.fishbone_cause_add(
            problem=problem, actor=supervisor, category=FishboneCategory.MACHINE, text=text
        )
    today = timezone.localdate()
    data = selectors.pareto_data(since=date(2000, 1, 1), until=today, basis=ParetoBasis.CAUSE)
    assert data == [(str(FishboneCategory.MACHINE.label), 2)]


def test_desk_reads_known_errors(make_person, supervisor):
    desk = make_person(Role.SERVICE_DESK)
    assert list(selectors.known_error_list(user=desk)) == []
