"""Console import pages of the antivirus process: upload, dry run, mapping, progress, apply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import importing, selectors
from .choices import ImportStatus
from .forms import (
    MappingForm,
    UploadForm,
)
from .models import ConsoleImport
from .models.access import works_antivirus
from .views import _error_text, _staff

# --- Imports -------------------------------------------------------------------------


@login_required
def import_upload(request):
    _staff(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = importing.import_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                uploaded=form.cleaned_data["file"],
                profile=form.cleaned_data["profile"],
            )
        except PermissionDenied as exc:
            messages.error(request, _error_text(exc))
        else:
            if record.status == ImportStatus.NEEDS_MAPPING:
                return redirect("antivirus:import_mapping", pk=record.pk)
            return redirect(record)
    return render(
        request,
        "antivirus/import_upload.html",
        {
            "form": form,
            "recent": selectors.import_list(user=request.user),
            "can_import": works_antivirus(request.user),
        },
    )


def _import_for(request, pk) -> ConsoleImport:
    record = (
        ConsoleImport.objects.restrict(request.user, "view")
        .select_related("profile")
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise Http404
    return record


@login_required
def import_detail(request, pk):
    record = _import_for(request, pk)
    return render(
        request,
        "antivirus/import_detail.html",
        {"record": record, "can_import": works_antivirus(request.user)},
    )


@login_required
def import_progress(request, pk):
    record = _import_for(request, pk)
    if not record.busy:
        # Done: htmx reloads the whole page so the report shows.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "antivirus/_import_progress.html", {"record": record})


@login_required
@require_POST
def import_apply(request, pk):
    record = _import_for(request, pk)
    try:
        if not importing.import_request_apply(actor=request.user, record=record):
            messages.error(
                request, _("This import cannot be applied now (already applied, or has errors).")
            )
    except PermissionDenied as exc:
        messages.error(request, _error_text(exc))
    return redirect(record)


@login_required
def import_mapping(request, pk):
    record = _import_for(request, pk)
    if record.status != ImportStatus.NEEDS_MAPPING:
        return redirect(record)
    form = MappingForm(request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            importing.import_map(
                actor=request.user,
                record=record,
                name=form.cleaned_data["name"],
                product=form.cleaned_data["product"],
                columns=form.columns(),
            )
            return redirect(record)
        except ValueError as exc:
            form.add_error(None, str(exc))
        except PermissionDenied as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "antivirus/import_mapping.html", {"record": record, "form": form})
