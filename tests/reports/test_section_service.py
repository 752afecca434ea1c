"""The service section (月度服务总结): shape, drill lists equal to figures, flat queries."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import services
from reports import drill
from reports.definitions import Section
from reports.periods import Period
from reports.sections import service, trends

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


@pytest.fixture
def file_order(end_user):
    """A fault reported through the portal by the end user (incidents' own service)."""

    def make():
        return services.work_order_create(
            actor=end_user, requester=end_user, title="打印机卡纸", description="三楼打印机卡纸"
        )

    return make


NOVEMBER = Period.month(2026, 11)


def _month_of_work(file_order, agent, engineer, n: int) -> None:
    """n rounds of: a desk fix with a callback, a dispatched fix, an order left open."""
    for i in range(n):
        with time_machine.travel(datetime(2026, 11, 2 + i % 20, 9, 0, tzinfo=SH), tick=False):
            at_desk = services.work_order_resolve(
                work_order=file_order(), actor=agent, resolution="电话指导"
            )
            dispatched = services.work_order_assign(
                work_order=file_order(), actor=agent, assignee=engineer
            )
            services.work_order_start(work_order=dispatched, actor=engineer)
            file_order()
        with time_machine.travel(datetime(2026, 11, 2 + i % 20, 16, 0, tzinfo=SH), tick=False):
            services.work_order_resolve(work_order=dispatched, actor=engineer, resolution="更换")
            services.callback_record(work_order=at_desk, actor=agent, reached=True, satisfaction=5)


def _build(period=NOVEMBER):
    with time_machine.travel(datetime(2026, 12, 2, 9, 0, tzinfo=SH), tick=False):
        return service.build(period, options={})


def _queries(builder, period):
    at = datetime(2026, 12, 2, 9, 0, tzinfo=SH)
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as captured:
        builder.build(period, options={})
    return len(captured)


def test_service_section_query_count_does_not_grow_with_work_orders(file_order, agent, engineer):
    _month_of_work(file_order, agent, engineer, 2)
    _build()  # warm the memoised calendar and levels
    small = _queries(service, NOVEMBER)
    _month_of_work(file_order, agent, engineer, 10)
    assert _queries(service, NOVEMBER) == small
    print(f"\nservice section: {small} queries at both sizes")
    assert small <= 30, small


def test_trends_query_count_is_fixed(file_order, agent, engineer):
    _month_of_work(file_order, agent, engineer, 2)
    small = _queries(trends, NOVEMBER)
    _month_of_work(file_order, agent, engineer, 6)
    # One grouped query (incidents.metrics.quality_figures_by month) for the 12 months.
    assert _queries(trends, NOVEMBER) == small == 1


def test_section_json_round_trips(file_order, agent, engineer):
    _month_of_work(file_order, agent, engineer, 3)
    section = _build()
    data = section.to_json()
    assert Section.from_json(data).to_json() == data
    assert Section.from_json(data) == section


def test_every_summary_drill_lists_as_many_records_as_its_figure(file_order, agent, engineer):
    _month_of_work(file_order, agent, engineer, 3)
    section = _build()
    checked = 0
    for figure in section.figures:
        for which, target in (("drill", figure.drill), ("base_drill", figure.base_drill)):
            if target is None or (figure.count is None and figure.unit != "count"):
                continue  # a mean's list is the orders it averages, not a count shown
            expected = figure.value if which == "drill" and figure.count is None else None
            expected = (
                expected
                if expected is not None
                else (figure.count if which == "drill" else figure.base)
            )
            records = drill.source(target.key).records(target.params)
            assert records.count() == expected, (figure.key, which)
            checked += 1
    for table in section.tables:
        count_column = next((i for i, c in enumerate(table.columns) if c.key == "count"), None)
        for row, target in zip(table.rows, table.row_drills, strict=False):
            if target is not None and count_column is not None:
                assert drill.source(target.key).records(target.params).count() == row[count_column]
                checked += 1
    assert checked > 20


def test_a_quarter_and_a_year_build_too(file_order, agent, engineer):
    _month_of_work(file_order, agent, engineer, 1)
    quarter = _build(Period.quarter(2026, 4))
    year = _build(Period.year(2026))
    assert (quarter.title, year.title) == ("Service summary", "Service summary")
    received = next(f for f in quarter.figures if f.key == "service.received")
    assert received.value == 3 == next(f.value for f in year.figures if f.key == "service.received")
    with time_machine.travel(datetime(2027, 1, 5, tzinfo=SH), tick=False):
        quarterly = trends.build(Period.quarter(2026, 4), options={})
    assert quarterly.tables[0].rows[-1][0] == "2026-Q4" and len(quarterly.tables[0].rows) == 4


def test_empty_month_has_no_rates_and_no_rows():
    section = _build(Period.month(2020, 1))
    figures = {f.key: f for f in section.figures}
    assert figures["service.received"].value == 0
    assert figures["service.response_rate"].value is None
    assert [t.rows for t in section.tables if t.key == "service.breaches"] == [[]]


def test_metrics_drills_resolve_without_the_urlconf():
    """A Celery worker or the API renders frozen drills without ever loading the URLconf:
    reports.drill itself must find incidents.metrics' "service.<count key>" lists."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup();"
        "import sys; from incidents import metrics; from reports import drill;"
        "assert 'reports.dashboard' not in sys.modules;"
        "missing = [k for k in metrics.COUNT_KEYS if drill.source(f'service.{k}') is None];"
        "assert not missing, missing"
    )
    result = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "itsm.settings_test"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
