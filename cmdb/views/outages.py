"""Service outages: the supervisor's list, record, correction and close (availability)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from itsm import workflow
from itsm.audit import audit_timeline

from ..availability import outage_list as outage_query
from ..choices import OutageSource
from ..forms import OutageForm
from ..models import ServiceOutage
from ..permissions import outage_refusal
from ..services import outages as services
from .more import PAGE_SIZE, lock_version


def _visible(request, pk):
    return get_object_or_404(
        ServiceOutage.objects.restrict(request.user, "view").select_related(
            "service__ci_class", "recorded_by__person"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(["GET"])
def outage_list(request):
    if not request.user.has_perm("cmdb.view_serviceoutage"):
        raise PermissionDenied
    source = request.GET.get("source", "")
    source = source if source in OutageSource.values else ""
    open_only = request.GET.get("open") == "1"
    rows = outage_query(user=request.user, open_only=open_only, source=source)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cmdb/outage_list.html",
        {
            "page": page,
            "sources": OutageSource.choices,
            "source": source,
            "open_only": open_only,
            "create_refusal": outage_refusal(request.user, None, "create"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def outage_create(request):
    refusal = outage_refusal(request.user, None, "create")
    if refusal:
        raise PermissionDenied(refusal)
    form = OutageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outage = services.outage_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Outage recorded."))
            return redirect(outage)
    return render(request, "cmdb/outage_form.html", {"form": form, "outage": None})


@login_required
@require_http_methods(["GET", "POST"])
def outage_detail(request, pk):
    """The outage with its audit timeline; the supervisor corrects it here."""
    outage = _visible(request, pk)
    refusal = outage_refusal(request.user, outage, "change")
    initial = {
        "service": outage.service_id,
        "started_at": outage.started_at,
        "ended_at": outage.ended_at,
        "cause": outage.cause,
    }
    form = None if refusal else OutageForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if refusal:
            raise PermissionDenied(refusal)
        if form.is_valid():
            try:
                services.outage_update(
                    outage=outage,
                    actor=request.user,
                    lock_version=lock_version(request),
                    **form.cleaned_data,
                )
            except workflow.Conflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Outage corrected."))
                return redirect(outage)
    return render(
        request,
        "cmdb/outage_detail.html",
        {
            "outage": outage,
            "form": form,
            "refusal": refusal,
            "timeline": audit_timeline(subject=outage),
        },
    )


@login_required
@require_POST
def outage_close(request, pk):
    outage = _visible(request, pk)
    try:
        services.outage_close(outage=outage, actor=request.user, lock_version=lock_version(request))
    except (ValidationError, workflow.Conflict) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, _("Outage closed: the service is back."))
    return redirect(outage)


def _add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
