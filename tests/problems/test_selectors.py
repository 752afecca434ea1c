from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from problems import selectors, services
from problems.choices import FishboneCategory, ParetoBasis, ProblemStatus
from problems.models import Problem
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


def test_suggestions_take_one_query_per_grouping_and_one_for_open_problems(
    file_order, printer, jam, django_assert_num_queries
):
    for _ in range(4):
        file_order(device=printer, category=jam)
    with django_assert_num_queries(3):
        assert len(selectors.problem_suggestions()) == 2


def test_new_faults_on_a_device_with_an_open_problem_point_at_that_problem(
    file_order, printer, supervisor
):
    problem = services.problem_create(actor=supervisor, title="三楼打印机反复卡纸", device=printer)
    for _ in range(3):
        file_order(device=printer)
    [suggestion] = selectors.problem_suggestions()
    assert suggestion.open_problem.number == problem.number
    assert suggestion.open_problem.title == "三楼打印机反复卡纸"


def test_a_category_with_an_open_problem_points_at_it_but_other_devices_do_not(
    file_order, printer, jam, supervisor
):
    from cmdb.models import CIClass
    from cmdb.services import ci_create
    from itsm.actors import system_user

    other = ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="printer"),
        asset_tag="PR-302",
        name="四楼",
    )
    problem = services.problem_create(actor=supervisor, title="卡纸", category=jam, device=other)
    for _ in range(3):
        file_order(device=printer, category=jam)
    found = {s.kind: s.open_problem for s in selectors.problem_suggestions()}
    assert found["category"].number == problem.number
    assert found["device"] is None  # the open problem is about another printer


def test_closed_problems_do_not_cover_new_recurrences(file_order, printer, supervisor):
    problem = services.problem_create(actor=supervisor, title="旧问题", device=printer)
    Problem.objects.filter(pk=problem.pk).update(status=ProblemStatus.CLOSED)
    for _ in range(3):
        file_order(device=printer)
    [suggestion] = selectors.problem_suggestions()
    assert suggestion.open_problem is None


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
