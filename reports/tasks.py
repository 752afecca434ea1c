"""Celery tasks: thin wrappers over the services, acting as the system user."""

from datetime import date

from celery import shared_task


@shared_task
def generate_scheduled(kind: str | None = None, day: str | None = None) -> dict:
    """Beat: generate the reports of the period that just ended, as drafts (idempotent).
    `kind` limits to "month", "quarter" or "year"; `day` (ISO) replays a given date."""
    from .services import reports_generate_scheduled

    today = date.fromisoformat(day) if day else None
    return reports_generate_scheduled(today=today, kinds=[kind] if kind else None)


@shared_task
def remind_due() -> int:
    """Beat (daily): remind reporter and supervisors of reports not delivered by their due day."""
    from .services import reports_remind

    return reports_remind()


@shared_task
def report_generation_run(job_pk: int):
    """On demand: run one generation job (the page polls its progress)."""
    from .services import generation_job_run

    job = generation_job_run(job_pk=job_pk)
    return job.status if job else "not queued"


@shared_task
def report_mail(report_pk: int) -> dict:
    """Mail a delivered report with its PDF to the configured recipients."""
    from .delivery import report_mail_send

    return report_mail_send(report_pk=report_pk)


@shared_task
def generation_jobs_sweep() -> dict:
    """Beat: re-queue lost generation jobs, fail ones a killed worker left running."""
    from .services import generation_jobs_sweep as sweep

    return sweep()
