import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from incidents.models import WorkOrderLink
from itsm import workflow
from itsm.models import TransitionLog
from problems import services
from problems.choices import ProblemStatus
from servicedesk.choices import Role
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


def _known_error(supervisor, engineer, **kwargs):
    problem = services.problem_create(actor=supervisor, title="打印机卡纸", **kwargs)
    problem = services.problem_investigate(problem=problem, actor=engineer)
    problem = services.problem_record_root_cause(
        problem=problem, actor=engineer, root_cause="定影组件老化"
    )
    return services.problem_publish_workaround(
        problem=problem, actor=supervisor, workaround="取出卡纸后重新打印"
    )


def test_supervisor_raises_a_problem_and_owns_it(supervisor):
    problem = services.problem_create(actor=supervisor, title="卡纸")
    assert problem.owner == supervisor
    assert problem.status == ProblemStatus.NEW


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.SERVICE_DESK, Role.END_USER])
def test_only_supervisors_raise_problems(make_person, role):
    with pytest.raises(PermissionDenied):
        services.problem_create(actor=make_person(role), title="x")


def test_linking_work_orders_shows_the_problem_on_each_work_order(supervisor, file_order, printer):
    orders = [file_order(device=printer) for _ in range(3)]
    problem = services.problem_create(actor=supervisor, title="卡纸", work_orders=orders)
    assert set(problem.work_orders.all()) == set(orders)
    assert WorkOrderLink.objects.filter(object_id=str(problem.pk)).count() == 3
    # Linking again is harmless.
    assert (
        services.problem_link_work_orders(problem=problem, actor=supervisor, work_orders=orders)
        == 0
    )


def test_engineers_investigate_and_record_the_root_cause(supervisor, engineer):
    problem = services.problem_create(actor=supervisor, title="x")
    problem = services.problem_investigate(problem=problem, actor=engineer)
    problem = services.problem_record_root_cause(
        problem=problem, actor=engineer, root_cause="驱动版本错误"
    )
    assert problem.status == ProblemStatus.ROOT_CAUSE_KNOWN
    assert list(
        TransitionLog.objects.filter(object_id=str(problem.pk)).values_list("transition", flat=True)
    ) == ["create", "investigate", "record_root_cause"]


def test_engineers_cannot_publish_workarounds_or_resolve(supervisor, engineer):
    problem = services.problem_create(actor=supervisor, title="x")
    services.problem_investigate(problem=problem, actor=engineer)
    problem = services.problem_record_root_cause(problem=problem, actor=engineer, root_cause="c")
    with pytest.raises(PermissionDenied):
        services.problem_publish_workaround(problem=problem, actor=engineer, workaround="w")
    with pytest.raises(PermissionDenied):
        services.problem_resolve(problem=problem, actor=engineer, resolution="r")


def test_a_root_cause_must_be_written(supervisor, engineer):
    problem = services.problem_create(actor=supervisor, title="x")
    services.problem_investigate(problem=problem, actor=engineer)
    with pytest.raises(ValidationError):
        services.problem_record_root_cause(problem=problem, actor=engineer, root_cause="  ")


def test_an_illegal_transition_is_refused_with_the_status(supervisor):
    problem = services.problem_create(actor=supervisor, title="x")
    with pytest.raises(workflow.IllegalTransition):
        services.problem_close(problem=problem, actor=supervisor)


def test_a_stale_version_is_refused(supervisor, engineer):
    problem = services.problem_create(actor=supervisor, title="x")
    services.problem_investigate(problem=problem, actor=engineer)
    with pytest.raises(workflow.Conflict):
        services.problem_record_root_cause(
            problem=problem, actor=engineer, root_cause="c", lock_version=1
        )


def test_publishing_the_workaround_makes_a_known_error_and_a_knowledge_record(supervisor, engineer):
    from knowledge.choices import Status
    from knowledge.models import KnowledgeRecord

    problem = _known_error(supervisor, engineer)
    assert problem.status == ProblemStatus.KNOWN_ERROR
    record = KnowledgeRecord.objects.get(pk=problem.knowledge_record_id)
    assert record.solution == "取出卡纸后重新打印"
    assert problem.number in record.related_numbers
    assert record.status == Status.PUBLISHED  # the supervisor is the knowledge curator


def test_updating_the_workaround_replaces_the_knowledge_record_by_a_new_version(
    supervisor, engineer
):
    from knowledge.models import KnowledgeRecord

    problem = _known_error(supervisor, engineer)
    first = problem.knowledge_record_id
    problem = services.problem_publish_workaround(
        problem=problem, actor=supervisor, workaround="改用 80g 纸"
    )
    problem.refresh_from_db()
    assert problem.knowledge_record_id != first
    assert KnowledgeRecord.objects.get(pk=problem.knowledge_record_id).solution == "改用 80g 纸"


def test_resolving_tells_the_requesters_and_engineers_of_linked_orders(
    supervisor, engineer, end_user, file_order
):
    order = file_order()
    from incidents.services import work_order_assign

    work_order_assign(work_order=order, actor=supervisor, assignee=engineer)
    problem = _known_error(supervisor, engineer, work_orders=[order])
    before = Notification.objects.count()
    services.problem_resolve(problem=problem, actor=supervisor, resolution="已更换定影组件")
    told = Notification.objects.order_by("-pk")[: Notification.objects.count() - before]
    assert {n.recipient for n in told} == {end_user, engineer}
    assert all(order.number in n.subject for n in told)


def test_fishbone_causes_need_a_known_category(supervisor):
    problem = services.problem_create(actor=supervisor, title="x")
    with pytest.raises(ValidationError):
        services.fishbone_cause_add(problem=problem, actor=supervisor, category="luck", text="t")


def test_desk_cannot_edit_the_fishbone(supervisor, agent):
    problem = services.problem_create(actor=supervisor, title="x")
    with pytest.raises(PermissionDenied):
        services.fishbone_cause_add(problem=problem, actor=agent, category="people", text="t")


def test_publishing_the_workaround_hands_knowledge_one_call_with_plain_values(
    supervisor, engineer, monkeypatch
):
    from knowledge import services as knowledge_services

    calls = []
    real = knowledge_services.record_upsert_from_problem

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(knowledge_services, "record_upsert_from_problem", spy)
    problem = _known_error(supervisor, engineer)
    assert len(calls) == 1
    call = calls[0]
    assert call["number"] == problem.number and call["title"] == "打印机卡纸"
    assert (call["cause"], call["workaround"]) == ("定影组件老化", "取出卡纸后重新打印")
    assert call["actor"] == supervisor and call["record_id"] is None


def test_republishing_the_workaround_keeps_one_live_knowledge_record(supervisor, engineer):
    from knowledge.choices import Status
    from knowledge.models import KnowledgeRecord

    problem = _known_error(supervisor, engineer)
    for workaround in ("改用 80g 纸", "更换定影组件"):
        problem = services.problem_publish_workaround(
            problem=problem, actor=supervisor, workaround=workaround
        )
    problem.refresh_from_db()
    live = KnowledgeRecord.objects.filter(source_problem_number=problem.number).exclude(
        status=Status.RETIRED
    )
    assert [r.pk for r in live] == [problem.knowledge_record_id]
    assert live[0].version == 3 and live[0].solution == "更换定影组件"


def test_a_suggestion_is_linked_only_to_the_open_problem_covering_it(
    file_order, printer, supervisor
):
    covering = services.problem_create(actor=supervisor, title="卡纸", device=printer)
    other = services.problem_create(actor=supervisor, title="别的问题")
    orders = [file_order(device=printer) for _ in range(3)]
    with pytest.raises(ValidationError):
        services.problem_link_suggestion(
            problem=other, actor=supervisor, kind="device", key=str(printer.pk), since_days=30
        )
    with pytest.raises(ValidationError):
        services.problem_link_suggestion(
            problem=covering, actor=supervisor, kind="owner", key="1", since_days=30
        )
    assert other.work_orders.count() == 0
    count = services.problem_link_suggestion(
        problem=covering, actor=supervisor, kind="device", key=str(printer.pk), since_days=30
    )
    assert count == 3 and set(covering.work_orders.all()) == set(orders)
