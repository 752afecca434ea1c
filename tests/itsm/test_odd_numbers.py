"""A number in a URL that only looks like digits ('²' is str.isdigit() but not int()) is a 404."""

import pytest

pytestmark = pytest.mark.django_db

ODD = "%C2%B2"  # "²"

PAGES = [
    f"/incidents/{ODD}/",
    f"/problems/{ODD}/",
    f"/changes/{ODD}/",
    f"/changes/releases/{ODD}/",
    f"/knowledge/records/{ODD}/",
    f"/documents/{ODD}/",
    f"/api/incidents/{ODD}/",
    f"/api/problems/{ODD}/",
    f"/api/changes/{ODD}/",
    f"/api/releases/{ODD}/",
    f"/api/knowledge-records/{ODD}/",
    f"/api/documents/{ODD}/",
]


@pytest.mark.parametrize("url", PAGES)
def test_superscript_digits_in_a_number_are_not_found(client, supervisor, url):
    client.force_login(supervisor)
    assert client.get(url).status_code == 404
