"""Drills and facility incidents (§5.1.2): drills recorded with their findings; fire, power,
water incidents written up, reviewed by the supervisor and reported upward."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emergencies import services
from emergencies.choices import DrillKind, DrillResult, FacilityIncidentKind
from emergencies.models import Drill, FacilityIncident
from itsm import approvals
from itsm.workflow import Conflict
from servicedesk.models import Notification


def _drill(actor, **fields):
    fields.setdefault("kind", DrillKind.POWER_CUT)
    fields.setdefault("held_on", timezone.localdate() - timedelta(days=1))
    fields.setdefault("scenario", "市电中断，切换 UPS")
    fields.setdefault("participants", "服务主管\n工程师甲")
    fields.setdefault("result", DrillResult.MET)
    return services.drill_record(actor=actor, **fields)


def _incident(actor, **fields):
    fields.setdefault("kind", FacilityIncidentKind.POWER)
    fields.setdefault("title", "市电中断 40 分钟")
    fields.setdefault("occurred_at", timezone.now() - timedelta(hours=5))
    fields.setdefault("place", "办公楼全楼")
    fields.setdefault("description", "供电局检修，全楼断电")
    fields.setdefault("cause", "供电局计划检修，通知未送达")
    fields.setdefault("actions", "切换 UPS，关闭非必要设备")
    return services.facility_incident_create(actor=actor, **fields)


def test_a_drill_is_recorded_with_its_participants(engineer):
    drill = _drill(engineer)
    assert drill.number.startswith("D0406")
    assert drill.participant_list == ["服务主管", "工程师甲"]


def test_a_drill_not_fully_met_needs_its_findings(engineer):
    with pytest.raises(ValidationError) as caught:
        _drill(engineer, result=DrillResult.PARTLY)
    assert "findings" in caught.value.message_dict
    _drill(engineer, result=DrillResult.PARTLY, findings="UPS 续航不足")
    assert Drill.objects.count() == 1


def test_a_drill_cannot_be_recorded_before_it_is_held_or_by_an_end_user(engineer, end_user):
    with pytest.raises(ValidationError):
        _drill(engineer, held_on=timezone.localdate() + timedelta(days=2))
    with pytest.raises(PermissionDenied):
        _drill(end_user)


def test_facility_incident_is_reviewed_then_reported_upward(
    engineer, supervisor, info_centre, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = _incident(engineer)
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    # Not before the review, and never by the engineer who wrote it.
    with pytest.raises(PermissionDenied, match="cannot be reported upward"):
        services.facility_incident_report(
            incident=incident, actor=supervisor, reported_to="信息中心"
        )
    with pytest.raises(PermissionDenied, match="Only the service supervisor"):
        services.facility_incident_review(incident=incident, actor=engineer)
    incident = services.facility_incident_review(
        incident=incident, actor=supervisor, comment="同意"
    )
    with pytest.raises(ValidationError):
        services.facility_incident_report(incident=incident, actor=supervisor, reported_to=" ")
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.facility_incident_report(
            incident=incident, actor=supervisor, reported_to="信息中心"
        )
    incident.refresh_from_db()
    assert incident.status == "reported"
    assert incident.reported_by == supervisor and incident.reported_to == "信息中心"
    assert Notification.objects.filter(recipient=info_centre).count() == 1


def test_the_review_waits_for_cause_and_actions(engineer, supervisor):
    incident = _incident(engineer, cause="", actions="")
    with pytest.raises(PermissionDenied, match="cause and the actions"):
        services.facility_incident_review(incident=incident, actor=supervisor)


def test_a_stale_edit_is_refused_not_overwritten(engineer):
    incident = _incident(engineer)
    services.facility_incident_update(
        incident=incident, actor=engineer, lock_version=incident.lock_version, losses="无"
    )
    with pytest.raises(Conflict):
        services.facility_incident_update(
            incident=incident, actor=engineer, lock_version=incident.lock_version, losses="丢失"
        )
    incident.refresh_from_db()
    assert incident.losses == "无"


def test_bad_times_are_refused(engineer):
    with pytest.raises(ValidationError) as caught:
        _incident(engineer, ended_at=timezone.now() - timedelta(hours=6))
    assert "ended_at" in caught.value.message_dict
    assert not FacilityIncident.objects.exists()


def test_the_supervisors_inbox_lists_incidents_to_review_and_to_report(engineer, supervisor):
    first = _incident(engineer)
    second = _incident(engineer, title="机房进水")
    services.facility_incident_review(incident=second, actor=supervisor)
    pending = {d.number: d.kind for d in approvals.pending_for(supervisor)}
    assert pending[first.number] == "Facility incident to review"
    assert pending[second.number] == "Facility incident to report upward"
    assert not [d for d in approvals.pending_for(engineer) if d.number == first.number]


@pytest.mark.parametrize(("language", "words"), [("en", "Drills"), ("zh-hans", "应急演练")])
def test_drill_page_in_both_languages(client, engineer, language, words):
    _drill(engineer, scenario="设备入水 <script>")
    client.force_login(engineer)
    body = client.get(reverse("emergencies:drills"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert words in body
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_drill_page_records_a_drill_and_keeps_the_input_on_error(client, engineer):
    client.force_login(engineer)
    url = reverse("emergencies:drills")
    data = {
        "kind": "water_damage", "held_on": str(date.today() - timedelta(days=1)),
        "scenario": "主机进水", "participants": "工程师甲", "result": "not_met", "findings": "",
    }  # fmt: skip
    page = client.post(url, data)
    assert page.status_code == 200 and not Drill.objects.exists()
    assert "主机进水" in page.content.decode()
    data["findings"] = "吹风机不足"
    answer = client.post(url, data)
    assert answer.url == Drill.objects.get().get_absolute_url()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_lists_query_count_is_flat(client, engineer, supervisor):
    client.force_login(supervisor)
    _drill(engineer)
    _incident(engineer)
    _queries(
        client, reverse("emergencies:drills")
    )  # warm: the menu is drawn once (itsm.navigation)
    drills = _queries(client, reverse("emergencies:drills"))
    incidents = _queries(client, reverse("emergencies:facility_incidents"))
    for n in range(8):
        _drill(engineer, scenario=f"场景 {n}")
        _incident(engineer, title=f"事件 {n}")
    assert _queries(client, reverse("emergencies:drills")) == drills
    assert _queries(client, reverse("emergencies:facility_incidents")) == incidents


def test_incident_pages_review_and_report(client, engineer, supervisor):
    incident = _incident(engineer)
    client.force_login(supervisor)
    page = client.get(incident.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "Reviewed" in page.content.decode()
    act = reverse("emergencies:facility_incident_act", args=[incident.number, "review"])
    client.post(act, {"lock_version": incident.lock_version, "comment": "ok"})
    incident.refresh_from_db()
    act = reverse("emergencies:facility_incident_act", args=[incident.number, "report"])
    client.post(act, {"lock_version": incident.lock_version, "reported_to": "信息中心"})
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_end_users_see_no_drills_or_incidents(client, end_user, engineer):
    _incident(engineer)
    client.force_login(end_user)
    assert client.get(reverse("emergencies:facility_incidents")).status_code == 403
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(end_user)
    assert api.get("/api/facility-incidents/").status_code == 403


def test_api_lists_drills_and_incidents_for_staff(engineer, approver):
    from rest_framework.test import APIClient

    _drill(engineer)
    _incident(engineer)
    api = APIClient()
    api.force_authenticate(approver)
    for url in ("/api/emergency-drills/", "/api/facility-incidents/"):
        rows = api.get(url).json()
        assert len(rows.get("results", rows)) == 1
