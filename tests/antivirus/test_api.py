import pytest
from rest_framework.test import APIClient

from antivirus.checks import endpoint_sync
from antivirus.choices import ImportStatus
from antivirus.models import ConsoleImport, Endpoint, NetworkSegment
from itsm.permissions import permits
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_endpoints_list_and_object_agree_per_role(api, estate, make_person):
    endpoint_sync()
    users = {role: make_person(role) for role in Role if role != Role.ADMIN}
    owner = estate["PC-0001"].responsible
    users["owner"] = owner
    for label, user in users.items():
        visible = set(Endpoint.objects.restrict(user, "view").values_list("pk", flat=True))
        for endpoint in Endpoint.objects.all():
            assert permits(user, endpoint, "view") == (endpoint.pk in visible), label
        api.force_authenticate(user)
        response = api.get("/api/av-endpoints/", {"page_size": 500})
        if response.status_code == 200:
            ids = {row["id"] for row in response.json()["results"]}
            assert ids <= visible, label
            assert len(ids) == min(len(visible), 50), label
        else:
            assert response.status_code == 403, label
    assert Endpoint.objects.restrict(owner, "view").count() == 1


def test_endpoint_api_reads_host_details_from_the_cmdb(api, engineer, estate):
    endpoint_sync()
    api.force_authenticate(engineer)
    rows = api.get("/api/av-endpoints/", {"search": "PC-0002"}).json()["results"]
    assert rows[0]["host_name"] == "PC0002"
    assert rows[0]["os"] == "Windows 10"
    assert rows[0]["state"] == "unprotected"


def test_import_api_upload_and_apply(
    api, engineer, estate, sample, django_capture_on_commit_callbacks
):
    api.force_authenticate(engineer)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/av-imports/",
            {"kind": "events", "file": sample("trend_apex_one_virus_events.csv")},
            format="multipart",
        )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert ConsoleImport.objects.get(pk=pk).status == ImportStatus.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        applied = api.post(f"/api/av-imports/{pk}/apply/")
    assert applied.status_code == 202
    assert api.get(f"/api/av-imports/{pk}/").json()["added"] == 30
    assert api.post(f"/api/av-imports/{pk}/apply/").status_code == 409
    events = api.get("/api/av-events/", {"threat": "WORM_DOWNAD.AD"}).json()
    assert events["count"] == 6


def test_end_user_cannot_use_import_or_segment_api(api, end_user):
    api.force_authenticate(end_user)
    assert api.get("/api/av-imports/").status_code == 403
    assert api.get("/api/network-segments/").status_code == 403
    assert api.get("/api/av-events/").status_code == 403


def test_segments_api_supervisor_writes_engineer_reads(api, engineer, supervisor):
    api.force_authenticate(supervisor)
    created = api.post("/api/network-segments/", {"name": "三楼", "cidr": "10.1.3.7/24"})
    assert created.status_code == 201, created.content
    assert NetworkSegment.objects.get().cidr == "10.1.3.0/24"
    bad = api.post("/api/network-segments/", {"name": "坏", "cidr": "10.1.300.0/24"})
    assert bad.status_code == 400
    api.force_authenticate(engineer)
    assert api.get("/api/network-segments/").json()["count"] == 1
    assert (
        api.post("/api/network-segments/", {"name": "x", "cidr": "10.9.0.0/16"}).status_code == 403
    )
