"""Validity checks (with their due reminders) and backup records."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow
from servicedesk.notifications import notify_many

from .. import numbering, permissions
from ..choices import (
    DOCUMENT_IN_USE,
    BackupMedium,
    CheckResult,
)
from ..models import (
    ControlledDocument,
    DocumentBackup,
    DocumentValidityCheck,
)
from .common import (
    CHECK_REMIND_DAYS,
    CONFLICT,
    _keepers,
    _log,
    _text,
    _today,
)

# --- validity checks and backups -----------------------------------------------------------


@transaction.atomic
def check_record(
    *,
    document,
    actor,
    result: str,
    note: str = "",
    checked_on: date | None = None,
    lock_version=None,
) -> DocumentValidityCheck:
    """Record a validity check of a document in use; it sets the next check date.

    "Needs a change" and "obsolete" need a note (what is wrong); they do not change the
    document by themselves: a change or scrap application does.
    """
    workflow.require(permissions.role_refusal(actor, "check"))
    errors: dict[str, str] = {}
    today = _today()
    checked_on = checked_on or today
    if result not in CheckResult.values:
        errors["result"] = _("Choose the result of the check.")
    note = (note or "").strip()
    if result in (CheckResult.NEEDS_CHANGE, CheckResult.OBSOLETE) and not note:
        errors["note"] = _("Say what is no longer valid.")
    if checked_on > today:
        errors["checked_on"] = _("A check cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    document = workflow.lock(document, expected=lock_version, conflict=CONFLICT)
    permissions.require(permissions.document_refusal(actor, document, "check"))
    next_on = numbering.add_months(checked_on, document.check_interval_months)
    check = DocumentValidityCheck.objects.create(
        document=document,
        checked_on=checked_on,
        result=result,
        note=note,
        checked_by=actor,
        version_label=document.version_label,
        next_check_on=next_on,
    )
    document.last_checked_on = checked_on
    document.next_check_on = next_on
    workflow.save(document)
    _log(
        document,
        "check",
        document.status,
        actor,
        f"{check.number}: {check.get_result_display()}. {note}".strip(),
    )
    return check


def validity_check_scan(*, actor, today: date | None = None) -> int:
    """Remind custodians of documents whose validity check is due (or due within a week).

    Claimed per document and due date with a conditional UPDATE of `check_reminded_for`,
    so each due date is reminded once whatever the number of runs. Returns how many.
    `actor` is the system actor of the beat job.
    """
    workflow.require(permissions.role_refusal(actor, "check"))
    today = today or _today()
    due = (
        ControlledDocument.objects.filter(
            status__in=DOCUMENT_IN_USE,
            next_check_on__lte=today + timedelta(days=CHECK_REMIND_DAYS),
        )
        .exclude(check_reminded_for=F("next_check_on"))
        .select_related("custodian")
        .order_by("next_check_on", "pk")[:1000]
    )
    messages = []
    with transaction.atomic():
        for document in due:
            claimed = (
                ControlledDocument.objects.filter(
                    pk=document.pk, next_check_on=document.next_check_on
                )
                .exclude(check_reminded_for=document.next_check_on)
                .update(check_reminded_for=document.next_check_on)
            )
            if not claimed:
                continue
            subject = _("Validity check due on %(date)s: %(document)s") % {
                "date": document.next_check_on.isoformat(),
                "document": document,
            }
            body = _("Check that the version in use is still valid and record the result.")
            messages.append((_keepers(document), subject, body, document.get_absolute_url()))
        notify_many(messages)
    return len(messages)


@transaction.atomic
def backup_create(
    *,
    actor,
    content: str,
    backed_up_on: date,
    medium: str,
    location: str,
    documents=(),
    verified: bool = False,
    note: str = "",
) -> DocumentBackup:
    """Record a backup of document material (《文件备份记录》)."""
    workflow.require(permissions.role_refusal(actor, "backup"))
    errors: dict[str, str] = {}
    content = _text(content, "content", errors, required=True, message=_("Say what was backed up."))
    location = _text(
        location, "location", errors, required=True, message=_("Say where the backup is kept.")
    )
    if medium not in BackupMedium.values:
        errors["medium"] = _("Choose the backup medium.")
    if backed_up_on is None:
        errors["backed_up_on"] = _("Give the date of the backup.")
    elif backed_up_on > _today():
        errors["backed_up_on"] = _("A backup cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    backup = DocumentBackup.objects.create(
        content=content,
        backed_up_on=backed_up_on,
        medium=medium,
        location=location,
        performed_by=actor,
        verified=bool(verified),
        verified_by=actor if verified else None,
        verified_at=now if verified else None,
        note=(note or "").strip(),
    )
    documents = list(documents or [])
    if documents:
        backup.documents.set(documents)
        for document in documents:
            _log(
                document,
                "backup",
                document.status,
                actor,
                f"{backup.number}: {backup.get_medium_display()}, {location}",
            )
    return backup


@transaction.atomic
def backup_verify(*, backup, actor) -> DocumentBackup:
    """Mark that restoring the backup was tried and worked."""
    workflow.require(permissions.role_refusal(actor, "verify_backup"))
    backup = DocumentBackup.objects.select_for_update().get(pk=backup.pk)
    if backup.verified:
        raise ValidationError(
            _("%(number)s is already verified; nothing was changed.") % {"number": backup.number},
            code="status",
        )
    backup.verified, backup.verified_by, backup.verified_at = True, actor, timezone.now()
    backup.save(update_fields=["verified", "verified_by", "verified_at", "updated_at"])
    return backup
