"""Spare demand: units issued per part and month (returned ones left out), stock against
the minimum summed over locations, the suggested order; page, CSV and API."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from cmdb.choices import RequisitionStatus
from cmdb.models import PartType, Requisition, Stock
from cmdb.spare_demand import demand_parts, month_firsts, spare_demand, suggested_order
from servicedesk.models import Building, Location

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2026, 10, 15, 4, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def store(location):
    other, _ = Location.objects.get_or_create(
        building=Building.objects.get_or_create(name="分库")[0], floor="1", room="库房"
    )
    toner = PartType.objects.create(name="硒鼓", model="CF226A", unit="个")
    memory = PartType.objects.create(name="内存条", model="8G", unit="条")
    PartType.objects.create(name="风扇", model="", unit="个")  # never used, no stock
    stock = {
        "toner": Stock.objects.create(part_type=toner, location=location, quantity=1, minimum_level=3),
        "toner2": Stock.objects.create(part_type=toner, location=other, quantity=1, minimum_level=1),
        "memory": Stock.objects.create(part_type=memory, location=location, quantity=6, minimum_level=2),
    }  # fmt: skip
    return stock


def _issued(stock, day, quantity, *, by, status=RequisitionStatus.CONSUMED):
    at = datetime(day.year, day.month, day.day, 2, tzinfo=UTC)
    return Requisition.objects.create(
        stock=stock, quantity=quantity, work_order_number="D0201-2026010101", status=status,
        requested_by=by, issued_at=at,
    )  # fmt: skip


@pytest.fixture
def history(store, engineer):
    _issued(store["toner"], date(2026, 8, 3), 2, by=engineer)
    _issued(store["toner2"], date(2026, 8, 30), 1, by=engineer)
    _issued(store["toner"], date(2026, 10, 1), 3, by=engineer, status=RequisitionStatus.ISSUED)
    _issued(store["toner"], date(2026, 9, 9), 5, by=engineer, status=RequisitionStatus.RETURNED)
    _issued(store["toner"], date(2026, 7, 31), 4, by=engineer)  # before the three months
    _issued(store["memory"], date(2026, 9, 2), 1, by=engineer)
    Requisition.objects.create(
        stock=store["memory"], quantity=9, work_order_number="X", requested_by=engineer
    )  # requested only: nothing left the stock


def test_month_firsts_cross_the_year():
    assert month_firsts(date(2026, 2, 10), 3) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


@pytest.mark.parametrize(
    ("consumed", "months", "stock", "minimum", "expected"),
    [(6, 3, 2, 3, 3), (7, 3, 2, 3, 4), (0, 3, 0, 0, 0), (0, 3, 10, 2, 0), (1, 12, 0, 0, 1)],
)
def test_suggested_order(consumed, months, stock, minimum, expected):
    assert (
        suggested_order(consumed=consumed, months=months, stock=stock, minimum=minimum) == expected
    )


def test_demand_per_part_and_month(history):
    demand = spare_demand(months=3)
    assert demand.months == [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    rows = {row.part.name: row for row in demand.rows}
    toner, memory, fan = rows["硒鼓"], rows["内存条"], rows["风扇"]
    assert toner.monthly == [3, 0, 3] and toner.consumed == 6 and toner.average == 2.0
    assert (toner.stock, toner.minimum, toner.below_minimum) == (2, 4, True)
    assert toner.suggested == 4  # 4 + 2 − 2
    assert memory.monthly == [0, 1, 0] and memory.suggested == 0 and not memory.below_minimum
    assert (fan.consumed, fan.stock, fan.suggested) == (0, 0, 0)
    assert [row.part.name for row in demand.to_order] == ["硒鼓"]
    assert list(demand_parts("below_minimum").values_list("name", flat=True)) == ["硒鼓"]
    four = {row.part.name: row for row in spare_demand(months=4).rows}["硒鼓"]
    assert four.monthly == [4, 3, 0, 3]


@pytest.mark.parametrize(("language", "title"), [("en", "Spare demand"), ("zh-hans", "备件需求")])
def test_page_and_csv(client, history, engineer, language, title):
    client.force_login(engineer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    page = client.get(reverse("cmdb:spare_demand")).content.decode()
    assert title in page and "2026-08" in page and "CF226A" in page
    csv = b"".join(
        client.get(reverse("cmdb:spare_demand"), {"format": "csv", "months": "3"}).streaming_content
    ).decode("utf-8-sig")
    assert "硒鼓 CF226A,个,3,0,3,6,2.0,2,4,4" in csv


def test_end_user_is_refused_and_api_matches(client, api, history, end_user, engineer):
    client.force_login(end_user)
    assert client.get(reverse("cmdb:spare_demand")).status_code == 403
    api.force_authenticate(end_user)
    assert api.get("/api/spare-demand/").status_code == 403
    api.force_authenticate(engineer)
    body = api.get("/api/spare-demand/", {"months": "3"}).json()
    toner = next(p for p in body["parts"] if p["name"] == "硒鼓 CF226A")
    assert body["months"] == ["2026-08", "2026-09", "2026-10"]
    assert toner["issued"] == [3, 0, 3] and toner["suggested_order"] == 4 and toner["below_minimum"]


def test_page_queries_stay_flat(client, store, engineer, django_assert_max_num_queries):
    client.force_login(engineer)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("cmdb:spare_demand"))
    for n in range(12):
        part = PartType.objects.create(name=f"配件{n}", model="m")
        stock = Stock.objects.create(part_type=part, location=store["toner"].location, quantity=n)
        _issued(stock, date(2026, 9, 1 + n), 1, by=engineer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cmdb:spare_demand")).status_code == 200
