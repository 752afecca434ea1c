"""The batch's steps: upload, preview (the dry run saved), apply, and expiry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm import workflow

from ...choices import CIStatus, ImportAction, ImportMode, ImportStatus
from ...models import ImportBatch, Supplier
from ...permissions import ci_refusal, scan_refusal
from ...tabular import DEFAULT_MAX_ROWS, read_sheet
from .. import _ci_create, _ci_update
from ._common import _FileParent, _NewSupplier
from .fields import guess_mapping, import_fields
from .plan import RowPlan, import_plan


class ImportRefused(Exception):
    """The batch cannot be applied (already applied, expired, not mapped…)."""


def max_rows() -> int:
    from django.conf import settings

    return int(settings.ITSM.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- Upload and preview ------------------------------------------------------------------


def import_upload(*, actor, name: str, content: bytes) -> ImportBatch:
    """A new batch with the file's parsed rows and a guessed mapping; FileRejected if unreadable.

    The file's bytes are not kept: only its cells, for the life of the batch.
    """
    workflow.require(ci_refusal(actor, None, "import"))
    sheet = read_sheet(name, content, max_rows=max_rows())
    return ImportBatch.objects.create(
        created_by=actor,
        filename=name[:200],
        headers=sheet.headers,
        rows=[[line, cells] for line, cells in sheet.rows],
        mapping=guess_mapping(sheet.headers),
    )


def import_preview(*, actor, batch: ImportBatch, mapping: dict[str, int | None]) -> ImportBatch:
    """Save the chosen mapping and the dry run it gives; nothing else is written."""
    _check_importer(actor, batch)
    _check_open(batch)
    known = {spec.key for spec in import_fields()}
    clean = {}
    for key, index in mapping.items():
        if key in known and index is not None and 0 <= int(index) < len(batch.headers):
            clean[key] = int(index)
    if "asset_tag" not in clean:
        raise ImportRefused(_("Choose the column that holds the asset tag."))
    batch.mapping = clean
    batch.plan = import_plan(batch=batch).as_json()
    batch.status = ImportStatus.PREVIEWED
    batch.save(update_fields=["mapping", "plan", "status"])
    return batch


def _check_importer(actor, batch: ImportBatch) -> None:
    workflow.require(ci_refusal(actor, None, "import"))
    if batch.created_by_id != actor.pk:
        raise ImportRefused(_("Only the person who uploaded the file can apply it."))


def _check_open(batch: ImportBatch) -> None:
    if batch.is_expired:
        raise ImportRefused(_("This import has expired; upload the file again."))
    if batch.status in (ImportStatus.APPLIED, ImportStatus.REJECTED):
        raise ImportRefused(_("This import is finished; upload the file again to re-import."))


# --- Apply ---------------------------------------------------------------------------------


class _AllOrNothingFailed(Exception):
    pass


def import_apply(*, actor, batch: ImportBatch, mode: str) -> dict:
    """Apply the batch in one transaction and return its report.

    ALL_OR_NOTHING: if any row has an error (now, or while being written) nothing is
    written. ALL_VALID: every valid row is written, each in a savepoint, so a row that
    fails while being written is reported and the others still go in. A batch applies
    at most once (a conditional UPDATE claims it).
    """
    if mode not in ImportMode.values:
        raise ImportRefused(_("Choose how to apply the import."))
    _check_importer(actor, batch)
    _check_open(batch)
    if batch.status != ImportStatus.PREVIEWED:
        raise ImportRefused(_("Check the dry run first."))
    reason = batch.reason
    plan = None
    try:
        with transaction.atomic():
            claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
                status=ImportStatus.APPLIED, mode=mode, applied_at=timezone.now()
            )
            if not claimed:
                raise ImportRefused(_("This import was applied already."))
            plan = import_plan(batch=batch)
            if mode == ImportMode.ALL_OR_NOTHING and plan.has_errors:
                raise _AllOrNothingFailed
            written, items = 0, {}
            for row in plan.rows:
                if row.action not in (ImportAction.CREATE, ImportAction.UPDATE):
                    continue
                try:
                    with transaction.atomic():
                        _write_row(row, reason, items, actor=actor, batch=batch)
                    written += 1
                except ValidationError as exc:
                    row.changes = []
                    for name, messages in _messages(exc):
                        row.error(name, "; ".join(messages))
                    if mode == ImportMode.ALL_OR_NOTHING:
                        raise _AllOrNothingFailed from exc
            report = {**plan.as_json(), "applied": True, "written": written}
            ImportBatch.objects.filter(pk=batch.pk).update(report=report, plan=plan.as_json())
    except _AllOrNothingFailed:
        report = {**plan.as_json(), "applied": False, "written": 0}
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.REJECTED,
            mode=mode,
            applied_at=timezone.now(),
            report=report,
            plan=plan.as_json(),
        )
    batch.refresh_from_db()
    return batch.report


def _messages(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return exc.message_dict.items()
    return [("", exc.messages)]


def _write_row(row: RowPlan, reason: str, written: dict, *, actor, batch) -> None:
    """Create or update the row's item; `written` maps upper tags to items written so far."""
    values = dict(row.values)
    supplier = values.get("supplier")
    if isinstance(supplier, _NewSupplier):
        values["supplier"], _created = Supplier.objects.get_or_create(name=str(supplier))
    parent = values.get("parent")
    if isinstance(parent, _FileParent):
        values["parent"] = written.get(parent.upper())
        if values["parent"] is None:
            raise ValidationError(
                {"parent": _("The parent %(tag)s was not imported.") % {"tag": parent}}
            )
    if row.item is None:
        values.setdefault("status", CIStatus.IN_USE)
        ci = _ci_create(asset_tag=row.tag, reason=reason, **values)
    else:
        ci = _ci_update(ci=row.item, reason=reason, **values) if values else row.item
    written[row.tag.upper()] = ci
    if row.software:
        from ...choices import InstallationSource
        from ..software import _installations_record

        _installations_record(
            actor=actor,
            ci=ci,
            titles=row.software,
            source=InstallationSource.IMPORT,
            reference=f"import {batch.pk}",
        )


def import_batches_expire(*, actor, now=None) -> int:
    """Delete batches past their expiry (their parsed rows go with them); `actor`: the
    system actor (the beat task)."""
    workflow.require(scan_refusal(actor, None, "run"))
    deleted, _rows = ImportBatch.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
