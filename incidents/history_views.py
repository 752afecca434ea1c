"""Work-order history import pages (incidents.history_import), the CMDB import's steps:
upload → mapping and dry run → apply → report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cmdb.choices import ImportAction, ImportStatus
from cmdb.forms import ImportApplyForm, ImportMappingForm, ImportUploadForm
from cmdb.services.imports import ImportRefused
from cmdb.tabular import MAX_FILE_BYTES, FileRejected

from . import history_import
from .models import HistoryImportBatch


def _require(user):
    if refusal := history_import.importer_refusal(user):
        raise PermissionDenied(refusal)


class HistoryMappingForm(ImportMappingForm):
    """The CMDB's mapping form over the history fields; the previous number is required."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, fields=history_import.FIELDS, **kwargs)
        self.fields["number"].required = True


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    _require(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    rejection = ""
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        if file.size > MAX_FILE_BYTES:
            rejection = _("The file is larger than %(mb)s MB; split it into smaller files.") % {
                "mb": MAX_FILE_BYTES // (1024 * 1024)
            }
        else:
            try:
                batch = history_import.history_upload(
                    actor=request.user, name=file.name, content=file.read()
                )
            except FileRejected as exc:
                rejection = str(exc)
            else:
                return redirect(batch)
    recent = HistoryImportBatch.objects.filter(created_by=request.user).only(
        "pk", "filename", "status", "created_at"
    )[:10]
    return render(
        request,
        "incidents/history_import_upload.html",
        {
            "form": form,
            "rejection": rejection,
            "recent": recent,
            "max_rows": history_import.max_rows(),
        },
        status=400 if rejection else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    _require(request.user)
    batch = HistoryImportBatch.objects.filter(pk=pk, created_by=request.user).first()
    if batch is None:
        raise Http404(_("No such import, or not yours."))
    finished = batch.status in (ImportStatus.APPLIED, ImportStatus.REJECTED)
    action = request.POST.get("action")
    mapping_form = HistoryMappingForm(
        request.POST if action == "preview" else None,
        headers=batch.headers,
        initial_mapping=batch.mapping,
    )
    apply_form = ImportApplyForm(request.POST if action == "apply" else None)
    if request.method == "POST" and not finished:
        try:
            if action == "preview" and mapping_form.is_valid():
                history_import.history_preview(
                    actor=request.user, batch=batch, mapping=mapping_form.mapping()
                )
                return redirect(f"{batch.get_absolute_url()}#dry-run")
            if action == "apply" and apply_form.is_valid():
                report = history_import.history_apply(
                    actor=request.user, batch=batch, mode=apply_form.cleaned_data["mode"]
                )
                if report.get("applied"):
                    messages.success(
                        request,
                        _("Import applied: %(n)s work orders created or updated.")
                        % {"n": report.get("written", 0)},
                    )
                else:
                    messages.error(request, _("Nothing was imported: some rows have errors."))
                return redirect(batch)
        except ImportRefused as exc:
            messages.error(request, str(exc))
            return redirect(batch)
    result = (batch.report if finished else batch.plan) or {}
    rows = [
        {
            **row,
            "label": ImportAction(row["action"]).label,
            "colour": ImportAction(row["action"]).colour,
        }
        for row in result.get("rows", [])
    ]
    return render(
        request,
        "incidents/history_import_detail.html",
        {
            "batch": batch,
            "finished": finished,
            "mapping_form": mapping_form,
            "apply_form": apply_form,
            "rows": [row for row in rows if row["action"] != ImportAction.UNCHANGED],
            "unchanged": [row for row in rows if row["action"] == ImportAction.UNCHANGED],
            "has_errors": any(row["action"] == ImportAction.ERROR for row in rows),
            "count_rows": [
                (ImportAction(key).label, ImportAction(key).colour, value)
                for key, value in result.get("counts", {}).items()
            ],
            "preview_rows": batch.rows[:5],
        },
    )
