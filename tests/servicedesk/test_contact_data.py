"""Who sees other people's phone numbers and e-mail addresses (README: People's contact data)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _people(user):
    api = APIClient()
    api.force_authenticate(user)
    return {
        row["username"]: row
        for row in api.get("/api/people/", {"page_size": 100}).json()["results"]
    }


def test_the_desk_sees_contact_data(agent, end_user):
    row = _people(agent)["enduser"]
    assert row["email"] == "enduser@example.gov.cn"


def test_approvers_see_names_not_contact_data(approver, end_user):
    rows = _people(approver)
    assert rows["enduser"]["name"] == "王芳"
    assert rows["enduser"]["email"] is None and rows["enduser"]["phone"] is None
    assert rows["approver"]["email"] == "approver@example.gov.cn"  # their own


def test_everyone_sees_their_own_profile(approver):
    api = APIClient()
    api.force_authenticate(approver)
    assert api.get("/api/people/me/").json()["email"] == "approver@example.gov.cn"
