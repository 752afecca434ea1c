"""The beat scheduler: django-celery-beat's database schedule, made to survive outages.

Two faults seen in production-like runs:
- Without PostgreSQL for ~10 s, beat died (an uncaught OperationalError while re-reading
  the schedule) and stayed dead, so SLA scans and escalations stopped. Here a database
  error in a tick is logged, the connection dropped, and the tick retried a few seconds
  later; the last schedule read stays in force meanwhile.
- A never-run entry waited from "now" at every start (django-celery-beat falls back to the
  row's date_changed, which each start rewrites), so an hourly or daily task that beat
  restarts more often than its interval never ran. Here the first start that sees a
  never-run entry writes down when it began waiting, and later starts keep that anchor.
"""

from __future__ import annotations

import contextlib
import logging

from django.db import DatabaseError, InterfaceError, close_old_connections
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

logger = logging.getLogger(__name__)

DATABASE_RETRY_SECONDS = 5.0


class AnchoredEntry(ModelEntry):
    def __init__(self, model, app=None):
        never_run = model.last_run_at is None
        super().__init__(model, app=app)
        if never_run and model.pk and not model.one_off:
            type(model)._default_manager.filter(pk=model.pk, last_run_at__isnull=True).update(
                last_run_at=self.model.last_run_at
            )


class ResilientDatabaseScheduler(DatabaseScheduler):
    Entry = AnchoredEntry

    def tick(self, *args, **kwargs):
        try:
            return super().tick(*args, **kwargs)
        except (DatabaseError, InterfaceError) as exc:
            logger.warning(
                "beat: database unavailable (%s); retrying in %.0f s",
                exc,
                DATABASE_RETRY_SECONDS,
            )
            self._heap = None  # re-read the schedule once the database is back
            with contextlib.suppress(DatabaseError, InterfaceError):
                close_old_connections()
            return DATABASE_RETRY_SECONDS

    @property
    def schedule(self):
        try:
            return super().schedule
        except (DatabaseError, InterfaceError):
            if self._schedule is None:
                raise  # nothing read yet: tick() logs it and retries
            self._initial_read = False
            return self._schedule
