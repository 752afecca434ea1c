"""Benchmark impact analysis, the item list and labels on a large synthetic estate (issue 4).

    DEBUG=1 DATABASE_URL=postgres://…/scratch python manage.py cmdb_bench --items 50000 --relationships 200000

Creates BENCH-* items once (kept for re-runs): random relationships biased towards a few
hubs (so the first item's failure reaches nearly the whole estate), bench users (a few
VIPs) responsible for most items in the demo departments, shared items with named
users, and a separate shallow case: a server with three applications running on it;
the multi-start case is the impact of the first five hubs together (a change on them).
Then prints median, p95 and best milliseconds and the query count of each operation.
Writes to the database: DEBUG only, never on production.
"""

import random
import statistics

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cmdb.choices import RelationshipType
from cmdb.models import CIClass, CIRelationship, ConfigurationItem, ConfigurationItemUser
from cmdb.services import ci_impact, cis_impact, impacted_ids
from itsm.bench import database_label, p95, timed
from servicedesk.models import Department, Person, ServiceLevel

TYPES = [
    RelationshipType.RUNS_ON,
    RelationshipType.CONNECTED_TO,
    RelationshipType.DEPENDS_ON,
    RelationshipType.USED_BY,
]
SHALLOW_TAG = "BENCH-S-SERVER"
HUBS = 5  # items of the multi-start case (a change on several hubs)


class Command(BaseCommand):
    help = "Time CMDB impact analysis on a synthetic estate (DEBUG only: it writes rows)."

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=50_000)
        parser.add_argument("--relationships", type=int, default=200_000)
        parser.add_argument("--users", type=int, default=3_000, help="bench users (people)")
        parser.add_argument("--runs", type=int, default=7, help="timed runs per operation")
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument(
            "--skip-labels", action="store_true", help="leave out the label PDFs (slow)"
        )

    def handle(self, *args, items, relationships, users, runs, seed, skip_labels, **options):
        if not settings.DEBUG:
            raise CommandError("cmdb_bench writes thousands of rows; run it with DEBUG=1.")
        rng = random.Random(seed)  # noqa: S311 (synthetic data)
        ids = self._items(items)
        self._relationships(ids, relationships, rng)
        people = self._users(users, rng)
        self._owners(ids, people, rng)
        hub = ConfigurationItem.objects.get(pk=ids[0])
        # The first ids are the hubs (relationships point at low ids): a change on several.
        hubs = list(ConfigurationItem.objects.filter(pk__in=ids[:HUBS]).order_by("pk"))
        shallow = self._shallow(people)

        self.stdout.write(
            f"{database_label()}: {ConfigurationItem.objects.count()} items, "
            f"{CIRelationship.objects.count()} relationships, {len(people)} bench users"
        )
        for label, ci in (("hub", hub), ("shallow", shallow)):
            impact = ci_impact(ci=ci)
            self.stdout.write(
                f"impact {label} {ci.asset_tag}: {len(impact.items)} items reached, "
                f"{len(impact.users)} users ({self._vips(impact)} VIP), "
                f"{len(impact.departments)} departments, "
                f"{len(impact.service_levels)} service levels, {len(impact.edges)} edges"
            )
        together = cis_impact(cis=hubs)
        self.stdout.write(
            f"impact of {len(hubs)} hubs together: {len(together.items)} items reached, "
            f"{len(together.users)} users ({self._vips(together)} VIP), "
            f"{len(together.edges)} edges"
        )
        operations = [
            ("impact hub: walk only", lambda: impacted_ids(ci_id=hub.pk)),
            ("impact hub: ci_impact", lambda: ci_impact(ci=hub)),
            ("impact hub: + every instance", lambda: _consume(ci_impact(ci=hub))),
            ("impact shallow: ci_impact", lambda: _consume(ci_impact(ci=shallow))),
            (f"impact {len(hubs)} hubs: cis_impact", lambda: cis_impact(cis=hubs)),
            (f"impact {len(hubs)} hubs: first 50+100", lambda: _first(cis_impact(cis=hubs))),
            (
                f"impact {len(hubs)} hubs + shallow",
                lambda: _first(cis_impact(cis=[*hubs, shallow])),
            ),
        ]
        client = self._client()
        if client is not None:
            from django.urls import reverse

            answer = _get(client, f"/api/cis/{hub.pk}/impact/")
            self.stdout.write(
                f"impact API for the hub: {len(answer.content) // 1024} KB a page of "
                f"{len(answer.json()['items'])} items"
            )

            operations += [
                (
                    "impact hub: page",
                    lambda: _get(client, reverse("cmdb:ci_impact", args=[hub.pk])),
                ),
                (
                    "impact hub: API, 500 a page",
                    lambda: _get(client, f"/api/cis/{hub.pk}/impact/"),
                ),
                (
                    "impact hub: API, last page",
                    lambda: _get(client, f"/api/cis/{hub.pk}/impact/", {"offset": 48500}),
                ),
                (
                    "impact shallow: page",
                    lambda: _get(client, reverse("cmdb:ci_impact", args=[shallow.pk])),
                ),
                ("item list, first page", lambda: _get(client, reverse("cmdb:ci_list"))),
                (
                    "item search BENCH-0004",
                    lambda: _get(client, reverse("cmdb:ci_list"), {"q": "BENCH-0004"}),
                ),
                (
                    "item search 不存在",
                    lambda: _get(client, reverse("cmdb:ci_list"), {"q": "不存在"}),
                ),
            ]
        else:
            self.stdout.write("pages skipped: no superuser (run seed_demo)")
        if not skip_labels:
            operations += self._labels(ids[:1000])

        self.stdout.write(
            f"{'operation':<32} {'median ms':>10} {'p95 ms':>9} {'best ms':>9} {'queries':>8}"
        )
        for name, operation, *repeat in operations:
            operation()  # warm caches (templates, default level, fonts) once
            measured = [timed(operation) for _ in range(repeat[0] if repeat else runs)]
            timings = [elapsed for elapsed, _, _ in measured]
            self.stdout.write(
                f"{name:<32} {statistics.median(timings):>10.1f} {p95(timings):>9.1f} "
                f"{min(timings):>9.1f} {max(count for _, count, _ in measured):>8}"
            )

    @staticmethod
    def _vips(impact) -> int:
        return sum(
            n for level, n in impact.user_counts if level is not None and level.code == "vip"
        )

    def _labels(self, ids):
        from cmdb.labels import labels_pdf

        items = list(ConfigurationItem.objects.filter(pk__in=ids).select_related("supplier"))
        return [
            (
                f"label PDF {len(items)} items {layout}",
                lambda layout=layout: labels_pdf(items, layout=layout),
                3,
            )
            for layout in ("a4-2x7", "single")
        ]

    def _client(self):
        from django.test import Client

        admin = get_user_model().objects.filter(is_superuser=True).first()
        if admin is None:
            return None
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(admin)
        return client

    # --- the synthetic estate (created once, reused by later runs) -----------------------

    def _items(self, count) -> list[int]:
        existing = list(
            ConfigurationItem.objects.filter(asset_tag__startswith="BENCH-0")
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
        bench = CIRelationship.objects.filter(source__asset_tag__startswith="BENCH-0")
        have = bench.count()
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
                have = bench.count()
                rows = []
        CIRelationship.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)

    def _users(self, count, rng) -> list[int]:
        """Bench people in the demo departments; one in 30 is a VIP."""
        User = get_user_model()
        existing = list(
            User.objects.filter(username__startswith="bench-u-")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if len(existing) >= count:
            return existing[:count]
        departments = list(Department.objects.values_list("pk", flat=True)) or [None]
        vip = ServiceLevel.objects.filter(code="vip").first()
        made = User.objects.bulk_create(
            [User(username=f"bench-u-{n:05d}") for n in range(len(existing), count)],
            batch_size=2000,
        )
        Person.objects.bulk_create(
            [
                Person(
                    user=user,
                    name=f"测试用户{user.username[-5:]}",
                    department_id=rng.choice(departments),
                    service_level=vip if rng.random() < 1 / 30 else None,
                )
                for user in made
            ],
            batch_size=2000,
        )
        return self._users(count, rng)

    def _owners(self, ids, people, rng) -> None:
        """Four in five items get a responsible user and their department; shared items get users."""
        if ConfigurationItem.objects.filter(pk=ids[0], responsible__isnull=False).exists():
            return
        department_of = dict(
            Person.objects.filter(user_id__in=people).values_list("user_id", "department_id")
        )
        changed = []
        for pk in ids:
            if rng.random() < 0.8:
                owner = rng.choice(people)
                changed.append(
                    ConfigurationItem(
                        pk=pk, responsible_id=owner, department_id=department_of[owner]
                    )
                )
        ConfigurationItem.objects.bulk_update(
            changed, ["responsible", "department"], batch_size=1000
        )
        links = {(rng.choice(ids[:2000]), rng.choice(people)) for _ in range(5000)}
        ConfigurationItemUser.objects.bulk_create(
            [ConfigurationItemUser(item_id=i, user_id=u) for i, u in links],
            ignore_conflicts=True,
            batch_size=2000,
        )

    def _shallow(self, people) -> ConfigurationItem:
        """A server with three applications on it, outside the random graph."""
        server = ConfigurationItem.objects.filter(asset_tag=SHALLOW_TAG).first()
        if server is not None:
            return server
        server_class = CIClass.objects.get(code="server")
        application = CIClass.objects.get(code="application")
        server = ConfigurationItem.objects.create(
            asset_tag=SHALLOW_TAG, name="bench server", ci_class=server_class
        )
        for n in range(1, 4):
            app = ConfigurationItem.objects.create(
                asset_tag=f"BENCH-S-APP-{n}",
                name=f"bench application {n}",
                ci_class=application,
                responsible_id=people[n],
            )
            CIRelationship.objects.create(source=app, target=server, type=RelationshipType.RUNS_ON)
        return server


def _consume(impact):
    """What the change pages and the API do: read every item and every user."""
    for item in impact.items:
        item.asset_tag  # noqa: B018
    for user in impact.users:
        user.pk  # noqa: B018
    return impact


def _first(impact, items=50, users=100):
    """What a change or release page reads: the counts and the first rows."""
    impact.items[:items]  # noqa: B018
    [impact.user_level(user) for user in impact.users[:users]]
    return impact


def _get(client, url, params=None):
    response = client.get(url, params or {})
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}")
    return response
