"""Benchmark impact analysis and the item list on a large synthetic estate (issue 4).

    DEBUG=1 DATABASE_URL=postgres://…/scratch python manage.py cmdb_bench --items 50000 --relationships 200000

Creates BENCH-* items once (kept for re-runs), then times impact from the most connected
item and from a typical one. Writes to the database: DEBUG only, never on production.
"""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries

from cmdb.choices import RelationshipType
from cmdb.models import CIClass, CIRelationship, ConfigurationItem
from cmdb.services import ci_impact, impacted_ids

TYPES = [
    RelationshipType.RUNS_ON,
    RelationshipType.CONNECTED_TO,
    RelationshipType.DEPENDS_ON,
    RelationshipType.USED_BY,
]


class Command(BaseCommand):
    help = "Time CMDB impact analysis on a synthetic estate (DEBUG only: it writes rows)."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=50_000)
        parser.add_argument("--relationships", type=int, default=200_000)
        parser.add_argument("--seed", type=int, default=4)

    def handle(self, *args, items, relationships, seed, **options):
        if not settings.DEBUG:
            raise CommandError("cmdb_bench writes thousands of rows; run it with DEBUG=1.")
        rng = random.Random(seed)  # noqa: S311 (synthetic data)
        ids = self._items(items)
        self._relationships(ids, relationships, rng)
        hub = ids[0]
        typical = ids[len(ids) // 2]
        for label, pk in (("hub", hub), ("typical", typical)):
            ci = ConfigurationItem.objects.get(pk=pk)
            settings.DEBUG = True
            reset_queries()
            start = time.perf_counter()
            depth, _ = impacted_ids(ci_id=pk)
            walk = time.perf_counter() - start
            reset_queries()
            start = time.perf_counter()
            impact = ci_impact(ci=ci)
            full = time.perf_counter() - start
            self.stdout.write(
                f"{connection.vendor} {label}: {len(depth)} items reached; graph walk "
                f"{walk:.3f}s; ci_impact (walk + items, users, departments) {full:.3f}s "
                f"in {len(connection.queries)} queries, {len(impact.users)} users"
            )
        self._labels(ids[:1000])
        self._list_page()

    def _labels(self, ids):
        from cmdb.labels import labels_pdf

        items = list(ConfigurationItem.objects.filter(pk__in=ids).select_related("supplier"))
        for layout in ("a4-2x7", "single"):
            start = time.perf_counter()
            try:
                pdf = labels_pdf(items, layout=layout)
            except (KeyError, ValueError) as exc:  # a layout name this build does not know
                self.stdout.write(f"labels {layout}: skipped ({exc})")
                continue
            self.stdout.write(
                f"label PDF, {len(items)} items, {layout}: {time.perf_counter() - start:.2f}s, "
                f"{len(pdf) // 1024} KB"
            )

    def _list_page(self):
        """The item list's first page and a search, in-process, with their query counts."""
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, override_settings
        from django.urls import reverse

        admin = get_user_model().objects.filter(is_superuser=True).first()
        if admin is None:
            self.stdout.write("list page: skipped (no superuser; run seed_demo)")
            return
        client = Client()
        client.force_login(admin)
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for name, params in (("list", {}), ("search BENCH-0004", {"q": "BENCH-0004"})):
                client.get(reverse("cmdb:ci_list"), params)
                timings = []
                for _ in range(10):
                    with CaptureQueriesContext(connection) as queries:
                        start = time.perf_counter()
                        client.get(reverse("cmdb:ci_list"), params)
                        timings.append((time.perf_counter() - start) * 1000)
                timings.sort()
                self.stdout.write(
                    f"item {name}: median {timings[len(timings) // 2]:.1f} ms, "
                    f"{len(queries.captured_queries)} queries"
                )

    def _items(self, count) -> list[int]:
        existing = list(
            ConfigurationItem.objects.filter(asset_tag__startswith="BENCH-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(existing) >= count:
            return existing[:count]
        desktop = CIClass.objects.get(code="desktop")
        ConfigurationItem.objects.bulk_create(
            [
                ConfigurationItem(asset_tag=f"BENCH-{n:06d}", name=f"bench {n}", ci_class=desktop)
                for n in range(len(existing), count)
            ],
            batch_size=2000,
        )
        return self._items(count)

    def _relationships(self, ids, count, rng) -> None:
        have = CIRelationship.objects.filter(source__asset_tag__startswith="BENCH-").count()
        rows = []
        n = len(ids)
        while have + len(rows) < count:
            # Preferential towards low ids: a few hubs (core switch, servers), many leaves.
            target = ids[int(n * rng.random() ** 3)]
            source = ids[rng.randrange(n)]
            if source != target:
                rows.append(
                    CIRelationship(source_id=source, target_id=target, type=rng.choice(TYPES))
                )
            if len(rows) >= 20_000:
                CIRelationship.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
                have = CIRelationship.objects.filter(source__asset_tag__startswith="BENCH-").count()
                rows = []
        CIRelationship.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
