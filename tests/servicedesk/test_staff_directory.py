"""The cached staff pickers and on-call banner (issue 17): read without a query while
nothing changes, and read afresh at once after any edit that could change what they show."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group

from servicedesk import oncall
from servicedesk.choices import OnCallRole, Role
from servicedesk.directory import staff_directory
from servicedesk.models import OnCallShift, Team

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def _label(user):
    return dict(staff_directory().assignable).get(user.pk)


def test_the_pickers_are_read_once_then_from_the_cache(
    engineer, agent, end_user, django_assert_num_queries
):
    Team.objects.create(name="现场组")
    first = staff_directory()
    assert [name for _, name in first.teams] == ["现场组"]
    assert _label(engineer) == engineer.person.name and _label(agent) == agent.person.name
    assert _label(end_user) is None  # work is not given to end users
    with django_assert_num_queries(0):
        assert staff_directory() == first


def test_the_pickers_follow_teams_roles_names_and_accounts_at_once(engineer, end_user):
    team = Team.objects.create(name="现场组")
    assert _label(end_user) is None
    team.name = "驻场组"
    team.save()
    assert dict(staff_directory().teams) == {team.pk: "驻场组"}
    end_user.groups.add(Group.objects.get(name=Role.ENGINEER))
    assert _label(end_user) == end_user.person.name
    engineer.person.name = "王工"
    engineer.person.save()
    assert _label(engineer) == "王工"
    engineer.is_active = False
    engineer.save()
    assert _label(engineer) is None
    end_user.groups.clear()
    assert _label(end_user) is None
    team.delete()
    assert staff_directory().teams == []


def test_a_sign_in_does_not_forget_the_pickers(engineer, django_assert_num_queries):
    staff_directory()
    engineer.save(update_fields=["last_login"])
    with django_assert_num_queries(0):
        staff_directory()


def _shift(user, role, start, end):
    return OnCallShift.objects.create(user=user, role=role, starts_at=start, ends_at=end)


def test_the_banner_gives_on_call_at_s_answer_at_every_minute_around_hand_overs(
    agent, engineer, supervisor
):
    _shift(agent, OnCallRole.PHONE, at(24, 17, 30), at(25, 9))
    _shift(engineer, OnCallRole.PHONE, at(25, 8), at(25, 20))  # overlaps: agent keeps it
    _shift(supervisor, OnCallRole.ON_SITE, at(25, 8, 30), at(25, 8, 45))  # inside one hour
    when = at(25, 7)
    while when < at(25, 10):
        now = oncall.on_call_now(when)
        assert now.phone == oncall.on_call_at(when, OnCallRole.PHONE), when
        assert now.on_site == oncall.on_call_at(when, OnCallRole.ON_SITE), when
        when += timedelta(minutes=5)
    assert oncall.on_call_now(at(25, 8, 59)).phone == agent
    assert oncall.on_call_now(at(25, 9)).phone == engineer  # the end is exclusive
    assert oncall.on_call_now(at(25, 8, 44)).on_site == supervisor
    assert oncall.on_call_now(at(25, 8, 45)).on_site is None


def test_the_banner_follows_the_rota_and_the_people_at_once(
    agent, engineer, django_assert_num_queries
):
    when = at(25, 20)
    assert oncall.on_call_now(when).phone is None
    shift = _shift(agent, OnCallRole.PHONE, at(25, 17, 30), at(26, 8, 30))
    assert oncall.on_call_now(when).phone == agent
    with django_assert_num_queries(0):
        oncall.on_call_now(when)  # the calendar and the hour's shifts are cached
    agent.person.mobile = "13900000001"
    agent.person.save()
    assert oncall.on_call_now(when).phone.person.mobile == "13900000001"
    OnCallShift.objects.filter(pk=shift.pk).update(user=engineer)  # a bulk write too
    assert oncall.on_call_now(when).phone == engineer
    engineer.is_active = False
    engineer.save()
    assert oncall.on_call_now(when).phone is None
    engineer.is_active = True
    engineer.save()
    shift.refresh_from_db()
    shift.delete()
    assert oncall.on_call_now(when).phone is None
