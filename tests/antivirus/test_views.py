import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antivirus.checks import endpoint_states_refresh, endpoint_sync
from antivirus.models import Endpoint, NetworkSegment

pytestmark = pytest.mark.django_db

PAGES = [
    "antivirus:endpoint_list",
    "antivirus:import_upload",
    "antivirus:coverage",
    "antivirus:evaluation_list",
    "antivirus:reinstall_list",
    "antivirus:statistics",
]


@pytest.mark.parametrize("name", PAGES)
def test_engineer_pages_render(client, engineer, estate, name):
    NetworkSegment.objects.create(name="三楼", cidr="10.1.3.0/24")
    endpoint_sync()
    client.force_login(engineer)
    response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", PAGES[1:])
def test_end_user_cannot_open_staff_pages(client, end_user, name):
    client.force_login(end_user)
    assert client.get(reverse(name)).status_code in (
        403,
        200 if name.endswith("reinstall_list") else 403,
    )


def test_end_user_sees_only_their_computers(client, end_user, estate):
    endpoint_sync()
    client.force_login(end_user)
    response = client.get(reverse("antivirus:endpoint_list"))
    assert [e.ci.asset_tag for e in response.context["page"]] == ["PC-0001"]
    other = Endpoint.objects.get(ci__asset_tag="PC-0002")
    assert client.get(reverse("antivirus:endpoint_detail", args=[other.pk])).status_code == 404


def _list_queries(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("antivirus:endpoint_list"), params).status_code == 200
    return len(ctx.captured_queries)


def test_endpoint_list_query_count_is_flat(client, engineer, estate, make_ci_many):
    endpoint_sync()
    client.force_login(engineer)
    _list_queries(client)  # warm: the menu is drawn once (itsm.navigation)
    few = _list_queries(client)
    make_ci_many(40)
    endpoint_sync()
    endpoint_states_refresh()
    assert Endpoint.objects.count() > 70
    assert _list_queries(client) == few
    assert _list_queries(client, state="unprotected", product="", department="") <= few + 1


def test_statistics_pdf_embeds_the_cjk_font(client, engineer, estate):
    client.force_login(engineer)
    response = client.get(reverse("antivirus:statistics_pdf"), {"month": "2026-11"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert b"FontFile2" in response.content  # an embedded TrueType subset


def test_endpoint_csv_neutralises_formula_cells(client, engineer, estate):
    Endpoint.objects.create(reported_host="=HYPERLINK(1)", installed=True, product="+cmd")
    client.force_login(engineer)
    response = client.get(reverse("antivirus:endpoint_export"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body and "'+cmd" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_ci_protection_partial(client, engineer, estate):
    endpoint_sync()
    client.force_login(engineer)
    response = client.get(reverse("antivirus:ci_protection", args=[estate["PC-0003"].pk]))
    assert response.status_code == 200
    assert "antivirus-protection" in response.content.decode()


def test_unknown_layout_upload_lands_on_the_mapping_page(client, engineer, upload):
    client.force_login(engineer)
    response = client.post(
        reverse("antivirus:import_upload"),
        {
            "kind": "events",
            "file": upload("时间,主机,威胁,结果\n2026-11-30 10:00:00,PC0001,X,已清除\n"),
        },
    )
    assert response.status_code == 302 and response.url.endswith("/mapping/")
    page = client.get(response.url)
    assert page.status_code == 200
    assert "主机" in page.content.decode()


def test_event_csv_export_neutralises_formulas(client, engineer, estate):
    from datetime import datetime, timedelta

    from django.utils import timezone

    from antivirus.models import ConsoleImport, VirusEvent

    record = ConsoleImport.objects.create(
        kind="events", file_name="x", sha256="1", created_by=engineer
    )
    VirusEvent.objects.create(
        detected_at=timezone.now() - timedelta(days=1),
        host_name="PC0001",
        threat="@SUM(1)",
        file_path="-cmd",
        console_import=record,
        fingerprint="f" * 40,
    )
    client.force_login(engineer)
    body = b"".join(client.get(reverse("antivirus:event_export")).streaming_content).decode(
        "utf-8-sig"
    )
    assert "'@SUM(1)" in body and "'-cmd" in body
    today = datetime.now().date()
    empty = client.get(
        reverse("antivirus:event_export"), {"since": "2020-01-01", "until": "2020-01-08"}
    )
    assert "@SUM" not in b"".join(empty.streaming_content).decode("utf-8-sig")
    assert today


def test_endpoint_page_shows_the_state_on_a_past_day(client, engineer, estate):
    from datetime import date

    from antivirus.models import ConsoleImport, EndpointSnapshot

    endpoint_sync()
    endpoint = Endpoint.objects.get(ci=estate["PC-0002"])
    record = ConsoleImport.objects.create(
        kind="status", file_name="x", sha256="2", created_by=engineer
    )
    EndpointSnapshot.objects.create(
        endpoint=endpoint, console_import=record, taken_on=date(2026, 11, 2), installed=True,
        product="360天擎", signature_version="2026.11.01.1",
    )  # fmt: skip
    client.force_login(engineer)
    page = client.get(
        reverse("antivirus:endpoint_detail", args=[endpoint.pk]), {"day": "2026-11-05"}
    )
    assert "2026.11.01.1" in page.content.decode()
    before = client.get(
        reverse("antivirus:endpoint_detail", args=[endpoint.pk]), {"day": "2026-10-01"}
    )
    assert (
        before.status_code == 200
        and "2026.11.01.1" not in before.content.decode().split("<table")[0]
    )
