"""Pages of the antivirus process: thin, one service or selector per request."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmdb.models import ConfigurationItem
from cmdb.tabular import csv_stream
from incidents.models import WorkOrder
from itsm import workflow

from . import selectors, services
from .checks import week_start
from .choices import STATE_COLOURS
from .forms import (
    EndpointFilterForm,
    EvaluationForm,
    NoteForm,
    ReinstallForm,
    ScanForm,
)
from .models import Outbreak, ReinstallRequest, WeeklyEvaluation
from .models.access import sees_all, works_antivirus
from .permissions import reinstall_refusal, work_refusal

PAGE_SIZE = 50


def _staff(request):
    if not sees_all(request.user):
        raise PermissionDenied(_("Only staff see the antivirus pages."))


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


@login_required
def endpoint_list(request):
    form = EndpointFilterForm(request.GET or None, products=selectors.endpoint_products())
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.endpoint_list(
        user=request.user,
        department=getattr(filters.get("department"), "pk", None),
        segment=filters.get("segment"),
        product=filters.get("product", ""),
        state=filters.get("state", ""),
        problems=filters.get("problems", False),
        query=filters.get("q", ""),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "antivirus/endpoint_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": selectors.state_counts(user=request.user),
            "colours": STATE_COLOURS,
            "sees_all": sees_all(request.user),
        },
    )


@login_required
def endpoint_export(request):
    _staff(request)
    form = EndpointFilterForm(request.GET or None, products=selectors.endpoint_products())
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.endpoint_list(
        user=request.user,
        department=getattr(filters.get("department"), "pk", None),
        segment=filters.get("segment"),
        product=filters.get("product", ""),
        state=filters.get("state", ""),
        problems=filters.get("problems", False),
        query=filters.get("q", ""),
    )
    language = translation.get_language()
    headers = [
        _("Asset tag"), _("Host name"), _("IP address"), _("OS"), _("User"), _("Department"),
        _("State"), _("Why"), _("Product"), _("Engine version"), _("Signature version"),
        _("Signature date"), _("Last seen"),
    ]  # fmt: skip

    def lines():
        with translation.override(language):
            data = (
                [
                    e.ci.asset_tag if e.ci_id else "",
                    e.host_name,
                    e.ip or "",
                    e.os,
                    e.user_name,
                    e.ci.department.name if e.ci_id and e.ci.department_id else "",
                    e.get_state_display(),
                    e.state_reason,
                    e.product,
                    e.engine_version,
                    e.signature_version,
                    e.signature_date.isoformat() if e.signature_date else "",
                    timezone.localtime(e.last_seen).strftime("%Y-%m-%d %H:%M")
                    if e.last_seen
                    else "",
                ]
                for e in rows.iterator(chunk_size=2000)
            )
            yield from csv_stream(headers, data)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="endpoints-{timezone.localdate():%Y%m%d}.csv"'
    )
    return response


@login_required
def event_export(request):
    """The week's (or any range's) virus events as CSV, formula-looking cells neutralised."""
    _staff(request)
    try:
        since = date.fromisoformat(request.GET.get("since", ""))
        until = date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        until = timezone.localdate() + timedelta(days=1)
        since = until - timedelta(days=7)
    rows = selectors.event_list(
        user=request.user,
        since=selectors.day_start(since),
        until=selectors.day_start(until),
    )
    language = translation.get_language()
    headers = [
        _("Detected at"), _("Host name"), _("IP address"), _("User"), _("Department"),
        _("Threat"), _("File path"), _("Action"), _("Result"), _("Product"),
    ]  # fmt: skip

    def lines():
        with translation.override(language):
            data = (
                [
                    timezone.localtime(e.detected_at).strftime("%Y-%m-%d %H:%M:%S"),
                    e.host_name,
                    e.ip or "",
                    e.user_name,
                    e.ci.department.name if e.ci_id and e.ci.department_id else "",
                    e.threat,
                    e.file_path,
                    e.action,
                    e.result_text or e.get_result_display(),
                    e.product,
                ]
                for e in rows.iterator(chunk_size=2000)
            )
            yield from csv_stream(headers, data)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="virus-events-{since:%Y%m%d}-{until:%Y%m%d}.csv"'
    )
    return response


@login_required
def endpoint_detail(request, pk):
    endpoint = selectors.endpoint_get(user=request.user, pk=pk)
    if endpoint is None:
        raise Http404
    events = (
        selectors.event_list(user=request.user).filter(ci=endpoint.ci)[:20]
        if endpoint.ci_id
        else []
    )
    try:
        day = date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = None
    on_day = selectors.endpoint_state_on(endpoint=endpoint, day=day) if day else None
    return render(
        request,
        "antivirus/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "history": selectors.endpoint_history(endpoint=endpoint),
            "day": day,
            "on_day": on_day,
            "events": events,
            "colours": STATE_COLOURS,
            "work_refusal": work_refusal(request.user),
        },
    )


@login_required
def ci_protection(request, ci_pk):
    """The small partial a CMDB item page can include (or load with htmx)."""
    ci = get_object_or_404(ConfigurationItem, pk=ci_pk)
    endpoint = selectors.endpoint_for_ci(user=request.user, ci=ci)
    if endpoint is None and not sees_all(request.user):
        raise Http404
    return render(
        request,
        "antivirus/_ci_protection.html",
        {"endpoint": endpoint, "ci": ci, "colours": STATE_COLOURS},
    )


def _endpoint_action(request, pk, action):
    endpoint = selectors.endpoint_get(user=request.user, pk=pk)
    if endpoint is None:
        raise Http404
    try:
        if action == "install":
            order = services.endpoint_open_install_order(actor=request.user, endpoint=endpoint)
            messages.success(
                request,
                _("Work order %(number)s is open to install antivirus.") % {"number": order.number},
            )
        else:
            services.endpoint_notify_user(actor=request.user, endpoint=endpoint)
            messages.success(request, _("The user has been told."))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    return redirect(request.POST.get("next") or endpoint.get_absolute_url())


@login_required
@require_POST
def endpoint_install(request, pk):
    return _endpoint_action(request, pk, "install")


@login_required
@require_POST
def endpoint_notify(request, pk):
    return _endpoint_action(request, pk, "notify")


# --- Coverage --------------------------------------------------------------------------


@login_required
def coverage(request):
    _staff(request)
    form = ScanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            scan = services.scan_import(actor=request.user, uploaded=form.cleaned_data["file"])
            messages.success(
                request, _("Scan imported: %(count)s hosts up.") % {"count": scan.host_count}
            )
            return redirect("antivirus:coverage")
        except (PermissionDenied, ValidationError) as exc:
            form.add_error("file", _error_text(exc))
    return render(
        request,
        "antivirus/coverage.html",
        {
            "data": selectors.coverage(user=request.user),
            "form": form,
            "can_act": works_antivirus(request.user),
            # Translated once, not once per listed host (the page lists hundreds).
            "install_label": _("Open a work order to install"),
            "notify_label": _("Notify the user"),
        },
    )


# --- Weekly evaluation ------------------------------------------------------------------


@login_required
def evaluation_list(request):
    _staff(request)
    this_week = week_start(timezone.localdate())
    return render(
        request,
        "antivirus/evaluation_list.html",
        {
            "evaluations": selectors.evaluation_list(user=request.user),
            "last_week": this_week - timedelta(days=7),
            "outbreaks": selectors.outbreak_list(user=request.user),
        },
    )


@login_required
def evaluation_detail(request, week):
    _staff(request)
    try:
        monday = week_start(date.fromisoformat(week))
    except ValueError:
        raise Http404 from None
    evaluation = WeeklyEvaluation.objects.filter(week_start=monday).first()
    if evaluation is None:
        if request.method == "POST" or not works_antivirus(request.user):
            evaluation = None
        else:
            evaluation, _created = services.evaluation_prepare(week_of=monday)
    initial = {
        "causes": evaluation.causes if evaluation else "",
        "recommendations": evaluation.recommendations if evaluation else "",
        "lock_version": evaluation.lock_version if evaluation else 0,
    }
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and evaluation is not None and form.is_valid():
        try:
            evaluation = services.evaluation_save(
                actor=request.user,
                evaluation=evaluation,
                causes=form.cleaned_data["causes"],
                recommendations=form.cleaned_data["recommendations"],
                lock_version=form.cleaned_data["lock_version"],
            )
            if "send" in request.POST:
                sent = services.evaluation_send(
                    actor=request.user, evaluation=evaluation, lock_version=evaluation.lock_version
                )
                messages.success(
                    request,
                    _("Sent to: %(departments)s.")
                    % {"departments": "、".join(row["department"] for row in sent) or "-"},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(evaluation)
        except (PermissionDenied, ValidationError, workflow.Conflict) as exc:
            form.add_error(None, _error_text(exc))
    return render(
        request,
        "antivirus/evaluation_detail.html",
        {
            "monday": monday,
            "week_end": monday + timedelta(days=7),
            "evaluation": evaluation,
            "figures": evaluation.figures
            if evaluation and evaluation.sent_at
            else selectors.week_figures(week_of=monday),
            "form": form,
            "can_edit": works_antivirus(request.user)
            and evaluation is not None
            and not evaluation.sent_at,
        },
    )


@login_required
def outbreak_detail(request, pk):
    outbreak = (
        Outbreak.objects.restrict(request.user, "view")
        .select_related("work_order")
        .filter(pk=pk)
        .first()
    )
    if outbreak is None:
        raise Http404
    if request.method == "POST":
        try:
            order = services.outbreak_open_work_order(actor=request.user, outbreak=outbreak)
            messages.success(
                request, _("Major work order %(number)s is open.") % {"number": order.number}
            )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        return redirect("antivirus:outbreak_detail", pk=pk)
    events = selectors.event_list(
        user=request.user,
        since=outbreak.first_seen,
        until=outbreak.last_seen + timedelta(seconds=1),
        threat=outbreak.threat,
    )[:200]
    return render(
        request,
        "antivirus/outbreak_detail.html",
        {
            "outbreak": outbreak,
            "events": events,
            "can_open": services.permits_supervisor(request.user),
        },
    )


# --- Reinstall confirmations ---------------------------------------------------------------


@login_required
def reinstall_list(request):
    form = ReinstallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        order = (
            WorkOrder.objects.filter(number=form.cleaned_data["work_order"].strip())
            .select_related("device")
            .first()
        )
        if order is None:
            form.add_error("work_order", _("No work order with this number."))
        else:
            try:
                created = services.reinstall_request(
                    actor=request.user, work_order=order, reason=form.cleaned_data["reason"]
                )
                return redirect(created)
            except (PermissionDenied, ValidationError) as exc:
                form.add_error(None, _error_text(exc))
    return render(
        request,
        "antivirus/reinstall_list.html",
        {
            "requests": selectors.reinstall_list(user=request.user),
            "form": form,
            "can_request": works_antivirus(request.user),
        },
    )


@login_required
def reinstall_detail(request, pk):
    item = (
        ReinstallRequest.objects.restrict(request.user, "view")
        .select_related("work_order", "ci", "user__person")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    form = NoteForm(request.POST or None, initial={"lock_version": item.lock_version})
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        kwargs = {
            "actor": request.user,
            "request": item,
            "lock_version": form.cleaned_data["lock_version"],
        }
        try:
            if action == "confirm":
                services.reinstall_confirm(**kwargs)
            elif action == "refuse":
                services.reinstall_refuse(note=form.cleaned_data["note"], **kwargs)
            elif action == "complete":
                services.reinstall_complete(outcome=form.cleaned_data["note"], **kwargs)
            return redirect(item)
        except (PermissionDenied, ValidationError, workflow.Conflict) as exc:
            form.add_error(None, _error_text(exc))
    return render(
        request,
        "antivirus/reinstall_detail.html",
        {
            "item": item,
            "form": form,
            "refusals": {
                a: reinstall_refusal(request.user, item, a)
                for a in ("confirm", "refuse", "complete")
            },
        },
    )


# --- Monthly statistics ----------------------------------------------------------------


def _month(request) -> tuple[int, int]:
    text = request.GET.get("month", "")
    try:
        year, month = (int(p) for p in text.split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        today = timezone.localdate()
        first = today.replace(day=1) - timedelta(days=1)
        return first.year, first.month


@login_required
def statistics(request):
    _staff(request)
    year, month = _month(request)
    return render(
        request,
        "antivirus/statistics.html",
        {
            "stats": selectors.monthly_statistics(year=year, month=month),
            "month": f"{year}-{month:02d}",
        },
    )


@login_required
def statistics_pdf(request):
    _staff(request)
    from .pdf import statistics_pdf as render_pdf

    year, month = _month(request)
    data = render_pdf(selectors.monthly_statistics(year=year, month=month))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="virus-statistics-{year}-{month:02d}.pdf"'
    )
    return response
