"""Controlled-document pages: thin over documents.selectors (reads) and documents.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from itsm import workflow

from . import actions as document_actions
from . import bodies, forms, permissions, selectors, services
from .models import DocumentBackup

PAGE_SIZE = 50


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _require(user, action: str) -> None:
    workflow.require(permissions.role_refusal(user, action))


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _error_text(exc))


def _lock_version(request) -> int | None:
    value = request.POST.get("lock_version", "")
    return int(value) if value.isdecimal() else None


def _download(stored):
    """A stored file as a download under its original name: never inline, never sniffed."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name or "document",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the catalogue ---------------------------------------------------------------------


@login_required
@require_GET
def document_list(request):
    _require(request.user, "read")
    form = forms.DocumentFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "level": data["level"],
            "document_type": data["document_type"],
            "status": data["status"],
            "check_due": data["check_due"],
            "overdue": data["overdue"],
            "pending": data["pending"],
            "query": data["q"].strip(),
        }
    documents = selectors.document_list(user=request.user, **filters)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "page": page,
            "counts": selectors.document_counts(user=request.user),
            "can_register": permissions.role_allows(request.user, "register"),
            "can_backup": permissions.role_allows(request.user, "backup"),
        },
    )


@login_required
def document_register(request):
    _require(request.user, "register")
    procedures = selectors.document_procedures(user=request.user)
    form = forms.RegisterForm(
        request.POST or None,
        request.FILES or None,
        procedures=procedures,
        initial={"custodian": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_register(
                actor=request.user,
                level=data["level"],
                number=data["number"],
                procedure=data["procedure"],
                version_label=data["version_label"],
                file=data["file"],
                **form.catalogue(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(number)s registered: awaiting the release decision of %(bodies)s.")
                % {
                    "number": document.number,
                    "bodies": bodies.bodies_label(bodies.required_bodies("registration")),
                },
            )
            return redirect(document)
    if request.method == "POST" and request.FILES:
        messages.warning(request, _("Your text was kept, but the file must be chosen again."))
    return render(
        request, "documents/document_form.html", {"form": form, "document": None, "multipart": True}
    )


@login_required
def document_edit(request, number):
    _require(request.user, "edit")
    document = selectors.document_get(user=request.user, number=number)
    initial = {name: getattr(document, name) for name in services.CATALOGUE_FIELDS}
    initial["custodian"] = document.custodian_id
    initial["lock_version"] = document.lock_version
    form = forms.CatalogueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(
                document=document,
                actor=request.user,
                lock_version=form.cleaned_data["lock_version"],
                **form.catalogue(),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except workflow.Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(document)
    return render(request, "documents/document_form.html", {"form": form, "document": document})


@login_required
@require_GET
def document_detail(request, number):
    user = request.user
    document = selectors.document_get(user=user, number=number)
    applications = selectors.document_applications(document=document)
    for items in applications.values():
        for application in items:
            application.actions, application.own_note = document_actions.application_actions(
                user=user, application=application
            )
    actions = document_actions.document_actions(
        user=user, document=document, applications=applications
    )
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "versions": selectors.document_versions(document=document),
            "applications": applications,
            "backups": selectors.document_backups(document=document),
            "checks": selectors.document_checks(document=document),
            "timeline": selectors.document_timeline(document=document),
            "actions": actions,
            "allowed": {a.name for a in actions if a.allowed},
            "check_form": forms.CheckForm(initial={"lock_version": document.lock_version}),
            "can_download": permissions.role_allows(user, "read"),
            "user_body_label": bodies.body_label(bodies.body_of(user)),
        },
    )


_RELEASE = {
    "release": (services.document_release, gettext_lazy("Approval recorded.")),
    "reject": (services.document_release_reject, gettext_lazy("Release turned down.")),
    "resubmit": (
        services.document_release_resubmit,
        gettext_lazy("Handed in again: the approvers decide its release."),
    ),
}


@login_required
@require_POST
def document_release(request, number, action="release"):
    """A body's decision on a registered draft (release or turn down), or the keepers
    handing a turned-down draft in again."""
    document = selectors.document_get(user=request.user, number=number)
    service, done = _RELEASE[action]
    form = forms.DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        document = service(
            document=document, actor=request.user, note=note, lock_version=_lock_version(request)
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    except workflow.Conflict as exc:
        messages.error(request, str(exc))
    else:
        if action == "release" and document.status != "draft":
            done = _("Released: the document is effective.")
        messages.success(request, done)
    return redirect(document)


@login_required
@require_POST
def document_check(request, number):
    document = selectors.document_get(user=request.user, number=number)
    form = forms.CheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result of the check."))
        return redirect(document)
    data = form.cleaned_data
    try:
        services.check_record(
            document=document,
            actor=request.user,
            result=data["result"],
            note=data["note"],
            checked_on=data["checked_on"],
            lock_version=data["lock_version"],
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except workflow.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Validity check recorded."))
    return redirect(document)


@login_required
@require_GET
def version_download(request, number, pk):
    document = selectors.document_get(user=request.user, number=number)
    return _download(selectors.version_get(user=request.user, document=document, pk=pk))


# --- applications ----------------------------------------------------------------------

_APPLY = {
    "change": ("apply_change", forms.ChangeApplicationForm, gettext_lazy("Apply for a change")),
    "scrap": ("apply_scrap", forms.ScrapApplicationForm, gettext_lazy("Apply to scrap")),
    "borrow": ("borrow", forms.BorrowApplicationForm, gettext_lazy("Apply to borrow")),
}


@login_required
def application_create(request, number, kind):
    if kind not in _APPLY:
        raise Http404
    rule, form_class, title = _APPLY[kind]
    _require(request.user, rule)
    document = selectors.document_get(user=request.user, number=number)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if kind == "change":
                application = services.change_apply(document=document, actor=request.user, **data)
            elif kind == "scrap":
                application = services.scrap_apply(document=document, actor=request.user, **data)
            else:
                application = services.borrow_apply(document=document, actor=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(number)s filed: awaiting the decision of %(bodies)s.")
                % {
                    "number": application.number,
                    "bodies": bodies.bodies_label(bodies.required_bodies(kind)),
                },
            )
            return redirect(document)
    if request.method == "POST" and request.FILES:
        messages.warning(request, _("Your text was kept, but the file must be chosen again."))
    return render(
        request,
        "documents/application_form.html",
        {
            "form": form,
            "document": document,
            "kind": kind,
            "title": title,
            "multipart": kind == "change",
        },
    )


_ACT = {
    "approve": (services.application_approve, gettext_lazy("Approval recorded.")),
    "confirm": (services.change_result_confirm, gettext_lazy("Confirmation recorded.")),
    "reject": (services.application_reject, gettext_lazy("Rejected.")),
    "withdraw": (services.application_withdraw, gettext_lazy("Withdrawn.")),
    "lend": (services.borrow_lend, gettext_lazy("Handed over: due back on the return date.")),
    "return": (services.borrow_return, gettext_lazy("Returned.")),
}


@login_required
@require_POST
def application_act(request, kind, number, action):
    application = selectors.application_get(user=request.user, kind=kind, number=number)
    if action not in _ACT or (
        (action in ("lend", "return") and kind != "borrow")
        or (action == "confirm" and kind != "change")
    ):
        raise Http404
    service, done = _ACT[action]
    form = forms.DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    kwargs = {
        "application": application,
        "actor": request.user,
        "lock_version": _lock_version(request),
    }
    if action != "lend":
        kwargs["note"] = note
    try:
        service(**kwargs)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except workflow.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(application.document)


@login_required
def change_result(request, number):
    """Record the change as made (process, content, result) with the revised file."""
    _require(request.user, "apply_change")
    application = selectors.application_get(user=request.user, kind="change", number=number)
    document = application.document
    form = forms.ChangeResultForm(
        request.POST or None,
        request.FILES or None,
        has_file=bool(application.file),
        initial={"change_made": application.content, "lock_version": application.lock_version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_result_record(
                application=application,
                actor=request.user,
                change_process=data["change_process"],
                change_made=data["change_made"],
                change_result=data["change_result"],
                file=data["file"],
                lock_version=data["lock_version"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        except workflow.Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(number)s: result recorded; the approvers confirm it.")
                % {"number": application.number},
            )
            return redirect(document)
    if request.method == "POST" and request.FILES:
        messages.warning(request, _("Your text was kept, but the file must be chosen again."))
    selectors.application_decisions([application])
    return render(
        request,
        "documents/change_result_form.html",
        {"form": form, "document": document, "application": application, "multipart": True},
    )


@login_required
@require_GET
def application_file(request, number):
    """The revised file of a change application, for the approvers to read before deciding."""
    application = selectors.application_get(user=request.user, kind="change", number=number)
    if not application.file:
        raise Http404
    return _download(application)


# --- backups ---------------------------------------------------------------------------


@login_required
@require_GET
def backup_list(request):
    _require(request.user, "read")
    page = Paginator(selectors.backup_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "documents/backup_list.html",
        {
            "page": page,
            "can_backup": permissions.role_allows(request.user, "backup"),
            "can_verify": permissions.role_allows(request.user, "verify_backup"),
        },
    )


@login_required
def backup_create(request):
    _require(request.user, "backup")
    initial = {}
    wanted = request.GET.get("document", "")
    if wanted:
        initial["documents"] = list(
            selectors.document_visible(user=request.user)
            .filter(number=wanted)
            .values_list("pk", flat=True)
        )
    form = forms.BackupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            backup = services.backup_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Backup %(number)s recorded.") % {"number": backup.number})
            return redirect("documents:document_backups")
    return render(request, "documents/backup_form.html", {"form": form})


@login_required
@require_POST
def backup_verify(request, number):
    _require(request.user, "read")
    backup = DocumentBackup.objects.filter(number=number).first()
    if backup is None:
        raise Http404
    try:
        services.backup_verify(backup=backup, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Backup verified."))
    return redirect("documents:document_backups")
