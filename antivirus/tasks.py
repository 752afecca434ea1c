"""Celery tasks: thin, idempotent, primary keys in, services with the system actor."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="antivirus.tasks.run_import")
def run_import(import_pk: int, apply: bool) -> str:
    from .importing import import_run

    return import_run(record_pk=import_pk, apply=apply).status


@shared_task(name="antivirus.tasks.daily_check")
def daily_check() -> int:
    """Daily: endpoint states, the engineers' list (notified once a day), this week's
    coverage for the trend, outbreaks among the last day's events, and on Mondays the
    evaluation of the week before."""
    from datetime import timedelta

    from . import checks, services

    today = timezone.localdate()
    check = checks.daily_check(today=today)
    checks.coverage_record_week(today=today)
    checks.outbreaks_detect(since=timezone.now() - timedelta(days=2))
    services.evaluation_prepare(week_of=today - timedelta(days=7))
    return check.pk
