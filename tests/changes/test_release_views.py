import pytest
import time_machine
from django.urls import reverse

from changes import release_services as services
from changes.choices import ReleaseStatus, TestResult
from changes.models import Release
from cmdb.selectors import ci_timeline

from .conftest import at

pytestmark = pytest.mark.django_db


def test_end_users_are_refused_the_release_pages(client, end_user, make_release):
    release = make_release()
    client.force_login(end_user)
    assert client.get(reverse("changes:release_list")).status_code == 403
    assert client.get(release.get_absolute_url()).status_code == 403


def test_release_list_query_count_stays_flat(
    client, supervisor, make_release, make_change, django_assert_max_num_queries
):
    make_release(changes=[make_change()])
    client.force_login(supervisor)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("changes:release_list")).status_code == 200
    for _ in range(10):
        make_release(changes=[make_change()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("changes:release_list") + "?application=办公套件")
    assert response.content.count(b"D0502-") >= 11


def test_release_detail_query_count_stays_flat_as_tests_changes_and_history_grow(
    client, supervisor, make_release, make_change, engineer, django_assert_max_num_queries
):
    release = make_release(changes=[make_change()])
    services.release_build(release=release, actor=engineer)
    services.release_test_record_add(
        release=release, actor=engineer, case="用例0", result=TestResult.PASSED
    )
    client.force_login(supervisor)
    with django_assert_max_num_queries(60) as few:
        assert client.get(release.get_absolute_url()).status_code == 200
    for n in range(1, 11):
        services.release_test_record_add(
            release=release, actor=engineer, case=f"用例{n}", result=TestResult.FAILED
        )
    release.changes.add(*[make_change() for _ in range(5)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(release.get_absolute_url()).content.decode()
    assert "用例10" in body


def test_engineer_plans_a_release_on_the_page(client, engineer, printer, make_change):
    change = make_change(items=[printer])
    client.force_login(engineer)
    response = client.post(
        reverse("changes:release_create"),
        {
            "application": "登记系统",
            "release_version": "V3.2",
            "title": "年度版本",
            "type": "major",
            "risk": "high",
            "changes": change.number,
            "items": "pr-301",
            "deployment_plan": "停服升级",
            "rollback_plan": "恢复快照",
            "planned_start": "2031-03-10T18:00",
            "planned_end": "2031-03-10T20:00",
        },
    )
    release = Release.objects.get()
    assert response.status_code == 302
    assert list(release.changes.all()) == [change]
    assert list(release.items.all()) == [printer]


def test_the_form_refuses_an_end_before_the_start(client, engineer):
    client.force_login(engineer)
    response = client.post(
        reverse("changes:release_create"),
        {
            "application": "登记系统",
            "release_version": "V3.2",
            "title": "年度版本",
            "type": "minor",
            "risk": "low",
            "planned_start": "2031-03-10T18:00",
            "planned_end": "2031-03-10T17:00",
        },
    )
    assert response.status_code == 200
    assert "The planned end must be after the start." in response.content.decode()
    assert not Release.objects.exists()


def test_deploying_untested_on_the_page_shows_why(client, engineer, make_release):
    release = make_release()
    services.release_build(release=release, actor=engineer)
    release.refresh_from_db()
    client.force_login(engineer)
    page = client.get(release.get_absolute_url()).content.decode()
    assert "Not tested" in page  # said before trying
    response = client.post(
        reverse("changes:release_act", args=[release.number, "deploy"]),
        {"deploy-outcome": "", "deploy-lock_version": release.lock_version},
        follow=True,
    )
    body = response.content.decode()
    assert "This release cannot be deployed yet" in body and "Not tested" in body
    release.refresh_from_db()
    assert release.status == ReleaseStatus.BUILT


def test_the_whole_release_on_the_pages(
    client, engineer, ops_approver, info_approver, make_release, printer
):
    release = make_release()
    client.force_login(engineer)

    def act(user, name, **data):
        client.force_login(user)
        current = Release.objects.get(pk=release.pk)
        fields = {f"{name}-{k}": v for k, v in data.items()}
        fields[f"{name}-lock_version"] = current.lock_version
        response = client.post(reverse("changes:release_act", args=[release.number, name]), fields)
        assert response.status_code == 302, response.content.decode()[:2000]
        return Release.objects.get(pk=release.pk)

    act(engineer, "build")
    act(engineer, "test", case="安装", result="pass", environment="测试机")
    assert act(engineer, "mark_tested").status == ReleaseStatus.TESTED
    client.force_login(ops_approver)
    assert "You sign for 运维部" in client.get(release.get_absolute_url()).content.decode()
    act(ops_approver, "authorise", comment="同意")
    assert act(info_approver, "authorise").status == ReleaseStatus.AUTHORISED
    with time_machine.travel(at(10, 19), tick=False):
        assert act(engineer, "deploy", outcome="完成").status == ReleaseStatus.DEPLOYED
    assert any(e.note.startswith(release.number) for e in ci_timeline(ci=printer))


def test_the_requester_sees_why_they_cannot_authorise(client, tested_release, make_person):
    from changes.models import ApproverSet
    from servicedesk.choices import Role

    boss = make_person(Role.SUPERVISOR, username="boss")
    ApproverSet.objects.filter(for_releases=True).get().slots.create(
        name="服务主管", role=Role.SUPERVISOR, order=5
    )
    release = tested_release(actor=boss)
    client.force_login(boss)
    page = client.get(release.get_absolute_url()).content.decode()
    assert "You requested this release; another approver must decide." in page
    assert reverse("changes:release_act", args=[release.number, "authorise"]) not in page


def test_approving_twice_on_the_page_shows_the_refusal(client, tested_release, ops_approver):
    release = tested_release()
    services.release_authorise(release=release, actor=ops_approver)
    client.force_login(ops_approver)
    response = client.post(
        reverse("changes:release_act", args=[release.number, "authorise"]),
        {"authorise-comment": ""},
        follow=True,
    )
    assert "already decided on this release" in response.content.decode()


def test_a_script_in_any_field_shows_as_text(client, supervisor, engineer, make_release):
    script = "<script>alert(1)</script>"
    release = make_release(title=script, description=script, application=script)
    services.release_build(release=release, actor=engineer)
    services.release_test_record_add(
        release=release, actor=engineer, case=script, result=TestResult.FAILED, notes=script
    )
    client.force_login(supervisor)
    for url in (release.get_absolute_url(), reverse("changes:release_list")):
        body = client.get(url).content.decode()
        assert script not in body
        assert "&lt;script&gt;" in body


def test_releases_show_on_the_change_calendar(client, supervisor, make_release):
    make_release(application="登记系统", release_version="V9")
    client.force_login(supervisor)
    body = client.get(reverse("changes:calendar") + "?month=2031-03").content.decode()
    assert "登记系统 V9" in body


def test_the_subnav_links_the_releases(client, supervisor):
    client.force_login(supervisor)
    body = client.get(reverse("changes:list")).content.decode()
    assert reverse("changes:release_list") in body


def test_a_supervisor_reschedules_on_the_page_and_the_notice_is_re_armed(
    client, supervisor, authorised_release
):
    release = authorised_release()
    Release.objects.filter(pk=release.pk).update(users_notified_at=at(9, 19))
    release.refresh_from_db()
    client.force_login(supervisor)
    page = client.get(release.get_absolute_url()).content.decode()
    assert 'value="2031-03-10T18:00"' in page  # the form starts from the current window
    response = client.post(
        reverse("changes:release_act", args=[release.number, "reschedule"]),
        {
            "reschedule-planned_start": "2031-03-12T18:00",
            "reschedule-planned_end": "2031-03-12T20:00",
            "reschedule-note": "避开月底结账",
            "reschedule-lock_version": release.lock_version,
        },
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.planned_start == at(12, 18)
    assert release.users_notified_at is None
