"""The on-call rota: who is on call when, who may change it, and its month page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from servicedesk import oncall
from servicedesk.choices import OnCallRole
from servicedesk.models import OnCallShift

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(day, hour, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=SH)


def shift(user, role, start, end, **kwargs):
    return OnCallShift.objects.create(user=user, role=role, starts_at=start, ends_at=end, **kwargs)


def test_on_call_at_is_the_covering_shift_with_the_end_exclusive(agent, engineer):
    shift(agent, OnCallRole.PHONE, at(24, 17, 30), at(25, 8, 30))
    shift(engineer, OnCallRole.PHONE, at(25, 8, 30), at(25, 17, 30))
    assert oncall.on_call_at(at(24, 22), OnCallRole.PHONE) == agent
    assert oncall.on_call_at(at(25, 8, 30), OnCallRole.PHONE) == engineer
    assert oncall.on_call_at(at(24, 22), OnCallRole.ON_SITE) is None
    assert oncall.on_call_at(at(24, 17), OnCallRole.PHONE) is None


def test_of_overlapping_shifts_the_earlier_one_keeps_the_call(agent, engineer):
    shift(agent, OnCallRole.PHONE, at(24, 17, 30), at(25, 9))
    shift(engineer, OnCallRole.PHONE, at(25, 8), at(25, 20))
    assert oncall.on_call_at(at(25, 8, 30), OnCallRole.PHONE) == agent
    assert oncall.on_call_at(at(25, 9), OnCallRole.PHONE) == engineer


def test_out_of_hours_follows_the_business_calendar():
    assert oncall.out_of_hours(at(24, 20))  # Tuesday evening
    assert oncall.out_of_hours(at(24, 12, 30))  # lunch break
    assert not oncall.out_of_hours(at(24, 10))
    assert oncall.out_of_hours(at(28, 10))  # Saturday


def test_only_supervisors_and_admins_change_the_rota(agent, engineer, supervisor, end_user):
    with pytest.raises(PermissionDenied):
        oncall.oncall_shift_create(
            actor=agent,
            user=engineer,
            role=OnCallRole.ON_SITE,
            starts_at=at(24, 17, 30),
            ends_at=at(25, 8, 30),
        )
    made = oncall.oncall_shift_create(
        actor=supervisor,
        user=engineer,
        role=OnCallRole.ON_SITE,
        starts_at=at(24, 17, 30),
        ends_at=at(25, 8, 30),
    )
    assert made.created_by == supervisor
    with pytest.raises(PermissionDenied):
        oncall.oncall_shift_delete(actor=end_user, shift=made)
    assert OnCallShift.objects.filter(pk=made.pk).exists()


def test_end_users_cannot_be_on_call_and_shifts_must_end_after_they_start(
    supervisor, end_user, engineer
):
    with pytest.raises(ValidationError) as caught:
        oncall.oncall_shift_create(
            actor=supervisor,
            user=end_user,
            role=OnCallRole.PHONE,
            starts_at=at(24, 17, 30),
            ends_at=at(25, 8, 30),
        )
    assert "user" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        oncall.oncall_shift_create(
            actor=supervisor,
            user=engineer,
            role=OnCallRole.PHONE,
            starts_at=at(25, 8, 30),
            ends_at=at(24, 17, 30),
        )
    assert "ends_at" in caught.value.message_dict
    assert not OnCallShift.objects.exists()


def test_the_month_page_lists_each_day_with_who_is_on_call(client, agent, engineer):
    shift(engineer, OnCallRole.ON_SITE, at(24, 17, 30), at(25, 8, 30))
    client.force_login(agent)
    page = client.get(reverse("servicedesk:oncall"), {"month": "2026-11"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "2026-11-30" in text and "2026-12-01" not in text
    assert "张伟" in text and "值班表" in text
    assert 'action="/servicedesk/on-call/' not in text  # the desk reads, does not edit
    english = client.get(
        reverse("servicedesk:oncall"), {"month": "2026-11"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "On-call rota" in english


def test_end_users_do_not_see_the_rota(client, end_user):
    client.force_login(end_user)
    assert client.get(reverse("servicedesk:oncall")).status_code == 403


def test_a_supervisor_adds_a_shift_on_the_page_and_bad_input_says_why(client, supervisor, engineer):
    client.force_login(supervisor)
    url = reverse("servicedesk:oncall")
    bad = client.post(
        url,
        {
            "user": engineer.pk,
            "role": "on_site",
            "starts_at": "2026-11-25T08:30",
            "ends_at": "2026-11-24T17:30",
        },
    )
    assert bad.status_code == 400
    assert "结束时间必须晚于开始时间" in bad.content.decode()
    good = client.post(
        url,
        {
            "user": engineer.pk,
            "role": "on_site",
            "starts_at": "2026-11-24T17:30",
            "ends_at": "2026-11-25T08:30",
            "note": "<b>备注</b>",
        },
    )
    assert good.status_code == 302 and good["Location"].endswith("month=2026-11")
    page = client.get(good["Location"]).content.decode()
    assert "&lt;b&gt;备注&lt;/b&gt;" in page
    made = OnCallShift.objects.get()
    client.post(reverse("servicedesk:oncall-delete", args=[made.pk]))
    assert not OnCallShift.objects.exists()


def test_the_month_page_reads_a_flat_number_of_queries(
    client, agent, engineer, django_assert_max_num_queries
):
    client.force_login(agent)
    url = reverse("servicedesk:oncall")
    shift(engineer, OnCallRole.ON_SITE, at(2, 17, 30), at(3, 8, 30))
    with django_assert_max_num_queries(40) as few:
        client.get(url, {"month": "2026-11"})
    for day in range(3, 28):
        shift(engineer, OnCallRole.ON_SITE, at(day, 17, 30), at(day + 1, 8, 30))
        shift(agent, OnCallRole.PHONE, at(day, 17, 30), at(day + 1, 8, 30))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"month": "2026-11"})


def test_the_api_lists_the_rota_for_staff_and_says_who_is_on_call_now(agent, end_user, engineer):
    shift(engineer, OnCallRole.ON_SITE, at(24, 17, 30), at(25, 8, 30))
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(agent)
    rows = api.get("/api/on-call-shifts/").json()
    rows = rows.get("results", rows)
    assert [row["name"] for row in rows] == ["张伟"]
    assert set(api.get("/api/on-call-shifts/now/").json()) == {"out_of_hours", "phone", "on_site"}
    api.force_authenticate(end_user)
    assert api.get("/api/on-call-shifts/").status_code == 403
