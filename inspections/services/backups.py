"""Backups of key departments' data: plans, runs and restore tests (§3.5.1)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ..choices import RunResult
from ..models import BackupPlan, BackupRecord, RestoreTest
from ..permissions import backup_refusal


def _check_date(day: date) -> None:
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))


@transaction.atomic
def backup_record(
    *,
    plan: BackupPlan,
    actor,
    performed_on: date,
    result: str,
    size_gb=None,
    location: str = "",
    note: str = "",
) -> BackupRecord:
    """One backup run of `plan`. Guarantees: a failed run needs a note and leaves the plan
    due (overdue stays overdue); a successful one moves the next due date to its date plus
    the plan's interval (never backwards when an older run is typed in late)."""
    plan = BackupPlan.objects.select_for_update().get(pk=plan.pk)
    workflow.require(backup_refusal(actor, plan, "record"))
    if result not in RunResult.values:
        raise ValidationError(_("Choose whether the backup succeeded or failed."))
    _check_date(performed_on)
    if result == RunResult.FAILED and not note.strip():
        raise ValidationError(_("Say why the backup failed."))
    if size_gb is not None and size_gb < 0:
        raise ValidationError(_("The size cannot be negative."))
    run = BackupRecord.objects.create(
        plan=plan,
        performed_on=performed_on,
        result=result,
        size_gb=size_gb,
        location=location.strip() or plan.location,
        note=note.strip(),
        recorded_by=actor,
    )
    if result == RunResult.OK and (
        plan.last_success_on is None or performed_on > plan.last_success_on
    ):
        plan.last_success_on = performed_on
        plan.next_due_on = performed_on + timedelta(days=plan.every_days)
        plan.save(update_fields=["last_success_on", "next_due_on", "updated_at"])
    return run


@transaction.atomic
def restore_test_record(
    *, plan: BackupPlan, actor, tested_on: date, result: str, note: str = ""
) -> RestoreTest:
    """A restore test of `plan`'s backup. A failed test needs a note."""
    plan = BackupPlan.objects.select_for_update().get(pk=plan.pk)
    workflow.require(backup_refusal(actor, plan, "restore_test"))
    if result not in RunResult.values:
        raise ValidationError(_("Choose whether the restore succeeded or failed."))
    _check_date(tested_on)
    if result == RunResult.FAILED and not note.strip():
        raise ValidationError(_("Say why the restore failed."))
    test = RestoreTest.objects.create(
        plan=plan, tested_on=tested_on, result=result, note=note.strip(), tested_by=actor
    )
    if result == RunResult.OK and (
        plan.last_restore_test_on is None or tested_on > plan.last_restore_test_on
    ):
        plan.last_restore_test_on = tested_on
        plan.save(update_fields=["last_restore_test_on", "updated_at"])
    return test
