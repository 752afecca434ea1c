"""The manager dashboard (/reports/): who sees it, its numbers and links, its exports."""

import csv
import io
from datetime import datetime
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import services
from incidents.metrics import quality_figures
from incidents.selectors import queue_counts_changed
from reports import drill
from reports.dashboard import dashboard, records_for
from reports.periods import Period
from servicedesk.choices import Role
from servicedesk.models import Department

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _order(requester, actor, at, **kwargs):
    with time_machine.travel(at, tick=False):
        return services.work_order_create(
            actor=actor, requester=requester, title="打印机卡纸", **kwargs
        )


@pytest.fixture
def month_of_orders(make_person, agent, engineer):
    """November: two orders resolved at the desk, one never answered (missed), one in
    another department; October: one order answered in time."""
    other = Department.objects.create(name='=HYPERLINK("x")', code="other")
    alice = make_person(Role.END_USER, username="alice")
    bob = make_person(Role.END_USER, username="bob", department=other)
    for day in (2, 3):
        order = _order(alice, alice, datetime(2026, 11, day, 9, 0, tzinfo=SH))
        with time_machine.travel(datetime(2026, 11, day, 9, 5, tzinfo=SH), tick=False):
            services.work_order_resolve(work_order=order, actor=agent, resolution="指导")
    _order(bob, bob, datetime(2026, 11, 4, 9, 0, tzinfo=SH))  # never answered
    order = _order(alice, alice, datetime(2026, 10, 12, 9, 0, tzinfo=SH))
    with time_machine.travel(datetime(2026, 10, 12, 9, 30, tzinfo=SH), tick=False):
        services.work_order_comment(work_order=order, actor=agent, body="已收到")
    return {"other": other}


def test_only_managers_and_supervisors_see_the_dashboard(
    client, manager, supervisor, engineer, agent, end_user, now
):
    url = reverse("reports:dashboard")
    for user, status in ((manager, 200), (supervisor, 200), (engineer, 403), (agent, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get("/api/report-figures/").status_code == status, user
    client.force_login(end_user)
    assert client.get(reverse("reports:dashboard-export", args=["csv"])).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_page_shows_commitments_misses_in_red_and_links_every_number(
    client, manager, month_of_orders, now
):
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard"), {"month": "2026-11"}).content.decode()
    figures = quality_figures(
        start=Period.month(2026, 11).start_at, end=Period.month(2026, 11).end_at, as_of=NOW
    )
    # Response rate: two answered of three due; missed against the 100 % commitment.
    assert (figures.responded, figures.responses_due) == (2, 3)
    assert "66.7 %" in page and "≥ 100 %" in page
    assert "text-danger fw-bold" in page and "bi-exclamation-triangle-fill" in page
    assert "/reports/drill/service.responded/?start=2026-11-01T00%3A00%3A00%2B08%3A00" in page
    assert "department=%d" % month_of_orders["other"].pk in page
    assert "=HYPERLINK(&quot;x&quot;)" in page  # data escaped, shown as written
    assert "badge text-bg-warning" in page  # preliminary: November is not over
    # On a phone each cell prints its column's name: in the commitments table, whose row
    # header already names the figure, the value reads as the actual value.
    commitments = page[
        page.index('id="commitments"') : page.index("</table>", page.index('id="commitments"'))
    ]
    assert 'data-label="Actual value"' in commitments or 'data-label="实际值"' in commitments
    assert (
        'data-label="Response rate"' not in commitments and 'data-label="响应率"' not in commitments
    )


def test_the_counts_behind_the_dashboard_equal_their_drill_lists(month_of_orders, now):
    board = dashboard(month=Period.month(2026, 11), now=NOW)
    checked = 0
    for _table, _line, cell in board.rows():
        for url, number in ((cell.url, cell.count if cell.is_rate else cell.value),
                            (cell.base_url, cell.base)):  # fmt: skip
            if not url or number is None:
                continue
            path, query = url.split("?")
            key = path.rstrip("/").rsplit("/", 1)[-1]
            params = dict(parse_qsl(query))
            source = drill.source(key)
            assert source is not None, key
            assert source.records(params).count() == number, (key, params)
            checked += 1
    assert checked > 100
    assert records_for("received", {"start": "2026-11-01", "end": "2026-12-01"}).count() == 3


def test_the_query_count_stays_flat_as_orders_and_departments_grow(
    client, manager, make_person, agent, now
):
    client.force_login(manager)
    url = reverse("reports:dashboard")

    def grow(count):
        for n in range(count):
            department = Department.objects.create(name=f"处室{n}", code=f"d{n}-{count}")
            user = make_person(Role.END_USER, username=f"u{n}-{count}", department=department)
            _order(user, user, datetime(2026, 11 - n % 3, 5, 9, 0, tzinfo=SH))

    def measure():
        # A write drops the cached figures once committed (tests never commit: say so).
        queue_counts_changed()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            page = client.get(url).content.decode()
        return len(cold), len(warm), page.count('<th scope="row"')

    grow(1)
    client.get(url)  # the session and the calendar are read once
    cold, warm, rows = measure()
    assert warm == cold - 1  # the grouped aggregate, answered from the cache
    assert cold <= 12
    grow(6)
    assert measure()[:2] == (cold, warm)
    # Two of the six new departments reported in November: listed, with no more queries.
    assert measure()[2] == rows + 2


def test_a_bad_or_future_month_says_so_and_shows_this_month(client, manager, now):
    client.force_login(manager)
    for month in ("2026-13", "abc", "2027-01"):
        response = client.get(reverse("reports:dashboard"), {"month": month}, follow=True)
        page = response.content.decode()
        assert response.status_code == 200
        assert "2026-11" in page
        assert any(m.level_tag == "warning" for m in response.context["messages"])
    assert client.get("/api/report-figures/", {"month": "2027-01"}).status_code == 400


def test_exports_carry_the_same_numbers_with_formulas_neutralised(
    client, manager, month_of_orders, now
):
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard-export", args=["csv"]), {"month": "2026-11"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] in ("Table", "表")
    assert any(row[1] == '\'=HYPERLINK("x")' for row in rows)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    response = client.get(reverse("reports:dashboard-export", args=["xlsx"]), {"month": "2026-11"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[1] == '=HYPERLINK("x")' for row in values)  # a string cell, not a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_api_gives_the_same_numbers_as_the_page(client, manager, month_of_orders, now):
    client.force_login(manager)
    data = client.get("/api/report-figures/", {"month": "2026-11"}).json()
    board = dashboard(month=Period.month(2026, 11), now=NOW)
    assert data["month"] == "2026-11" and data["preliminary"] is True
    assert [f["value"] for f in data["current"]["figures"]] == [
        c.value for c in board.current.cells
    ]
    assert len(data["months"]) == 13 and data["months"][-1]["label"] == "2026-11"
    by_key = {f["key"]: f for f in data["current"]["figures"]}
    assert (
        by_key["response_rate"]["met"] is False and by_key["response_rate"]["target"] == "≥ 100 %"
    )
    assert by_key["received"]["value"] == 3


def test_a_write_recounts_only_the_month_the_order_was_received_in(month_of_orders, agent, now):
    """Each month's counts are cached apart: answering a November order leaves October's
    (and every other past month's) cached counts alone and recounts November alone."""
    month = Period.month(2026, 11)
    dashboard(month=month, now=now)
    before = _responded(month, now)
    with CaptureQueriesContext(connection) as warm:
        dashboard(month=month, now=now)
    from incidents.models import WorkOrder

    unanswered = WorkOrder.objects.get(created_at__date=datetime(2026, 11, 4).date())
    services.work_order_comment(work_order=unanswered, actor=agent, body="已收到")
    with CaptureQueriesContext(connection) as after_write:
        dashboard(month=month, now=now)
    grouped = [q["sql"] for q in after_write.captured_queries if "GROUP BY" in q["sql"]]
    # One grouped count, bounded to November: October is served from its cache.
    assert len(grouped) == 1
    assert len(after_write.captured_queries) == len(warm.captured_queries) + 1
    assert _responded(month, now) == before + 1
    from reports import dashboard_cache

    with CaptureQueriesContext(connection) as october:
        dashboard_cache.grid([Period.month(2026, 10)], now)
    assert october.captured_queries == []  # still cached: the write was in November


def _responded(month, now):
    from reports import dashboard_cache

    grid = dashboard_cache.grid([month], now)
    return sum(figures.responded for figures in grid.values())
