from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cmdb.choices import CIStatus
from cmdb.models import WarrantyAlert
from cmdb.services.warranty import threshold_for, warranty_alert_scan
from cmdb.tasks import warranty_alerts
from itsm.actors import system_user as SYSTEM  # noqa: N812
from servicedesk.models import Notification

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days", "expected"),
    [(90, None), (61, None), (60, 60), (31, 60), (30, 30), (0, 30), (-1, 0)],
)
def test_threshold_for_days_left(days, expected):
    assert threshold_for(days) == expected


@pytest.fixture
def due(make_ci):
    today = timezone.localdate()
    return {
        "soon": make_ci(asset_tag="W-SOON", warranty_end=today + timedelta(days=45)),
        "sooner": make_ci(asset_tag="W-SOONER", warranty_end=today + timedelta(days=10)),
        "ended": make_ci(asset_tag="W-ENDED", warranty_end=today - timedelta(days=3)),
        "ended_retired": make_ci(
            asset_tag="W-RETIRED", warranty_end=today - timedelta(days=3), status=CIStatus.RETIRED
        ),
        "far": make_ci(asset_tag="W-FAR", warranty_end=today + timedelta(days=400)),
        "none": make_ci(asset_tag="W-NONE"),
    }


def test_warranty_alert_goes_out_once_per_item_and_threshold(
    due, engineer, supervisor, time_machine
):
    assert warranty_alerts.delay().get() == 3
    assert set(WarrantyAlert.objects.values_list("item__asset_tag", "threshold_days")) == {
        ("W-SOON", 60),
        ("W-SOONER", 30),
        ("W-ENDED", 0),
    }
    notice = Notification.objects.get(recipient=engineer)
    assert "W-SOONER" in notice.body and "W-RETIRED" not in notice.body
    assert Notification.objects.filter(recipient=supervisor).count() == 1

    assert warranty_alert_scan(actor=SYSTEM()) == 0, "a rerun sends nothing"
    time_machine.move_to(timezone.now() + timedelta(days=20))
    assert (
        warranty_alert_scan(actor=SYSTEM()) == 2
    )  # W-SOON reaches 30 days left, W-SOONER has ended
    time_machine.move_to(timezone.now() + timedelta(days=30))
    assert warranty_alert_scan(actor=SYSTEM()) == 1  # W-SOON has ended
    assert Notification.objects.filter(recipient=engineer).count() == 3


def test_an_extended_warranty_alerts_again(due):
    from cmdb.services import ci_update

    warranty_alert_scan(actor=SYSTEM())
    ci_update(
        actor=SYSTEM(), ci=due["sooner"], warranty_end=timezone.localdate() + timedelta(days=50)
    )
    assert warranty_alert_scan(actor=SYSTEM()) == 1


def test_warranty_page_lists_items_ending_and_ended_in_use(
    client, engineer, due, django_assert_max_num_queries, make_ci, make_person
):
    client.force_login(engineer)
    with django_assert_max_num_queries(20) as few:
        body = client.get(reverse("cmdb:warranty_list")).content.decode()
    for tag in ("W-SOON", "W-SOONER", "W-ENDED"):
        assert tag in body
    for tag in ("W-RETIRED", "W-FAR", "W-NONE"):
        assert tag not in body
    owner = make_person()
    for _ in range(20):
        make_ci(warranty_end=timezone.localdate() + timedelta(days=5), responsible=owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cmdb:warranty_list")).status_code == 200
