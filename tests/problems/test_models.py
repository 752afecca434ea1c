import pytest
from django_fsm import TransitionNotAllowed

from problems.choices import ProblemStatus
from problems.models import Problem

pytestmark = pytest.mark.django_db


def test_new_problem_gets_a_d0301_number_and_starts_new():
    problem = Problem.objects.create(title="打印机卡纸")
    assert problem.number.startswith("D0301-")
    assert problem.status == ProblemStatus.NEW


def test_a_problem_walks_new_to_closed_in_order():
    problem = Problem(title="x")
    problem.investigate(at=None)
    problem.record_root_cause(root_cause="定影组件老化", at=None)
    problem.publish_workaround(workaround="取出卡纸", at=None)
    problem.resolve(resolution="已更换", at=None)
    problem.close(at=None)
    assert problem.status == ProblemStatus.CLOSED


def test_a_new_problem_cannot_be_resolved_before_its_cause_is_known():
    problem = Problem(title="x")
    with pytest.raises(TransitionNotAllowed):
        problem.resolve(resolution="?", at=None)


def test_a_closed_problem_cannot_be_reopened_for_investigation():
    problem = Problem(title="x", status=ProblemStatus.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        problem.investigate(at=None)
