"""A bad `ordering` is a 400 naming what can be sorted by, not silently ignored."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def test_an_unknown_ordering_field_is_a_400(api):
    response = api.get("/api/incidents/", {"ordering": "-password"})
    assert response.status_code == 400
    assert "password" in str(response.json()["ordering"]) and "created_at" in str(response.json())


def test_a_known_ordering_works(api):
    assert api.get("/api/incidents/", {"ordering": "-created_at,number"}).status_code == 200
    assert api.get("/api/incidents/").status_code == 200
