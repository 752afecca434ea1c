"""Time the antivirus import and coverage page at the issue's sizes (figures, not tests).

    DEBUG=1 python manage.py antivirus_bench --events 100000 --endpoints 5000 --segments 50

Everything happens inside one transaction that is rolled back at the end: the database is
left as it was. Prints the dry-run and write times of a generated N-row event CSV, the
peak memory, and the coverage selector and page times with their query counts.
"""

import resource
import statistics
import tempfile
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from cmdb.models import CIClass, ConfigurationItem
from itsm.bench import database_label, p95, timed

from ... import checks, importing, selectors, views
from ...choices import ImportKind, ImportStatus
from ...models import ConsoleImport, Endpoint, NetworkSegment


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time a large event import and the coverage page (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=100_000)
        parser.add_argument("--endpoints", type=int, default=5_000)
        parser.add_argument("--segments", type=int, default=50)
        parser.add_argument("--runs", type=int, default=5)

    def handle(self, *args, events, endpoints, segments, runs, **options):
        if not settings.DEBUG:
            raise CommandError(
                "antivirus_bench writes (then rolls back) rows; run it with DEBUG=1."
            )
        try:
            with transaction.atomic():
                self._run(events, endpoints, segments, runs)
                raise _Rollback
        except _Rollback:
            self.stdout.write("Rolled back: nothing was kept.")

    def _run(self, events, endpoints, segments, runs):
        user, _created = get_user_model().objects.get_or_create(
            username="antivirus-bench", defaults={"is_superuser": True, "is_staff": True}
        )
        desktop = CIClass.objects.get(code="desktop")
        per_segment = max(1, endpoints // max(segments, 1))
        ConfigurationItem.objects.bulk_create(
            [
                ConfigurationItem(
                    asset_tag=f"BENCH-AV-{n:06d}",
                    name=f"bench {n}",
                    ci_class=desktop,
                    ip_address=f"10.{200 + n // (per_segment * 250)}.{(n // per_segment) % 250}.{n % per_segment + 1}",
                    attributes={"hostname": f"BAV{n:06d}"},
                )
                for n in range(endpoints)
            ],
            batch_size=2000,
        )
        NetworkSegment.objects.bulk_create(
            [
                NetworkSegment(name=f"bench {s}", cidr=f"10.{200 + s // 250}.{s % 250}.0/24")
                for s in range(segments)
            ]
        )
        checks.endpoint_sync()
        Endpoint.objects.filter(
            ci__asset_tag__startswith="BENCH-AV-", ci__asset_tag__regex=r"[1-9]$"
        ).update(installed=True, product="Trend Micro Apex One", last_seen=timezone.now())
        self.stdout.write(
            f"{database_label()}: {Endpoint.objects.count()} endpoints, {NetworkSegment.objects.count()} segments"
        )

        with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
            handle.write(
                b"Generated,Endpoint,IP Address,User,Security Threat,Infected File,Action,Result\n"
            )
            start = datetime(2026, 11, 1, 8, 0)
            for n in range(events):
                host = n % endpoints
                at = start + timedelta(seconds=n * 23)
                handle.write(
                    f"{at:%Y-%m-%d %H:%M:%S},BAV{host:06d},,user{host},TROJ_{n % 97},"
                    f"C:\\Users\\u{host}\\f{n}.exe,Clean,Cleaned\n".encode()
                )
            handle.flush()
            size = handle.tell()
            handle.seek(0)
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            began = time.perf_counter()
            record = importing.import_upload(
                actor=user, kind=ImportKind.EVENTS, uploaded=File(handle, name="bench-events.csv")
            )
            importing.import_run(record_pk=record.pk, apply=False)
            checked = time.perf_counter()
            ConsoleImport.objects.filter(pk=record.pk).update(
                status=ImportStatus.QUEUED, applying=True
            )
            record = importing.import_run(record_pk=record.pk, apply=True)
            done = time.perf_counter()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.stdout.write(
            f"import of {events} events ({size / 1e6:.1f} MB): {record.status}, {record.added} added; "
            f"dry run {checked - began:.1f} s, write {done - checked:.1f} s, total {done - began:.1f} s; "
            f"peak memory grew {max(0, rss_after - rss_before) / 1024:.0f} MB"
        )

        numbers, queries = [], 0
        for _run in range(runs):
            ms, queries, _result = timed(lambda: selectors.coverage(user=user))
            numbers.append(ms)
        self.stdout.write(
            f"coverage selector: median {statistics.median(numbers):.0f} ms, p95 {p95(numbers):.0f} ms, {queries} queries"
        )
        factory = RequestFactory()
        numbers = []
        for _run in range(runs):
            request = factory.get("/antivirus/coverage/")
            request.user = user
            request.session = {}
            request._messages = FallbackStorage(request)
            ms, queries, response = timed(lambda request=request: views.coverage(request))
            numbers.append(ms)
        self.stdout.write(
            f"coverage page: median {statistics.median(numbers):.0f} ms, p95 {p95(numbers):.0f} ms, "
            f"{queries} queries, {len(response.content) // 1024} KB"
        )
