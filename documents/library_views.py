"""Pages of the driver and software library (/documents/library/): thin over
documents.selectors and documents.services.library."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from itsm import workflow

from . import forms, permissions, selectors
from .services.library import LIBRARY_FIELDS, library_entry_save
from .views import PAGE_SIZE, _download, _form_errors, _lock_version


@login_required
@require_GET
def library_list(request):
    workflow.require(permissions.role_refusal(request.user, "read"))
    classes = list(selectors.library_classes())
    form = forms.LibraryFilterForm(request.GET or None, classes=classes)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "kind": data["kind"],
            "model": data["model"],
            "ci_class": data["ci_class"],
            "query": data["q"],
            "include_superseded": data["superseded"],
        }
    entries = selectors.library_list(user=request.user, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/library_list.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "can_edit": permissions.role_allows(request.user, "library"),
        },
    )


def _entry_form(request, entry=None):
    workflow.require(permissions.role_refusal(request.user, "library"))
    initial = {}
    if entry is not None:
        initial = {name: getattr(entry, name) for name in LIBRARY_FIELDS}
        initial["ci_classes"] = [ci_class.pk for ci_class in entry.ci_classes.all()]
        initial["lock_version"] = entry.lock_version
    form = forms.LibraryEntryForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        classes=selectors.library_classes(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = library_entry_save(
                actor=request.user,
                entry=entry,
                lock_version=_lock_version(request) if entry is not None else None,
                ci_classes=data["ci_classes"],
                file=data["file"],
                **{name: data[name] for name in LIBRARY_FIELDS},
            )
        except workflow.Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Library entry saved."))
            return redirect(entry)
    if request.method == "POST" and request.FILES and form.errors:
        messages.warning(request, _("Your text was kept, but the file must be chosen again."))
    return render(request, "documents/library_form.html", {"form": form, "entry": entry})


@login_required
def library_create(request):
    return _entry_form(request)


@login_required
def library_edit(request, pk):
    return _entry_form(request, selectors.library_get(user=request.user, pk=pk))


@login_required
@require_GET
def library_detail(request, pk):
    entry = selectors.library_get(user=request.user, pk=pk)
    return render(
        request,
        "documents/library_detail.html",
        {"entry": entry, "can_edit": permissions.role_allows(request.user, "library")},
    )


@login_required
@require_GET
def library_download(request, pk):
    entry = selectors.library_get(user=request.user, pk=pk)
    if not entry.file:
        raise Http404("This entry has no uploaded file.")
    return _download(entry)
