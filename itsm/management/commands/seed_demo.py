from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from itsm.discovery import apps_with

DEMO_PASSWORD = "Demo@2026"  # noqa: S105  (printed by `make run`; DEBUG only)


class Command(BaseCommand):
    help = (
        "Load the demo customer (one government office building) once. Each app's "
        "`demo.seed()` runs in PROJECT_APPS order and must be idempotent. Refuses with DEBUG off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DEBUG on: it creates logins with a known password."
            )
        for app in apps_with("demo"):
            module = import_module(f"{app}.demo")
            with transaction.atomic():
                summary = module.seed(password=DEMO_PASSWORD)
            self.stdout.write(f"{app}: {summary}")
        from itsm.maintenance import database_analyze

        database_analyze()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        from servicedesk.demo import DEMO_LOGINS

        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<11} {description}")
