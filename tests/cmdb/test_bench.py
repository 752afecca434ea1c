import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_cmdb_bench_times_several_hubs_together_and_the_bounded_api(settings):
    settings.DEBUG = True
    get_user_model().objects.create_superuser("bench-admin", password="x")  # noqa: S106
    out = io.StringIO()
    call_command(
        "cmdb_bench",
        items=60,
        relationships=150,
        users=12,
        runs=1,
        skip_labels=True,
        stdout=out,
    )
    text = out.getvalue()
    assert "impact of 5 hubs together:" in text
    for operation in (
        "impact 5 hubs: cis_impact",
        "impact hub: API, 500 a page",
        "impact hub: page",
    ):
        assert operation in text
    assert "a page of" in text
