"""Census pages: campaigns, the phone-friendly scan page, review, report, PDF and Excel."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from itsm import workflow

from .. import selectors
from ..census_report import census_pdf, final_asset_list_xlsx
from ..choices import CENSUS_DISCREPANCIES, CensusResult, CensusReview, CensusStatus
from ..forms import CensusChangeForm, CensusForm, CensusScanForm, CensusUnknownForm
from ..models import CensusCampaign, CensusItem, ConfigurationItem
from ..permissions import census_refusal
from ..responsibility import responsible_breaches
from ..services import census as services
from ..services.census import census_counts, census_scope
from .more import lock_version

PAGE_SIZE = 100


def _campaign(request, pk) -> CensusCampaign:
    """The campaign if `request.user` may see it (404 otherwise: no hint it exists)."""
    return get_object_or_404(CensusCampaign.objects.restrict(request.user, "view"), pk=pk)


def _require(user, campaign, action):
    """403 with the refusal's reason: the same rule the services and buttons use."""
    workflow.require(census_refusal(user, campaign, action))


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def census_list(request):
    if not request.user.has_perm("cmdb.view_censuscampaign"):
        raise PermissionDenied
    can_create = not census_refusal(request.user, None, "create")
    form = CensusForm(request.POST or None) if can_create else None
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        if form.is_valid():
            campaign = services.census_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                due_date=form.cleaned_data["due_date"],
                departments=form.cleaned_data["departments"],
                locations=form.cleaned_data["locations"],
                include_accessories=form.cleaned_data["include_accessories"],
            )
            messages.success(request, _("Census created; start it when the engineers are ready."))
            return redirect(campaign)
    return render(
        request,
        "cmdb/census_list.html",
        {"campaigns": selectors.census_list(user=request.user)[:100], "form": form},
    )


@login_required
@require_GET
def census_detail(request, pk):
    campaign = _campaign(request, pk)
    result = request.GET.get("result", "")
    result = result if result in CensusResult.values else ""
    page = Paginator(selectors.census_lines(campaign=campaign, result=result), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cmdb/census_detail.html",
        {
            "campaign": campaign,
            "counts": census_counts(campaign),
            "page": page,
            "result": result,
            "results": CensusResult.choices,
            "refusals": {
                action: census_refusal(request.user, campaign, action)
                for action in ("start", "close", "confirm", "scan")
            },
        },
    )


@login_required
@require_POST
def census_transition(request, pk, action):
    campaign = _campaign(request, pk)
    service = {"start": services.census_start, "close": services.census_close}.get(action)
    if service is None:
        raise PermissionDenied
    try:
        service(campaign=campaign, actor=request.user, lock_version=lock_version(request))
    except workflow.Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Census started: the expected items are listed.")
            if action == "start"
            else _("Census closed: items not found are marked missing."),
        )
    return redirect(campaign)


def _scan_url(campaign, at=None, last=None, unknown="") -> str:
    query = {k: v for k, v in {"at": at, "last": last, "unknown": unknown}.items() if v}
    url = reverse("cmdb:census_scan", args=[campaign.pk])
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_http_methods(["GET", "POST"])
def census_scan(request, pk):
    """Scan tags one after another; the room stays chosen between scans."""
    campaign = _campaign(request, pk)
    _require(request.user, campaign, "scan")
    locations = campaign.locations.select_related("building")
    if not locations.exists():
        locations = None
    data = request.POST if request.method == "POST" else None
    at_value = request.POST.get("at") or request.GET.get("at") or ""
    form = CensusScanForm(data, locations=locations, initial={"at": at_value})
    action = request.POST.get("action", "scan")
    if request.method == "POST" and campaign.status != CensusStatus.RUNNING:
        messages.error(request, _("This census is not running."))
        return redirect(campaign)
    if request.method == "POST" and action == "scan" and form.is_valid():
        at = form.cleaned_data["at"]
        tag = form.cleaned_data["tag"].strip()
        try:
            line = services.census_scan(campaign=campaign, actor=request.user, tag=tag, location=at)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect(_scan_url(campaign, at=at and at.pk))
        if line is None:
            return redirect(_scan_url(campaign, at=at and at.pk, unknown=tag[:50]))
        return redirect(_scan_url(campaign, at=at and at.pk, last=line.pk))
    if request.method == "POST" and action == "change":
        line = get_object_or_404(CensusItem, pk=request.POST.get("line"), campaign=campaign)
        change_form = CensusChangeForm(request.POST)
        if change_form.is_valid():
            try:
                services.census_record_change(
                    line=line,
                    actor=request.user,
                    responsible=change_form.cleaned_data["responsible"],
                    department=change_form.cleaned_data["department"],
                    note=change_form.cleaned_data["note"],
                )
                messages.success(request, _("Recorded what differs."))
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
        return redirect(_scan_url(campaign, at=at_value, last=line.pk))
    if request.method == "POST" and action == "unknown":
        unknown_form = CensusUnknownForm(request.POST)
        at = (
            form.fields["at"].queryset.filter(pk=at_value).first() if at_value.isdecimal() else None
        )
        if unknown_form.is_valid():
            try:
                line = services.census_record_unknown(
                    campaign=campaign, actor=request.user, location=at, **unknown_form.cleaned_data
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
                return redirect(_scan_url(campaign, at=at_value))
            return redirect(_scan_url(campaign, at=at_value, last=line.pk))
        messages.error(request, _("Give the tag, a name and the class of the unknown item."))
        return redirect(_scan_url(campaign, at=at_value, unknown=request.POST.get("tag", "")[:50]))

    last = None
    last_id = request.GET.get("last", "")
    if last_id.isdecimal():
        last = selectors.census_lines(campaign=campaign).filter(pk=last_id).first()
    unknown = request.GET.get("unknown", "").strip()[:50]
    return render(
        request,
        "cmdb/census_scan.html",
        {
            "campaign": campaign,
            "form": CensusScanForm(locations=locations, initial={"at": at_value}),
            "at": at_value,
            "last": last,
            "change_form": CensusChangeForm() if last and last.expected else None,
            "unknown": unknown,
            "unknown_form": CensusUnknownForm(initial={"tag": unknown}) if unknown else None,
            "counts": census_counts(campaign),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def census_review(request, pk):
    """The supervisor confirms (or dismisses) the discrepancies of a closed census."""
    campaign = _campaign(request, pk)
    _require(request.user, campaign, "confirm")
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("line") if i.isdecimal()]
        dismiss = request.POST.get("action") == "dismiss"
        try:
            outcome = services.census_confirm(
                campaign=campaign, actor=request.user, line_ids=ids, dismiss=dismiss
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if dismiss:
                messages.success(request, _("%(n)s dismissed.") % {"n": outcome["done"]})
            else:
                messages.success(
                    request,
                    _("%(n)s confirmed and applied to the CMDB.") % {"n": outcome["done"]},
                )
            for tag, error in outcome["errors"]:
                messages.error(request, f"{tag}: {error}")
        return redirect("cmdb:census_review", pk=campaign.pk)
    lines = selectors.census_lines(campaign=campaign).filter(
        result__in=CENSUS_DISCREPANCIES, review=CensusReview.OPEN
    )
    return render(
        request,
        "cmdb/census_review.html",
        {"campaign": campaign, "lines": lines[:1000], "counts": census_counts(campaign)},
    )


def _discrepancies(campaign):
    return selectors.census_lines(campaign=campaign).filter(result__in=CENSUS_DISCREPANCIES)


@login_required
@require_GET
def census_report(request, pk):
    campaign = _campaign(request, pk)
    lines = list(_discrepancies(campaign))
    return render(
        request,
        "cmdb/census_report.html",
        {
            "campaign": campaign,
            "counts": census_counts(campaign),
            "groups": [
                (label, [line for line in lines if line.result == value])
                for value, label in CensusResult.choices
                if value in CENSUS_DISCREPANCIES
            ],
            # The census also checks the responsible-person rule over its scope (§3.3.4.1).
            "responsible_breaches": responsible_breaches(
                user=request.user, items=census_scope(campaign)
            ),
        },
    )


@login_required
@require_GET
def census_report_pdf(request, pk):
    campaign = _campaign(request, pk)
    pdf = census_pdf(campaign, census_counts(campaign), _discrepancies(campaign))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="census-{campaign.pk}.pdf"'
    return response


@login_required
@require_GET
def census_assets_xlsx(request, pk):
    """The final asset list: the scope now, plus every item the census saw."""
    campaign = _campaign(request, pk)
    results = dict(campaign.lines.filter(item__isnull=False).values_list("item_id", "result"))
    labels = dict(CensusResult.choices)
    items = ConfigurationItem.objects.filter(
        Q(pk__in=census_scope(campaign).values("pk"))
        | Q(pk__in=campaign.lines.filter(item__isnull=False).values("item_id"))
    ).order_by("asset_tag")
    target = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115
    final_asset_list_xlsx(target, items, {pk: str(labels[r]) for pk, r in results.items()})
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"census-{campaign.pk}-assets.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
