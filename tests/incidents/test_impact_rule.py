"""End users cannot set the impact through the API: no P1 on demand."""

import pytest
from rest_framework.test import APIClient

from incidents.choices import Priority
from incidents.models import WorkOrder

pytestmark = pytest.mark.django_db


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_end_user_setting_high_impact_is_refused_and_nothing_is_filed(end_user):
    response = _api(end_user).post(
        "/api/incidents/", {"title": "全楼断网", "impact": "high", "urgency": "high"}, format="json"
    )
    assert response.status_code == 400
    assert "impact" in response.json()
    assert not WorkOrder.objects.exists()


def test_an_end_user_sets_the_urgency_as_on_the_web_form(end_user):
    response = _api(end_user).post(
        "/api/incidents/", {"title": "打印机卡纸", "urgency": "high"}, format="json"
    )
    assert response.status_code == 201
    assert WorkOrder.objects.get().priority == Priority.P3  # low impact × high urgency


def test_the_desk_assesses_the_impact(agent, end_user):
    response = _api(agent).post(
        "/api/incidents/",
        {"title": "全楼断网", "impact": "high", "urgency": "high", "requester": end_user.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert WorkOrder.objects.get().priority == Priority.P1
