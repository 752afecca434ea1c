"""The driver and software library (§4.3.3): entries, search by device model, the link
from a device's page, permissions, pages in both languages, the API."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cmdb import device_links
from cmdb.models import CIClass
from cmdb.services import ci_create
from documents import selectors, services
from documents.models import LibraryEntry
from itsm import workflow
from itsm.actors import system_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(agent, upload):
    counter = {"n": 0}

    def make(title=None, *, kind="driver", classes=("printer",), file=True, **fields):
        counter["n"] += 1
        fields.setdefault("location", "" if file else r"\\fileserver\驱动")
        return services.library_entry_save(
            actor=agent,
            kind=kind,
            title=title or f"驱动 {counter['n']}",
            ci_classes=list(CIClass.objects.filter(code__in=classes)),
            file=upload(f"driver{counter['n']}.zip", b"PK driver bytes") if file else None,
            **fields,
        )

    return make


def test_an_uploaded_file_gets_its_sha256_and_keeps_its_name(entry):
    saved = entry("HP 驱动", device_models="HP LaserJet P1108\n  hp   laserjet  p1106 ")
    assert saved.checksum == hashlib.sha256(b"PK driver bytes").hexdigest()
    assert saved.original_name == "driver1.zip" and saved.size == len(b"PK driver bytes")
    assert saved.model_list == ["HP LaserJet P1108", "hp laserjet p1106"]
    assert saved.models_key == "\nHP LASERJET P1108\nHP LASERJET P1106\n"


def test_a_checksum_that_does_not_match_the_file_is_refused_and_nothing_saved(entry):
    with pytest.raises(ValidationError) as caught:
        entry(checksum="0" * 64)
    assert "does not match" in caught.value.message_dict["checksum"][0]
    assert not LibraryEntry.objects.exists()


def test_an_entry_needs_a_file_or_a_location(agent):
    with pytest.raises(ValidationError) as caught:
        services.library_entry_save(actor=agent, kind="patch", title="补丁")
    assert "location" in caught.value.message_dict


def test_a_typed_checksum_must_be_sha256(entry):
    with pytest.raises(ValidationError) as caught:
        entry(file=False, checksum="abc")
    assert "64" in caught.value.message_dict["checksum"][0]
    saved = entry(file=False, checksum="AB" * 32)
    assert saved.checksum == "ab" * 32


def test_a_script_page_is_not_a_library_file(agent, upload):
    with pytest.raises(ValidationError) as caught:
        services.library_entry_save(
            actor=agent, kind="driver", title="x", file=upload("setup.html", b"<script>")
        )
    assert "file" in caught.value.message_dict


def test_editing_with_a_stale_lock_version_is_a_conflict(entry, agent):
    saved = entry()
    services.library_entry_save(
        actor=agent, entry=saved, lock_version=saved.lock_version, version="2"
    )
    with pytest.raises(workflow.Conflict):
        services.library_entry_save(
            actor=agent, entry=saved, lock_version=saved.lock_version, version="3"
        )


def test_replacing_the_file_replaces_the_checksum(entry, agent, upload):
    saved = entry()
    saved = services.library_entry_save(
        actor=agent,
        entry=saved,
        lock_version=saved.lock_version,
        checksum=saved.checksum,  # the old one, left in the form
        file=upload("new.zip", b"new bytes"),
    )
    assert saved.checksum == hashlib.sha256(b"new bytes").hexdigest()


@pytest.mark.parametrize("role", ["end_user", "approver", "manager"])
def test_only_the_keepers_maintain_the_library(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.library_entry_save(actor=user, kind="patch", title="补丁", location="WSUS")


def test_search_by_model_ignores_case_and_spacing_and_hides_superseded(entry, engineer):
    p1108 = entry(device_models="HP LaserJet P1108")
    entry(device_models="Lenovo M720t", classes=("desktop",))
    old = entry(device_models="HP LaserJet P1108", superseded=True)
    found = list(selectors.library_list(user=engineer, model="  laserjet   p1108"))
    assert found == [p1108]
    with_old = selectors.library_list(user=engineer, model="P1108", include_superseded=True)
    assert set(with_old) == {p1108, old}


def test_a_device_finds_its_models_entries_and_the_class_wide_ones(entry, engineer):
    exact = entry("P1108 驱动", device_models="HP LaserJet P1108")
    class_wide = entry("打印机通用驱动")
    other_model = entry("M404 驱动", device_models="HP LaserJet M404dn")
    entry("台式机驱动", classes=("desktop",))
    found = set(
        selectors.library_list(user=engineer, model="HP LaserJet P1108", ci_class="printer")
    )
    assert found == {exact, class_wide}
    assert set(selectors.library_list(user=engineer, ci_class="printer")) == {
        exact,
        class_wide,
        other_model,
    }


def test_end_users_see_no_library(entry, end_user, client):
    entry()
    assert not selectors.library_list(user=end_user).exists()
    client.force_login(end_user)
    assert client.get(reverse("documents:library_list")).status_code == 403


def _printer(**attributes):
    return ci_create(
        actor=system_user(),
        ci_class=CIClass.objects.get(code="printer"),
        asset_tag="PR-9001",
        name="3 楼打印机",
        attributes=attributes,
    )


def test_the_device_page_links_to_drivers_for_its_model(entry, engineer, end_user, client):
    exact = entry("P1108 驱动", device_models="HP LaserJet P1108")
    printer = _printer(brand_model="HP LaserJet P1108")
    panel = next(p for p in device_links.panels_for(engineer, printer) if p.key == "library")
    assert [row.url for row in panel.rows] == [exact.get_absolute_url()]
    label, url, _icon = panel.actions[0]
    assert url == reverse("documents:library_list") + "?model=HP+LaserJet+P1108&ci_class=printer"
    assert all(p.key != "library" for p in device_links.panels_for(end_user, printer))
    client.force_login(engineer)
    page = client.get(reverse("cmdb:ci_detail", args=[printer.pk])).content.decode()
    assert "Drivers for this model" in page and "P1108 驱动" in page
    listed = client.get(url).content.decode()
    assert "P1108 驱动" in listed


@pytest.mark.parametrize(
    ("language", "heading", "kind"),
    [("en", "Driver and software library", "Driver"), ("zh-hans", "驱动程序与软件库", "驱动程序")],
)
def test_library_pages_in_both_languages(entry, engineer, client, language, heading, kind):
    saved = entry("<b>HP</b> 驱动", device_models="HP LaserJet P1108")
    client.force_login(engineer)
    listed = client.get(reverse("documents:library_list"), HTTP_ACCEPT_LANGUAGE=language)
    html = listed.content.decode()
    assert heading in html and kind in html
    assert "&lt;b&gt;HP&lt;/b&gt;" in html and "<b>HP</b>" not in html
    detail = client.get(saved.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert saved.checksum in detail


def test_download_is_an_attachment(entry, engineer, client):
    saved = entry()
    client.force_login(engineer)
    response = client.get(reverse("documents:library_download", args=[saved.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"PK driver bytes"


def test_adding_an_entry_through_the_page(engineer, client, upload):
    client.force_login(engineer)
    url = reverse("documents:library_create")
    bad = client.post(
        url, {"kind": "driver", "title": "x", "checksum": "1" * 64, "file": upload("a.zip", b"zz")}
    )
    assert bad.status_code == 200 and "does not match" in bad.content.decode()
    assert not LibraryEntry.objects.exists()
    printer = CIClass.objects.get(code="printer")
    response = client.post(
        url,
        {
            "kind": "driver",
            "title": "HP 驱动",
            "device_models": "HP LaserJet P1108",
            "ci_classes": [printer.pk],
            "file": upload("a.zip", b"zz"),
        },
    )
    saved = LibraryEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == saved.get_absolute_url()
    assert list(saved.ci_classes.all()) == [printer] and saved.added_by == engineer


def test_approvers_read_but_cannot_add(entry, approver, client):
    entry()
    client.force_login(approver)
    assert client.get(reverse("documents:library_list")).status_code == 200
    assert client.get(reverse("documents:library_create")).status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_library_list_query_count_is_flat(entry, engineer, client):
    for _ in range(2):
        entry(device_models="HP P1108", classes=("printer", "desktop"))
    client.force_login(engineer)
    url = reverse("documents:library_list")
    few = _queries(client, url)
    for _ in range(6):
        entry(device_models="HP P1108\nHP P1106", classes=("printer", "desktop", "laptop"))
    assert _queries(client, url) == few


def test_api_lists_the_library_by_model(entry, engineer, end_user, client):
    exact = entry("P1108 驱动", device_models="HP LaserJet P1108")
    entry("其他", device_models="Canon LBP2900")
    client.force_login(engineer)
    data = client.get("/api/driver-library/", {"model": "p1108"}).json()
    assert [row["id"] for row in data["results"]] == [exact.pk]
    assert data["results"][0]["ci_classes"] == ["printer"]
    assert data["results"][0]["device_models"] == ["HP LaserJet P1108"]
    client.force_login(end_user)
    assert client.get("/api/driver-library/").status_code == 403
