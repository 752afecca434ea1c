"""Cached tables' versions within a request (issue 17): read together in one round trip,
once per request, and still read afresh after this request's own edit."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from itsm.cache import forget, request_tokens, version_token

pytestmark = pytest.mark.django_db


def test_a_request_reads_every_known_version_in_one_round_trip():
    first = version_token("test:a", prefetch=True)
    second = version_token("test:b", prefetch=True)
    version_token("test:one-user:7")  # one per user: read when asked, not every request
    real_get = cache.get  # the test cache's get_many calls get() for each key
    with (
        mock.patch.object(cache, "get", wraps=cache.get) as get,
        mock.patch.object(
            cache, "get_many", side_effect=lambda keys: {k: real_get(k) for k in keys}
        ) as get_many,
        request_tokens(),
    ):
        assert version_token("test:a") == first
        assert version_token("test:b") == second
        assert version_token("test:a") == first
    assert get_many.call_count == 1
    assert {"test:a", "test:b"} <= set(get_many.call_args.args[0])
    assert "test:one-user:7" not in get_many.call_args.args[0]
    assert get.call_count == 0


def test_an_edit_in_the_request_is_read_back_in_it():
    version_token("test:a")
    with request_tokens():
        before = version_token("test:a")
        forget("test:a")
        after = version_token("test:a")
        assert after != before
        assert version_token("test:a") == after


def test_outside_a_request_every_read_asks_the_cache():
    before = version_token("test:a")
    with request_tokens():
        assert version_token("test:a") == before
    cache.delete("test:a")  # another process's edit
    assert version_token("test:a") != before


def test_a_key_first_read_in_a_request_is_fetched_and_kept_for_it():
    with request_tokens(), mock.patch.object(cache, "get", wraps=cache.get) as get:
        made = version_token("test:new")
        reads = get.call_count
        assert version_token("test:new") == made
        assert get.call_count == reads  # kept: no second read


def test_pages_read_the_versions_through_the_middleware(client, agent):
    client.force_login(agent)
    client.get(reverse("incidents:queue"))  # this process learns the tables' keys
    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        assert client.get(reverse("incidents:queue")).status_code == 200
    fetched = set(get_many.call_args_list[0].args[0])
    assert {"servicedesk:staff-directory", "servicedesk:organisation"} <= fetched


def _fault():
    from servicedesk.models import Category

    return Category.objects.filter(level="fault_type", is_active=True).order_by("pk").first()


@pytest.mark.django_db
def test_an_edit_rolled_back_is_not_kept_in_any_cache():
    """The editing transaction reads its own change, uncached; after a rollback the
    tables (in process) and the shared caches hold only committed rows."""
    from django.db import transaction

    from servicedesk.models import Category

    fault = _fault()
    assert fault in Category.active()
    with pytest.raises(RuntimeError), transaction.atomic():
        Category.objects.filter(pk=fault.pk).update(name="临时名称")
        assert "临时名称" in [c.name for c in Category.active()]
        assert version_token(Category.CACHE_KEY) is None  # nothing cached meanwhile
        raise RuntimeError("rolled back")
    assert "临时名称" not in [c.name for c in Category.active()]
    assert fault.name in [c.name for c in Category.active()]


@pytest.mark.django_db
def test_after_a_committed_edit_the_table_is_cached_again(django_assert_num_queries):
    from django.db import transaction

    from servicedesk.models import Category

    fault = _fault()
    with transaction.atomic():
        Category.objects.filter(pk=fault.pk).update(name="新名称")
    assert "新名称" in [c.name for c in Category.active()]
    with django_assert_num_queries(0):
        assert "新名称" in [c.name for c in Category.active()]
