import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from changes import release_services as services
from changes.choices import ChangeLogAction, Decision, ReleaseStatus, ReleaseType, TestResult
from changes.models import ApproverSet, ChangeLog, Release
from cmdb.selectors import ci_timeline
from itsm import workflow
from itsm.actors import system_user
from itsm.models import TransitionLog
from servicedesk.choices import Role
from servicedesk.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def _transitions(release):
    return list(
        TransitionLog.objects.filter(object_id=str(release.pk), content_type__model="release")
        .order_by("at", "pk")
        .values_list("transition", flat=True)
    )


# --- planning ---------------------------------------------------------------------------


def test_engineer_plans_a_release_bundling_changes_and_items(make_release, make_change, printer):
    change = make_change(items=[printer])
    release = make_release(changes=[change])
    assert release.status == ReleaseStatus.PLANNED
    assert release.number.startswith("D0502-")
    assert list(release.changes.all()) == [change]
    assert list(release.items.all()) == [printer]
    assert release.manager == release.requester
    assert _transitions(release) == ["create"]


@pytest.mark.parametrize("role", [Role.END_USER, Role.SERVICE_DESK, Role.APPROVER])
def test_only_engineers_and_supervisors_plan_releases(make_person, make_release, role):
    with pytest.raises(PermissionDenied):
        make_release(actor=make_person(role))


def test_a_version_is_unique_per_application_whatever_the_case(make_release):
    make_release(application="登记系统", release_version="V3.2")
    with pytest.raises(ValidationError, match="already has a release"):
        make_release(application="登记系统", release_version="v3.2")
    make_release(application="公文系统", release_version="V3.2")  # another application


def test_the_window_must_end_after_it_starts(make_release):
    with pytest.raises(ValidationError) as refused:
        make_release(start=at(10, 18), end=at(10, 17))
    assert "planned_end" in refused.value.message_dict


def test_another_engineer_cannot_edit_the_release(make_release, make_person):
    release = make_release()
    other = make_person(Role.ENGINEER, username="other")
    with pytest.raises(PermissionDenied):
        services.release_update(release=release, actor=other, title="改")


def test_a_stale_version_is_a_conflict(make_release, engineer):
    release = make_release()
    services.release_update(release=release, actor=engineer, title="一", lock_version=1)
    with pytest.raises(workflow.Conflict, match="changed by someone else"):
        services.release_update(release=release, actor=engineer, title="二", lock_version=1)


# --- testing ----------------------------------------------------------------------------


def test_tests_are_recorded_against_a_build(make_release, engineer):
    release = make_release()
    with pytest.raises(ValidationError, match="built first"):
        services.release_test_record_add(
            release=release, actor=engineer, case="安装", result=TestResult.PASSED
        )


def test_marking_tested_needs_a_test(make_release, engineer):
    release = make_release()
    services.release_build(release=release, actor=engineer)
    with pytest.raises(ValidationError, match="No test is recorded"):
        services.release_mark_tested(release=release, actor=engineer)


def test_a_failing_case_blocks_until_a_newer_pass_supersedes_it(make_release, engineer):
    release = make_release()
    services.release_build(release=release, actor=engineer)

    def record(case, result, hour):
        services.release_test_record_add(
            release=release, actor=engineer, case=case, result=result, tested_at=at(1, hour)
        )

    with time_machine.travel(at(1, 12), tick=False):
        record("公文流转", TestResult.FAILED, 9)
        record("打印", TestResult.PASSED, 9)
        with pytest.raises(ValidationError, match="公文流转"):
            services.release_mark_tested(release=release, actor=engineer)
        record("  公文流转 ", TestResult.PASSED, 10)  # same case, spaces aside
        services.release_mark_tested(release=release, actor=engineer)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.TESTED
    assert release.tested_at == at(1, 12)


def test_a_pass_recorded_as_older_does_not_supersede_a_newer_failure(make_release, engineer):
    release = make_release()
    services.release_build(release=release, actor=engineer)
    with time_machine.travel(at(1, 12), tick=False):
        for result, hour in ((TestResult.FAILED, 10), (TestResult.PASSED, 9)):
            services.release_test_record_add(
                release=release, actor=engineer, case="安装", result=result, tested_at=at(1, hour)
            )
        with pytest.raises(ValidationError, match="Failing test cases"):
            services.release_mark_tested(release=release, actor=engineer)


def test_marking_tested_opens_authorisation_and_tells_the_approvers(
    tested_release, ops_approver, info_approver
):
    release = tested_release()
    assert [a.slot_name for a in services.current_approvals(release)] == ["运维部", "信息中心"]
    told = set(
        Notification.objects.filter(subject__contains=release.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert {"ops", "info"} <= told
    assert "engineer" not in told  # the requester is not asked to authorise


# --- authorisation ----------------------------------------------------------------------


def test_every_approver_authorises_and_each_step_is_on_the_timeline(
    tested_release, ops_approver, info_approver
):
    release = tested_release()
    services.release_authorise(release=release, actor=ops_approver, comment="同意")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.TESTED  # the information centre is still to sign
    services.release_authorise(release=release, actor=info_approver)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.AUTHORISED
    assert release.authorised_at is not None
    assert _transitions(release)[-2:] == ["approval", "authorise"]
    assert all(a.decision == Decision.APPROVED for a in services.current_approvals(release))


def test_approving_twice_is_refused(tested_release, ops_approver):
    release = tested_release()
    services.release_authorise(release=release, actor=ops_approver)
    with pytest.raises(ValidationError, match="already decided on this release"):
        services.release_authorise(release=release, actor=ops_approver)


def test_a_requester_cannot_authorise_their_own_release(tested_release, make_person):
    # The service supervisor signs for releases here, and raised this one.
    author = make_person(Role.SUPERVISOR, username="boss")
    ApproverSet.objects.filter(for_releases=True).get().slots.create(
        name="服务主管", role=Role.SUPERVISOR, order=5
    )
    release = tested_release(actor=author)
    with pytest.raises(PermissionDenied, match="You requested this release"):
        services.release_authorise(release=release, actor=author)


def test_a_release_manager_cannot_authorise_it_either(tested_release, make_person, engineer):
    boss = make_person(Role.SUPERVISOR, username="boss")
    ApproverSet.objects.filter(for_releases=True).get().slots.create(
        name="服务主管", role=Role.SUPERVISOR, order=5
    )
    release = tested_release(manager=boss)
    with pytest.raises(PermissionDenied, match="You manage this release"):
        services.release_authorise(release=release, actor=boss)


def test_an_outsider_cannot_authorise(tested_release, make_person):
    stranger = make_person(Role.APPROVER, username="nobody")
    release = tested_release()
    with pytest.raises(PermissionDenied, match="do not sign"):
        services.release_authorise(release=release, actor=stranger)


def test_any_rejection_stops_the_release_and_revising_starts_over(
    tested_release, ops_approver, info_approver, engineer
):
    release = tested_release()
    services.release_authorise(release=release, actor=ops_approver)
    with pytest.raises(ValidationError):
        services.release_reject(release=release, actor=info_approver, comment="")
    services.release_reject(release=release, actor=info_approver, comment="未做压力测试")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REJECTED
    with pytest.raises(ValidationError, match="Rejected by the approvers"):
        services.release_deploy(release=release, actor=engineer)
    services.release_revise(release=release, actor=engineer)
    services.release_build(release=release, actor=engineer)
    release.refresh_from_db()
    assert (release.status, release.build) == (ReleaseStatus.BUILT, 2)
    # The first build's passing test does not count for the second.
    with pytest.raises(ValidationError, match="No test is recorded for build 2"):
        services.release_mark_tested(release=release, actor=engineer)


def test_an_emergency_release_is_authorised_by_the_first_approval(tested_release, ops_approver):
    release = tested_release(type=ReleaseType.EMERGENCY)
    services.release_authorise(release=release, actor=ops_approver)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.AUTHORISED


# --- deployment -------------------------------------------------------------------------


def test_deploying_an_untested_release_is_refused_saying_what_is_missing(make_release, engineer):
    release = make_release()
    services.release_build(release=release, actor=engineer)
    with pytest.raises(ValidationError) as refused:
        services.release_deploy(release=release, actor=engineer)
    message = " ".join(refused.value.messages)
    assert "Not tested" in message and "Not authorised" in message
    release.refresh_from_db()
    assert release.status == ReleaseStatus.BUILT


def test_deploying_a_tested_but_unauthorised_release_names_the_missing_approvers(
    tested_release, ops_approver, engineer
):
    release = tested_release()
    services.release_authorise(release=release, actor=ops_approver)
    with pytest.raises(ValidationError, match="waiting for 信息中心") as refused:
        services.release_deploy(release=release, actor=engineer)
    assert "Not tested" not in " ".join(refused.value.messages)


def test_the_state_machine_itself_refuses_deploying_from_tested(tested_release):
    from django_fsm import TransitionNotAllowed

    release = tested_release()
    with pytest.raises(TransitionNotAllowed):
        release.deploy(outcome="", at=at(10, 19))


def test_a_normal_release_waits_for_its_window(authorised_release, engineer):
    release = authorised_release()
    with (
        time_machine.travel(at(10, 17), tick=False),
        pytest.raises(ValidationError, match="window opens at 2031-03-10 18:00"),
    ):
        services.release_deploy(release=release, actor=engineer)


def test_bundled_changes_must_be_approved_before_deploying(
    authorised_release, make_change, engineer
):
    draft = make_change()
    release = authorised_release(changes=[draft])
    with (
        time_machine.travel(at(10, 18), tick=False),
        pytest.raises(ValidationError, match=draft.number),
    ):
        services.release_deploy(release=release, actor=engineer)


def test_deploying_writes_each_items_history_and_the_change_log(
    authorised_release, make_item, make_person, engineer, printer
):
    user = make_person(username="printeruser")
    second = make_item(responsible=user)
    release = authorised_release(items=[printer, second])
    with time_machine.travel(at(10, 19), tick=False):
        services.release_deploy(release=release, actor=engineer, outcome="推送完成")
    release.refresh_from_db()
    assert release.status == ReleaseStatus.DEPLOYED
    assert release.deployed_at == at(10, 19)
    for item in (printer, second):
        notes = [entry.note for entry in ci_timeline(ci=item)]
        assert any(note.startswith(release.number) for note in notes)
    log = ChangeLog.objects.filter(release=release)
    assert {row.item for row in log} == {printer, second}
    assert all(
        row.action == ChangeLogAction.DEPLOYED and row.change_number == release.number
        for row in log
    )
    # The affected user never had notice (authorised late): told at deployment, once.
    assert (
        Notification.objects.filter(recipient=user, subject__contains=release.number).count() == 1
    )


def test_only_the_release_manager_or_a_supervisor_deploys(authorised_release, make_person):
    other = make_person(Role.ENGINEER, username="other")
    release = authorised_release()
    with (
        time_machine.travel(at(10, 19), tick=False),
        pytest.raises(PermissionDenied, match="release manager"),
    ):
        services.release_deploy(release=release, actor=other)


def test_a_failed_deployment_is_rolled_back_and_closed(authorised_release, engineer, supervisor):
    release = authorised_release()
    with time_machine.travel(at(10, 19), tick=False):
        with pytest.raises(ValidationError):  # a failure needs its description
            services.release_fail(release=release, actor=engineer, outcome="")
        services.release_fail(release=release, actor=engineer, outcome="安装报错")
        services.release_roll_back(release=release, actor=engineer, outcome="已卸载")
        services.release_close(release=release, actor=supervisor)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.CLOSED
    actions = set(ChangeLog.objects.filter(release=release).values_list("action", flat=True))
    assert actions == {ChangeLogAction.FAILED, ChangeLogAction.ROLLED_BACK}


def test_engineers_cannot_close_or_reschedule(authorised_release, engineer):
    release = authorised_release()
    with pytest.raises(PermissionDenied):
        services.release_reschedule(
            release=release, actor=engineer, planned_start=at(11, 18), planned_end=at(11, 19)
        )


# --- notice before the window ------------------------------------------------------------


def test_affected_users_are_told_once_before_the_window_and_again_after_a_reschedule(
    authorised_release, make_item, make_person, supervisor
):
    user = make_person(username="printeruser")
    release = authorised_release(items=[make_item(responsible=user)])

    def told():
        return Notification.objects.filter(recipient=user, subject__contains=release.number)

    assert (
        services.release_notify_upcoming(actor=system_user(), now=at(9, 17)) == 0
    )  # 25 h ahead: not yet
    assert services.release_notify_upcoming(actor=system_user(), now=at(9, 19)) == 1
    assert (
        services.release_notify_upcoming(actor=system_user(), now=at(9, 19)) == 0
    )  # rerun: nothing new
    assert told().count() == 1
    services.release_reschedule(
        release=release, actor=supervisor, planned_start=at(12, 18), planned_end=at(12, 20)
    )
    assert services.release_notify_upcoming(actor=system_user(), now=at(11, 19)) == 1
    assert told().count() == 2
    assert "2031-03-12 18:00" in told().order_by("-pk").first().subject


def test_a_planned_release_is_not_announced(make_release, make_item, make_person):
    make_release(items=[make_item(responsible=make_person(username="u"))])
    assert services.release_notify_upcoming(actor=system_user(), now=at(9, 19)) == 0


def test_a_second_worker_claims_nothing(authorised_release, make_item, make_person):
    release = authorised_release(items=[make_item(responsible=make_person(username="u"))])
    Release.objects.filter(pk=release.pk).update(users_notified_at=at(9, 18))  # the first one
    assert services.release_notify_upcoming(actor=system_user(), now=at(9, 19)) == 0


def test_the_lead_time_is_configurable(settings, authorised_release):
    settings.ITSM = {**settings.ITSM, "RELEASE_NOTICE_HOURS": 48}
    authorised_release()
    assert services.release_notify_upcoming(actor=system_user(), now=at(8, 19)) == 1


def test_a_built_release_is_frozen_but_a_supervisor_may_move_its_window(
    make_release, engineer, supervisor
):
    release = make_release()
    services.release_build(release=release, actor=engineer)
    with pytest.raises(ValidationError, match="what was built and tested"):
        services.release_update(release=release, actor=engineer, items=[])
    services.release_reschedule(
        release=release, actor=supervisor, planned_start=at(11, 18), planned_end=at(11, 19)
    )
    release.refresh_from_db()
    assert release.planned_start == at(11, 18)
    assert _transitions(release)[-1] == "reschedule"
