import io

import pytest
from django.core.management import call_command

from changes.models import ChangeRequest

pytestmark = pytest.mark.django_db


def test_bench_changes_times_the_conflict_query_and_leaves_nothing_behind():
    out = io.StringIO()
    call_command("bench_changes", changes=60, items=20, runs=1, stdout=out)
    text = out.getvalue()
    assert "Conflict query:" in text and "ms" in text
    assert not ChangeRequest.objects.exists()
