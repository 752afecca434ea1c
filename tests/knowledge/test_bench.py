"""The benchmark command works end to end at a small scale (it is not a timing test)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from knowledge.models import KnowledgeRecord, KnowledgeTerm

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("bench_knowledge", *args, stdout=out)
    return out.getvalue()


def test_bench_seeds_measures_and_cleans_up(settings):
    settings.DEBUG = True
    output = run("--records", "120", "--repeat", "2")
    assert "seeded 120 knowledge records" in output
    assert "database: sqlite" in output or "database: postgresql" in output
    for operation in ("Chinese search, end user", "English search, staff", "search page"):
        assert operation in output, output
    assert not KnowledgeRecord.objects.exists()
    assert not KnowledgeTerm.objects.exists()


def test_bench_keeps_rows_when_asked(settings):
    settings.DEBUG = True
    run("--records", "50", "--repeat", "1", "--keep")
    assert KnowledgeRecord.objects.count() == 50
    numbers = list(KnowledgeRecord.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 50
    assert KnowledgeTerm.objects.filter(record__status="published", visibility=0).count() == 0


def test_bench_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("--records", "10")
