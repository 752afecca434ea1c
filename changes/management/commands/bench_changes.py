"""Time the change calendar's conflict query over a month with many changes.

    manage.py bench_changes [--changes 1000] [--items 300] [--per-change 3] [--keep]

Seeds the changes (random windows of 1–8 hours in next month, random affected items)
inside a transaction that is rolled back unless --keep, then runs the conflict query
and the whole calendar read several times and prints the times. Target: under 1 s.
On cmdb_bench's estate it also times the pages of a change and a release on its hubs
(`--hubs 5`, whose impact is nearly the whole estate): they too must stay under 1 s.
"""

import random
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.utils import timezone

from changes import selectors
from changes.choices import ChangeStatus
from changes.models import ChangeAffectedItem, ChangeRequest, Release
from cmdb.models import CIClass, ConfigurationItem
from itsm.bench import p95, timed


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Seed N changes in one month and time the calendar conflict query."

    def add_arguments(self, parser):
        parser.add_argument("--changes", type=int, default=1000)
        parser.add_argument("--items", type=int, default=300)
        parser.add_argument("--per-change", type=int, default=3)
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument("--keep", action="store_true", help="keep the seeded rows")
        parser.add_argument(
            "--hubs",
            type=int,
            default=5,
            help="time the pages of a change and a release on this many cmdb_bench hubs",
        )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                self._run(options)
                if not options["keep"]:
                    raise _Rollback
        except _Rollback:
            self.stdout.write("Seeded rows rolled back.")

    def _run(self, options):
        rng = random.Random(5)  # noqa: S311 (repeatable benchmark data, not secrets)
        items = self._items(options["items"])
        user = get_user_model().objects.order_by("pk").first() or get_user_model().objects.create(
            username="bench-changes"
        )
        today = timezone.localdate()
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        year, month = first.year, first.month
        start, end = selectors.month_bounds(year, month)
        span = int((end - start).total_seconds() // 3600)
        statuses = [ChangeStatus.SCHEDULED, ChangeStatus.APPROVED, ChangeStatus.AWAITING_APPROVAL]
        stamp = timezone.now().strftime("%H%M%S%f")
        changes = []
        for n in range(options["changes"]):
            begins = start + timedelta(hours=rng.randrange(span - 8))
            changes.append(
                ChangeRequest(
                    number=f"BENCH-{stamp}-{n:05d}",
                    summary=f"bench change {n}",
                    requester=user,
                    status=rng.choice(statuses),
                    planned_start=begins,
                    planned_end=begins + timedelta(hours=rng.randint(1, 8)),
                )
            )
        t0 = time.perf_counter()
        changes = ChangeRequest.objects.bulk_create(changes, batch_size=500)
        links = [
            ChangeAffectedItem(change=change, item=item)
            for change in changes
            for item in rng.sample(items, min(options["per_change"], len(items)))
        ]
        ChangeAffectedItem.objects.bulk_create(links, batch_size=1000)
        self.stdout.write(
            f"Seeded {len(changes)} changes, {len(links)} affected-item rows over "
            f"{len(items)} items for {year}-{month:02d} in {time.perf_counter() - t0:.2f} s."
        )
        timings, found = [], 0
        for _ in range(options["runs"]):
            t0 = time.perf_counter()
            found = len(selectors.change_conflicts(start=start, end=end))
            timings.append(time.perf_counter() - t0)
        self.stdout.write(
            f"Conflict query: {found} conflicting pairs; best {min(timings) * 1000:.1f} ms, "
            f"worst {max(timings) * 1000:.1f} ms over {len(timings)} runs."
        )
        admin = get_user_model().objects.filter(is_superuser=True).first()
        if admin is None:  # rolled back with the rest unless --keep
            admin = get_user_model().objects.create(
                username=f"bench-admin-{stamp}", is_superuser=True
            )
        t0 = time.perf_counter()
        cal = selectors.change_calendar(user=admin, year=year, month=month)
        self.stdout.write(
            f"Whole calendar read (as {admin}): {len(cal.changes)} changes, "
            f"{len(cal.conflicts)} conflicts in {(time.perf_counter() - t0) * 1000:.1f} ms."
        )
        verdict = "OK" if max(timings) < 1 else "TOO SLOW"
        self.stdout.write(self.style.SUCCESS(verdict) if verdict == "OK" else verdict)
        self._hub_pages(options, admin, user, stamp)

    def _hub_pages(self, options, admin, requester, stamp):
        """The change and release pages of a change on the hubs of cmdb_bench's estate,
        whose union impact is nearly the whole estate (skipped without that estate)."""
        hubs = list(
            ConfigurationItem.objects.filter(asset_tag__regex=r"^BENCH-[0-9]{6}$").order_by("pk")[
                : options["hubs"]
            ]
        )
        if not hubs or not options["hubs"]:
            self.stdout.write("Hub pages skipped: no cmdb_bench estate (BENCH-000000…).")
            return
        change = ChangeRequest.objects.create(
            number=f"BENCH-{stamp}-HUBS",
            summary=f"bench change on {len(hubs)} hubs",
            requester=requester,
            status=ChangeStatus.SCHEDULED,
        )
        change.affected_items.set(hubs)
        release = Release.objects.create(
            number=f"BENCH-R-{stamp}",
            application="bench",
            release_version="1",
            title=f"bench release on {len(hubs)} hubs",
            requester=requester,
        )
        release.items.set(hubs)
        impact = selectors.change_impact(change=change)
        self.stdout.write(
            f"Change on {len(hubs)} hubs: {len(impact.items)} dependent items, "
            f"{len(impact.users)} users affected."
        )
        if "testserver" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(admin)
        for label, url in (
            ("change page", change.get_absolute_url()),
            ("release page", release.get_absolute_url()),
        ):
            client.get(url)  # warm the templates once
            measured = [timed(lambda url=url: client.get(url)) for _ in range(options["runs"])]
            ms = [elapsed for elapsed, _count, _response in measured]
            status = {response.status_code for _ms, _count, response in measured}
            self.stdout.write(
                f"{label.capitalize()} on {len(hubs)} hubs: median {statistics.median(ms):.1f} ms, "
                f"p95 {p95(ms):.1f} ms, best {min(ms):.1f} ms, "
                f"{max(count for _ms, count, _r in measured)} queries, status {sorted(status)}."
            )

    def _items(self, count: int) -> list:
        items = list(ConfigurationItem.objects.order_by("pk")[:count])
        if len(items) >= count:
            return items
        ci_class = CIClass.objects.order_by("pk").first()
        stamp = timezone.now().strftime("%H%M%S")
        new = ConfigurationItem.objects.bulk_create(
            [
                ConfigurationItem(
                    asset_tag=f"BENCH-{stamp}-{n:05d}", name=f"bench item {n}", ci_class=ci_class
                )
                for n in range(count - len(items))
            ]
        )
        return items + new
