"""Quarterly service targets (issue 18 item 4): a target set per quarter in force for its
dates, falling back to earlier rows; the dashboard, the reports and the targets page judge
each period by the targets in force in it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import services
from reports.dashboard import dashboard
from reports.periods import Period
from reports.quarter_targets import quarter_overview
from reports.sections.availability import availability_target
from reports.sections.service_targets import contract_targets
from servicedesk.choices import Role
from servicedesk.models import QuarterTargets, ServiceCommitment
from servicedesk.selectors import commitments_in_force

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _targets(year, quarter, **values):
    targets = QuarterTargets.objects.create(year=year, quarter=quarter, note="review")
    for key, (op, value) in values.items():
        ServiceCommitment.objects.create(quarter=targets, key=key, op=op, value=value)
    return targets


def _order(requester, at):
    with time_machine.travel(at, tick=False):
        return services.work_order_create(actor=requester, requester=requester, title="打印机卡纸")


@pytest.fixture
def november(make_person, agent):
    """Two orders answered (fixed at the desk) and one never answered: response rate 2/3."""
    alice = make_person(Role.END_USER, username="alice")
    for day in (2, 3):
        order = _order(alice, datetime(2026, 11, day, 9, 0, tzinfo=SH))
        with time_machine.travel(datetime(2026, 11, day, 9, 5, tzinfo=SH), tick=False):
            services.work_order_resolve(work_order=order, actor=agent, resolution="指导")
    _order(alice, datetime(2026, 11, 4, 9, 0, tzinfo=SH))


def test_a_quarters_rows_start_on_its_first_day_whatever_was_typed():
    targets = QuarterTargets.objects.create(year=2027, quarter=2)
    row = ServiceCommitment.objects.create(
        quarter=targets, key="satisfied_rate", op=">", value=0.97, valid_from=date(2020, 5, 5)
    )
    assert row.valid_from == date(2027, 4, 1)
    assert str(targets) == "2027-Q2"


def test_a_quarter_only_sets_the_contracts_headline_figures():
    targets = QuarterTargets.objects.create(year=2027, quarter=1)
    row = ServiceCommitment(quarter=targets, key="dispatch_attainment", op=">=", value=0.9)
    with pytest.raises(ValidationError) as raised:
        row.full_clean()
    assert "key" in raised.value.message_dict


def test_the_quarters_targets_are_in_force_in_it_and_later_quarters_fall_back():
    _targets(2027, 1, satisfied_rate=(">", 0.9), response_rate=(">=", 0.99))
    _targets(2027, 3, satisfied_rate=(">", 0.98))
    assert commitments_in_force(date(2026, 12, 31))["satisfied_rate"].value == 0.95  # contract
    assert commitments_in_force(date(2027, 1, 1))["satisfied_rate"].value == 0.9
    assert commitments_in_force(date(2027, 5, 20))["satisfied_rate"].value == 0.9  # Q2: Q1's
    q3 = commitments_in_force(date(2027, 8, 1))
    assert q3["satisfied_rate"].value == 0.98
    assert q3["response_rate"].value == 0.99  # Q3 sets no response rate: Q1's applies
    # The reports read the same rows.
    assert contract_targets(Period.quarter(2027, 2).end)["satisfied_rate"].value == 0.9
    assert availability_target(Period.quarter(2027, 2)).value == 0.98  # the contract's row
    _targets(2027, 4, availability=(">=", 0.99))
    assert availability_target(Period.quarter(2027, 4)).value == 0.99


def test_the_dashboard_colour_flips_when_the_quarters_target_changes(november, now):
    november_ = Period.month(2026, 11)
    board = dashboard(month=november_, now=NOW)
    cell = next(c for c in board.current.cells if c.key == "response_rate")
    assert cell.value == pytest.approx(2 / 3, abs=0.001)
    assert cell.missed and "link-danger" in cell.html()  # the contract's 100 %

    targets = _targets(2026, 4, response_rate=(">=", 0.6))
    board = dashboard(month=november_, now=NOW)
    cell = next(c for c in board.current.cells if c.key == "response_rate")
    assert cell.met and "link-danger" not in cell.html() and "bi-check-circle" in cell.html()
    # The trend lines: November under Q4's target, September still under the contract's.
    by_month = {line.label: line for line in board.months}
    target_of = {
        label: next(c for c in line.cells if c.key == "response_rate").target.value
        for label, line in by_month.items()
    }
    assert target_of["2026-11"] == 0.6 and target_of["2026-09"] == 1.0

    row = targets.commitments.get()
    row.value = 0.9
    row.save()
    cell = next(
        c for c in dashboard(month=november_, now=NOW).current.cells if c.key == "response_rate"
    )
    assert cell.missed


def test_the_targets_page_lists_each_quarter_with_target_and_actual(
    client, supervisor, engineer, november, now
):
    _targets(2026, 4, response_rate=(">=", 0.6), restore_time=("<=", 240))
    url = reverse("reports:quarter-targets")
    client.force_login(engineer)
    assert client.get(url).status_code == 403
    assert client.get("/api/quarter-targets/").status_code == 403
    client.force_login(supervisor)
    page = client.get(url, {"year": "2026"}).content.decode()
    assert "2026-Q4" in page and "2026-Q1" in page
    assert "66.7 %" in page and "≥ 60.0 %" in page
    lines = quarter_overview(year=2026, now=NOW)
    assert [line.period.slug for line in lines] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    q4 = {cell.key: cell for cell in lines[-1].cells}
    assert q4["response_rate"].met is True and q4["response_rate"].count == 2
    assert q4["restore_time"].actual is not None and q4["restore_time"].met is True
    assert lines[-1].own_set is not None and lines[0].own_set is None
    api = client.get("/api/quarter-targets/", {"year": "2026"}).json()
    figures = {f["key"]: f for f in api["quarters"][-1]["figures"]}
    assert figures["response_rate"]["met"] is True
    assert figures["response_rate"]["actual"] == q4["response_rate"].actual
    csv_text = client.get(url, {"year": "2026", "format": "csv"}).content.decode("utf-8-sig")
    assert "2026-Q4" in csv_text and "66.7 %" in csv_text
    assert client.get("/api/quarter-targets/", {"year": "abc"}).status_code == 400
    page = client.get(url, {"year": "abc"}, follow=True).content.decode()
    assert "不是年份" in page  # the message, in the user's language


def test_the_targets_page_query_count_stays_flat_as_orders_grow(client, manager, make_person, now):
    user = make_person(Role.END_USER, username="u1")
    client.force_login(manager)
    url = reverse("reports:quarter-targets")
    _order(user, datetime(2026, 10, 5, 9, 0, tzinfo=SH))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(6, 16):
        _order(user, datetime(2026, 10, day, 9, 0, tzinfo=SH))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_the_admin_adds_a_quarter_with_its_targets_in_one_form(admin_client):
    response = admin_client.post(
        reverse("admin:servicedesk_quartertargets_add"),
        {
            "year": "2027",
            "quarter": "3",
            "note": "季度评审",
            "commitments-TOTAL_FORMS": "2",
            "commitments-INITIAL_FORMS": "0",
            "commitments-MIN_NUM_FORMS": "0",
            "commitments-MAX_NUM_FORMS": "1000",
            "commitments-0-key": "satisfied_rate",
            "commitments-0-op": ">",
            "commitments-0-value": "0.97",
            "commitments-1-key": "restore_time",
            "commitments-1-op": "<=",
            "commitments-1-value": "200",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    targets = QuarterTargets.objects.get(year=2027, quarter=3)
    assert sorted(targets.commitments.values_list("key", "valid_from")) == [
        ("restore_time", date(2027, 7, 1)),
        ("satisfied_rate", date(2027, 7, 1)),
    ]
    assert commitments_in_force(date(2027, 9, 30))["satisfied_rate"].value == 0.97
