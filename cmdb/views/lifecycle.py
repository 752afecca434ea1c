"""Ageing devices for replacement, spare demand, and tools brought on site."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import ageing, selectors
from ..forms import AgeingFilterForm, ToolForm, ToolTakeOutForm
from ..models import SiteTool
from ..permissions import replacement_refusal, tool_refusal
from ..services import lifecycle
from ..spare_demand import DEFAULT_MONTHS, MAX_MONTHS, spare_demand
from ..tabular import csv_stream

PAGE_SIZE = 50


def _csv(filename: str, headers, rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_stream(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- Ageing devices ---------------------------------------------------------------------------


@login_required
@require_GET
def ageing_list(request):
    """Devices due for replacement by the ageing rules (age, repeated faults); CSV too."""
    refusal = replacement_refusal(request.user, None, "view")
    if refusal:
        raise PermissionDenied(refusal)
    form = AgeingFilterForm(request.GET or None)
    rows = ageing.candidates(**form.selector_kwargs())
    if request.GET.get("format") == "csv":
        return _csv("replacement-candidates.csv", _ageing_headers(), map(_ageing_row, rows))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cmdb/ageing_list.html",
        {
            "form": form,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "total": len(rows),
            "rules": selectors.ageing_rules(user=request.user),
            "can_propose": not replacement_refusal(request.user, None, "propose"),
            "can_withdraw": not replacement_refusal(request.user, None, "withdraw"),
            "query": query.urlencode(),
        },
    )


def _ageing_headers():
    return [
        _("Asset tag"), _("Asset name"), _("Class"), _("Department"), _("Purchased on"),
        _("Age (years)"), _("Faults"), _("Within months"), _("Last fault"), _("Warranty"),
        _("Reason"), _("Replacement proposed"),
    ]  # fmt: skip


def _ageing_row(row):
    item, proposal = row.item, row.proposal
    return [
        item.asset_tag,
        item.name,
        item.ci_class.name,
        item.department.name if item.department_id else "",
        item.purchased_on or "",
        "" if row.age is None else row.age,
        row.faults,
        row.fault_months,
        timezone.localtime(row.last_fault).date() if row.last_fault else "",
        item.get_warranty_status_display(),
        "; ".join(row.reasons),
        timezone.localdate(proposal.created_at) if proposal else "",
    ]


@login_required
@require_POST
def ageing_mark(request, pk, action):
    """Mark a device "replacement proposed", or take the mark off."""
    ci = selectors.ci_get(user=request.user, pk=pk)
    if ci is None:
        raise Http404
    try:
        if action == "propose":
            lifecycle.replacement_propose(
                actor=request.user, ci=ci, note=request.POST.get("note", "")
            )
            messages.success(
                request, _("Replacement proposed for %(tag)s.") % {"tag": ci.asset_tag}
            )
        elif action == "withdraw":
            lifecycle.replacement_withdraw(actor=request.user, ci=ci)
            messages.success(request, _("Proposal withdrawn for %(tag)s.") % {"tag": ci.asset_tag})
        else:
            raise Http404
    except ValidationError as exc:
        _errors(request, exc)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/cmdb/") else "cmdb:ageing_list")


# --- Spare demand ------------------------------------------------------------------------------


def _months(request) -> int:
    value = request.GET.get("months", "")
    return max(1, min(int(value), MAX_MONTHS)) if value.isdecimal() else DEFAULT_MONTHS


@login_required
@require_GET
def spare_demand_view(request):
    """Each part's use in the last N months, stock against minimum, and what to order."""
    if not request.user.has_perm("cmdb.view_stock"):
        raise PermissionDenied
    months = _months(request)
    demand = spare_demand(months=months)
    labels = [d.strftime("%Y-%m") for d in demand.months]
    if request.GET.get("format") == "csv":
        headers = [
            _("Part"), _("Unit"), *labels,
            _("Used"), _("Monthly average"), _("In stock"), _("Minimum"), _("Suggested order"),
        ]  # fmt: skip
        rows = (
            [str(r.part), r.part.unit, *r.monthly, r.consumed, r.average, r.stock, r.minimum,
             r.suggested]
            for r in demand.rows
        )  # fmt: skip
        return _csv("spare-demand.csv", headers, rows)
    return render(
        request,
        "cmdb/spare_demand.html",
        {
            "demand": demand,
            "rows": [(row, list(zip(labels, row.monthly, strict=True))) for row in demand.rows],
            "months": months,
            "month_choices": (1, 3, 6, 12),
        },
    )


# --- Tools on site ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tool_list(request):
    """The tools on site (or every tool registered, ?all=1), and registering one."""
    if not request.user.has_perm("cmdb.view_sitetool"):
        raise PermissionDenied
    can_register = not tool_refusal(request.user, None, "register")
    form = None
    if can_register:
        form = ToolForm(request.POST or None, initial={"brought_in_on": timezone.localdate()})
    if request.method == "POST":
        if not can_register:
            raise PermissionDenied
        if form.is_valid():
            try:
                tool = lifecycle.tool_register(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("%(tool)s registered on site.") % {"tool": tool})
                return redirect("cmdb:tool_list")
    everything = request.GET.get("all") == "1"
    tools = selectors.tool_list(user=request.user, on_site_only=not everything)
    return render(
        request,
        "cmdb/tool_list.html",
        {
            "page": Paginator(tools, PAGE_SIZE).get_page(request.GET.get("page")),
            "form": form,
            "everything": everything,
            "take_out_refusal": tool_refusal(request.user, None, "take_out"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def tool_take_out(request, pk):
    tool = get_object_or_404(SiteTool.objects.restrict(request.user, "view"), pk=pk)
    form = ToolTakeOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the tool left."))
        return redirect("cmdb:tool_list")
    try:
        lifecycle.tool_take_out(actor=request.user, tool=tool, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("%(tool)s taken out.") % {"tool": tool})
    return redirect("cmdb:tool_list")
