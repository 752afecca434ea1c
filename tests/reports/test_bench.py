"""reports_bench works end to end at a small scale (it is not a timing test)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from incidents.models import WorkOrder
from servicedesk.choices import Role

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("reports_bench", *args, stdout=out)
    return out.getvalue()


def test_reports_bench_seeds_times_the_dashboard_and_the_summary_and_cleans_up(
    settings, make_person
):
    settings.DEBUG = True
    make_person(Role.END_USER, username="requester")
    before = WorkOrder.objects.count()

    output = run("--orders", "300", "--summary-orders", "120", "--repeat", "4", "--warmup", "1")

    assert "seeded" in output and "database:" in output
    for operation in (
        "dashboard, this month",
        "dashboard, last month",
        "api/report-figures",
        "dashboard, after a write",
        "after a last-month write",
        "service summary",
    ):
        assert operation in output, output
    assert WorkOrder.objects.count() == before  # removed again without --keep


def test_reports_bench_refuses_a_production_database(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        run("--orders", "10")
