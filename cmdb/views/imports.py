"""Asset import pages: upload → mapping and dry run → apply → report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..choices import ImportAction, ImportStatus
from ..forms import ImportApplyForm, ImportMappingForm, ImportUploadForm
from ..models import ImportBatch
from ..permissions import ci_refusal
from ..services import imports
from ..tabular import MAX_FILE_BYTES, FileRejected


def _require_import(user):
    if refusal := ci_refusal(user, None, "import"):
        raise PermissionDenied(refusal)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    rejection = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            rejection = _("The file is larger than %(mb)s MB; split it into smaller files.") % {
                "mb": MAX_FILE_BYTES // (1024 * 1024)
            }
        else:
            try:
                batch = imports.import_upload(
                    actor=request.user, name=upload.name, content=upload.read()
                )
            except FileRejected as exc:
                rejection = str(exc)
            else:
                return redirect(batch)
    recent = ImportBatch.objects.filter(created_by=request.user).only(
        "pk", "filename", "status", "created_at"
    )[:10]
    return render(
        request,
        "cmdb/import_upload.html",
        {"form": form, "rejection": rejection, "recent": recent, "max_rows": imports.max_rows()},
        status=400 if rejection else 200,
    )


def _batch_or_404(request, pk) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=pk, created_by=request.user).first()
    if batch is None:
        raise Http404(_("No such import, or not yours."))
    return batch


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    """Mapping, dry run and the apply choice on one page; the report once applied."""
    _require_import(request.user)
    batch = _batch_or_404(request, pk)
    finished = batch.status in (ImportStatus.APPLIED, ImportStatus.REJECTED)
    mapping_form = ImportMappingForm(
        request.POST if request.POST.get("action") == "preview" else None,
        headers=batch.headers,
        fields=imports.import_fields(),
        initial_mapping=batch.mapping,
    )
    apply_form = ImportApplyForm(request.POST if request.POST.get("action") == "apply" else None)
    if request.method == "POST" and not finished:
        try:
            if request.POST.get("action") == "preview" and mapping_form.is_valid():
                imports.import_preview(
                    actor=request.user, batch=batch, mapping=mapping_form.mapping()
                )
                return redirect(f"{batch.get_absolute_url()}#dry-run")
            if request.POST.get("action") == "apply" and apply_form.is_valid():
                report = imports.import_apply(
                    actor=request.user, batch=batch, mode=apply_form.cleaned_data["mode"]
                )
                if report.get("applied"):
                    messages.success(
                        request,
                        _("Import applied: %(n)s items created or updated.")
                        % {"n": report.get("written", 0)},
                    )
                else:
                    messages.error(request, _("Nothing was imported: some rows have errors."))
                return redirect(batch)
        except imports.ImportRefused as exc:
            messages.error(request, str(exc))
            return redirect(batch)
    result = batch.report if finished else batch.plan
    rows = [
        {
            **row,
            "label": ImportAction(row["action"]).label,
            "colour": ImportAction(row["action"]).colour,
        }
        for row in (result.get("rows", []) if result else [])
    ]
    return render(
        request,
        "cmdb/import_detail.html",
        {
            "batch": batch,
            "finished": finished,
            "mapping_form": mapping_form,
            "apply_form": apply_form,
            "counts": (result or {}).get("counts", {}),
            "rows": [row for row in rows if row["action"] != ImportAction.UNCHANGED],
            "unchanged": [row for row in rows if row["action"] == ImportAction.UNCHANGED],
            "has_errors": any(row["action"] == ImportAction.ERROR for row in rows),
            "count_rows": [
                (ImportAction(key).label, ImportAction(key).colour, value)
                for key, value in (result or {}).get("counts", {}).items()
            ],
            "tag_guessed": "asset_tag" in batch.mapping,
            "mapped_attributes": sum(
                1 for key in batch.mapping if key.startswith(imports.ATTRIBUTE_PREFIX)
            ),
            "preview_rows": batch.rows[:5],
        },
    )
