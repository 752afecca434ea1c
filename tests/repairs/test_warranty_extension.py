"""Warranty after repair: a returned repair records the warranty the vendor gives on it; the
device's warranty end moves, its history names the repair, and its page links to it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cmdb.models import WarrantyExtension
from cmdb.selectors import ci_timeline
from cmdb.services.warranty import warranty_extend
from itsm.models import TransitionLog
from repairs import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(frozen, engineer, work_order, vendor):
    repair = services.repair_create(
        actor=engineer, work_order=work_order, vendor=vendor, carrier=engineer,
        fault="无法开机", kind="third_party", data_handling="kept",
    )  # fmt: skip
    repair = services.repair_send(actor=engineer, repair=repair, lock_version=repair.lock_version)
    frozen.move_to(timezone.now() + timedelta(days=5))
    return services.repair_return(actor=engineer, repair=repair, lock_version=repair.lock_version)


def test_extension_moves_the_warranty_end_and_shows_in_the_ci_history(returned, engineer):
    device = returned.device
    device.warranty_end = date(2026, 10, 1)
    device.save()
    extension = services.repair_extend_warranty(
        actor=engineer, repair=returned, new_end=date(2027, 1, 3), terms="主板保修90天"
    )
    device.refresh_from_db()
    assert device.warranty_end == date(2027, 1, 3)
    assert extension.previous_end == date(2026, 10, 1)
    assert extension.reference == returned.number and extension.source == returned
    entry = next(e for e in ci_timeline(ci=device) if e.note == returned.number)
    assert any(
        str(old) == "2026-10-01" and str(new) == "2027-01-03" for _f, old, new in entry.changes
    )
    assert TransitionLog.objects.filter(transition="warranty_extended").count() == 1


def test_extension_is_refused_before_return_twice_or_shorter(
    frozen, returned, engineer, end_user, work_order
):
    with pytest.raises(ValidationError) as shorter:
        services.repair_extend_warranty(
            actor=engineer, repair=returned, new_end=timezone.localdate(), terms="x"
        )
    assert "new_end" in shorter.value.message_dict
    with pytest.raises(PermissionDenied):
        services.repair_extend_warranty(
            actor=end_user, repair=returned, new_end=date(2027, 1, 3), terms="x"
        )
    services.repair_extend_warranty(
        actor=engineer, repair=returned, new_end=date(2027, 1, 3), terms="90天"
    )
    with pytest.raises(ValidationError):
        services.repair_extend_warranty(
            actor=engineer, repair=returned, new_end=date(2027, 6, 3), terms="again"
        )
    returned.device.refresh_from_db()
    assert returned.device.warranty_end == date(2027, 1, 3), "the refusal saved nothing"
    assert WarrantyExtension.objects.count() == 1


def test_a_repair_still_out_cannot_extend(frozen, engineer, work_order, vendor):
    repair = services.repair_create(
        actor=engineer, work_order=work_order, vendor=vendor, carrier=engineer,
        fault="无法开机", kind="third_party", data_handling="kept",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.repair_extend_warranty(
            actor=engineer, repair=repair, new_end=date(2027, 1, 3), terms="x"
        )


def test_new_end_must_be_later_than_the_current_end(frozen, engineer, device):
    device.warranty_end = date(2028, 1, 1)
    device.save()
    with pytest.raises(ValidationError) as refused:
        warranty_extend(
            actor=engineer, ci=device, new_end=date(2027, 1, 1), terms="t", reference="R1"
        )
    assert "2028-01-01" in str(refused.value)
    with pytest.raises(ValidationError) as empty:
        warranty_extend(
            actor=engineer, ci=device, new_end=date(2029, 1, 1), terms=" ", reference=""
        )
    assert set(empty.value.message_dict) == {"terms", "reference"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_show_the_extension_with_a_link_to_the_repair(client, returned, engineer, language):
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(reverse("repairs:repair_detail", args=[returned.pk]))
    assert b'name="new_end"' in page.content
    response = client.post(
        reverse("repairs:repair_action", args=[returned.pk, "warranty"]),
        {"new_end": "2027-03-01", "terms": "<b>整机</b>保修"},
        follow=True,
    )
    assert response.status_code == 200
    assert "2027-03-01" in response.content.decode()
    ci_page = client.get(reverse("cmdb:ci_detail", args=[returned.device_id])).content.decode()
    assert returned.get_absolute_url() in ci_page and returned.number in ci_page
    assert "&lt;b&gt;整机&lt;/b&gt;保修" in ci_page, "user text is escaped"
    label = "保修延期记录" if language == "zh-hans" else "Warranty extensions"
    assert label in ci_page


def test_bad_date_on_the_page_is_a_message_and_saves_nothing(client, returned, engineer):
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        reverse("repairs:repair_action", args=[returned.pk, "warranty"]),
        {"new_end": "2020-01-01", "terms": "x"},
        follow=True,
    )
    assert "must end after today" in response.content.decode()
    assert not WarrantyExtension.objects.exists()


def test_api_records_the_extension_once(returned, engineer):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(engineer)
    url = f"/api/repair-orders/{returned.number}/warranty/"
    ok = api.post(url, {"new_end": "2027-02-01", "terms": "90天"}, format="json")
    assert ok.status_code == 200, ok.json()
    again = api.post(url, {"new_end": "2027-05-01", "terms": "再次"}, format="json")
    assert again.status_code == 400
    returned.device.refresh_from_db()
    assert returned.device.warranty_end == date(2027, 2, 1)
