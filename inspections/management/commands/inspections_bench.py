"""Time the phone's round page for one floor of N devices and saving one device's record.

Everything is made inside one transaction that is rolled back, so the database is left as
it was. Measured in-process with Django's test client: application and database time.
"""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from cmdb.models import CIClass, ConfigurationItem
from itsm.bench import database_label, p95, timed
from servicedesk.choices import Role
from servicedesk.models import Building, Location
from servicedesk.services import person_create

from ... import services
from ...choices import ApprovalStatus
from ...models import InspectionPlan


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the round page for a floor of N devices and one record save (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--devices", type=int, default=400)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--force", action="store_true", help="Run with DEBUG off.")

    def handle(self, *args, devices, repeat, force, **options):
        if not (settings.DEBUG or force or settings.SETTINGS_MODULE.endswith("_test")):
            raise CommandError("inspections_bench writes rows (rolled back): use DEBUG or --force.")
        try:
            with transaction.atomic(), override_settings(ALLOWED_HOSTS=["*"]):
                self._run(devices, repeat)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, devices, repeat):
        stamp = f"{time.time_ns() % 10**8}"
        engineer = person_create(
            username=f"bench-eng-{stamp}", name="巡检工程师", email="", password=None,
            roles=(Role.ENGINEER,),
        ).user  # fmt: skip
        building = Building.objects.create(name=f"BENCH 楼 {stamp}")
        rooms = [
            Location.objects.create(building=building, floor="9", room=f"9{n:02d}")
            for n in range(20)
        ]
        ci_class, _ = CIClass.objects.get_or_create(code="desktop", defaults={"name": "台式机"})
        ConfigurationItem.objects.bulk_create(
            ConfigurationItem(
                asset_tag=f"BENCH-{stamp}-{n:05d}",
                name=f"台式机 {n}",
                ci_class=ci_class,
                location=rooms[n % len(rooms)],
            )
            for n in range(devices)
        )
        plan = services.plan_create(
            actor=engineer,
            period=timezone.localdate(),
            title="bench",
            locations=rooms,
            engineers=[engineer],
        )
        # The bench times the round, not the approvals: the plan is simply marked approved.
        InspectionPlan.objects.filter(pk=plan.pk).update(status=ApprovalStatus.APPROVED)
        plan.refresh_from_db()
        route = plan.rounds.get()
        spare = list(plan.devices.select_related("ci").order_by("-pk")[:repeat])
        client = Client()
        client.force_login(engineer)
        url = route.get_absolute_url()
        client.get(url)  # warm caches (checklists, translations)
        page_times, page_queries = [], 0
        for _ in range(repeat):
            ms, queries, response = timed(lambda: client.get(url))
            assert response.status_code == 200
            page_times.append(ms)
            page_queries = queries
        template = services.checklist_for(ci_class=ci_class)
        items = list(template.items.all())
        save_times, save_queries = [], 0
        for entry in spare:
            lines = [services.LineInput(item_id=i.pk, result="pass") for i in items]
            ms, queries, _record = timed(
                lambda e=entry, lines=lines: services.record_save(
                    round=route, ci=e.ci, actor=engineer, lines=lines
                )
            )
            save_times.append(ms)
            save_queries = queries
        in_round = route.devices.count()
        self.stdout.write(f"Database: {database_label()}")
        self.stdout.write(
            f"Round page ({in_round} devices on one floor): median "
            f"{statistics.median(page_times):.1f} ms, p95 {p95(page_times):.1f} ms, "
            f"{page_queries} queries"
        )
        self.stdout.write(
            f"Record save (one device, {len(items)} items): median "
            f"{statistics.median(save_times):.1f} ms, p95 {p95(save_times):.1f} ms, "
            f"{save_queries} queries"
        )
