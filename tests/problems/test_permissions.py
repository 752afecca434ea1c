"""One rule per model: for every role the list, the object check, the page and the API agree."""

import pytest
from rest_framework.test import APIClient

from itsm.permissions import permits
from problems import selectors, services
from problems.models import Problem
from problems.permissions import RULES, problem_refusal

pytestmark = pytest.mark.django_db

ROLES = ["end_user", "agent", "engineer", "supervisor", "approver", "manager", "admin_user"]
READERS = {"agent", "engineer", "supervisor", "manager", "admin_user"}


@pytest.fixture
def problems(supervisor):
    new = services.problem_create(actor=supervisor, title="打印机反复卡纸")
    closed = services.problem_create(actor=supervisor, title="网络时断时续")
    for step, extra in (
        (services.problem_investigate, {}),
        (services.problem_record_root_cause, {"root_cause": "交换机老化"}),
        (services.problem_resolve, {"resolution": "更换交换机"}),
        (services.problem_close, {}),
    ):
        closed = step(problem=closed, actor=supervisor, **extra)
    return [new, closed]


@pytest.mark.parametrize("role", ROLES)
def test_list_object_check_page_and_api_agree(request, client, role, problems):
    user = request.getfixturevalue(role)
    listed = set(Problem.objects.restrict(user, "view").values_list("pk", flat=True))
    assert listed == ({p.pk for p in problems} if role in READERS else set())
    assert set(selectors.problem_list(user=user).values_list("pk", flat=True)) == listed
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    for problem in problems:
        visible = problem.pk in listed
        assert permits(user, problem, "view") is visible
        assert (problem_refusal(user, problem, "view") == "") is visible
        assert (selectors.problem_get(user=user, number=problem.number) is not None) is visible
        page = client.get(problem.get_absolute_url())
        assert (page.status_code == 200) is visible, page.status_code
        answer = api.get(f"/api/problems/{problem.number}/")
        assert (answer.status_code == 200) is visible, answer.status_code
        for action in RULES:
            allowed = set(Problem.objects.restrict(user, action).values_list("pk", flat=True))
            assert permits(user, problem, action) is (problem.pk in allowed)
            assert (problem_refusal(user, problem, action) == "") is (problem.pk in allowed)


@pytest.mark.parametrize("role", ROLES)
def test_analysts_act_on_open_problems_only(request, role, problems):
    user = request.getfixturevalue(role)
    new, closed = problems
    analyst = role in {"engineer", "supervisor", "admin_user"}
    assert permits(user, new, "investigate") is analyst
    # Superusers (admin) pass every restrict(); everyone else only on open problems.
    assert permits(user, closed, "fishbone") is (role == "admin_user")
    assert permits(user, closed, "close") is (role in {"supervisor", "admin_user"})
