"""Warranty, spare parts and units, baselines and the monthly change summary."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from itsm import workflow
from itsm.audit import audit_timeline

from .. import selectors
from ..choices import RequisitionStatus
from ..forms import BaselineForm, LoanForm, RequisitionForm, RestockForm
from ..models import Baseline, Requisition, SpareUnitLoan, Stock
from ..permissions import (
    baseline_refusal,
    loan_refusal,
    requisition_refusal,
    stock_refusal,
)
from ..services import baselines as baseline_services
from ..services import spares

PAGE_SIZE = 50


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def lock_version(request) -> int | None:
    """The lock_version the page was rendered with (its hidden field); None if absent."""
    value = request.POST.get("lock_version", "")
    return int(value) if value.isdecimal() else None


@login_required
@require_GET
def hub(request):
    """Links to the CMDB's processes beyond the item list."""
    _require(request.user, "cmdb.view_configurationitem")
    return render(request, "cmdb/hub.html")


@login_required
@require_GET
def warranty_list(request):
    items = selectors.warranty_due_list(user=request.user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cmdb/warranty_list.html", {"page": page})


# --- Spares --------------------------------------------------------------------------------


@login_required
@require_GET
def spare_stock(request):
    _require(request.user, "cmdb.view_stock")
    return render(
        request,
        "cmdb/spare_stock.html",
        {
            "stock": selectors.stock_list(user=request.user),
            "can_restock": not stock_refusal(request.user, None, "restock"),
            "restock_form": RestockForm(),
            "loans": selectors.loan_list(user=request.user, open_only=True)[:100],
        },
    )


@login_required
@require_POST
def spare_restock(request, pk):
    stock = get_object_or_404(Stock.objects.restrict(request.user, "view"), pk=pk)
    workflow.require(stock_refusal(request.user, stock, "restock"))
    form = RestockForm(request.POST)
    if form.is_valid():
        spares.stock_add(stock=stock, quantity=form.cleaned_data["quantity"], actor=request.user)
        messages.success(request, _("Stock updated."))
    else:
        messages.error(request, _("Give a quantity of at least 1."))
    return redirect("cmdb:spare_stock")


@login_required
@require_http_methods(["GET", "POST"])
def requisition_list(request):
    _require(request.user, "cmdb.view_requisition")
    can_request = not requisition_refusal(request.user, None, "create")
    form = RequisitionForm(
        request.POST or None, initial={"work_order_number": request.GET.get("wo", "")}
    )
    if request.method == "POST":
        if not can_request:
            raise PermissionDenied
        if form.is_valid():
            try:
                requisition = spares.requisition_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("Requisition %(n)s requested.") % {"n": requisition.number}
                )
                return redirect(requisition)
    status = request.GET.get("status", "")
    status = status if status in RequisitionStatus.values else ""
    page = Paginator(
        selectors.requisition_list(user=request.user, status=status), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "cmdb/requisition_list.html",
        {
            "page": page,
            "form": form if can_request else None,
            "status": status,
            "statuses": RequisitionStatus.choices,
        },
    )


@login_required
@require_GET
def requisition_detail(request, pk):
    requisition = get_object_or_404(selectors.requisition_list(user=request.user), pk=pk)
    return render(
        request,
        "cmdb/requisition_detail.html",
        {
            "requisition": requisition,
            "timeline": audit_timeline(subject=requisition),
            "actions": _requisition_actions(request.user, requisition),
        },
    )


# The buttons of each status: (action, label, button style).
_REQUISITION_BUTTONS = {
    RequisitionStatus.REQUESTED: [
        ("approve", gettext_lazy("Approve"), "btn-success"),
        ("reject", gettext_lazy("Reject"), "btn-outline-danger"),
    ],
    RequisitionStatus.APPROVED: [("issue", gettext_lazy("Issue the parts"), "btn-primary")],
    RequisitionStatus.ISSUED: [
        ("consume", gettext_lazy("Used in the repair"), "btn-info"),
        ("return", gettext_lazy("Returned to stock"), "btn-outline-secondary"),
    ],
}


def _requisition_actions(user, requisition) -> list[dict]:
    """The status's buttons, each with the refusal that greys it out ("" = enabled)."""
    return [
        {"action": action, "label": label, "style": style,
         "refusal": requisition_refusal(user, requisition, action)}
        for action, label, style in _REQUISITION_BUTTONS.get(requisition.status, [])
    ]  # fmt: skip


_REQUISITION_ACTIONS = {
    "approve": spares.requisition_approve,
    "reject": spares.requisition_reject,
    "issue": spares.requisition_issue,
    "return": spares.requisition_return,
    "consume": spares.requisition_consume,
}


@login_required
@require_POST
def requisition_transition(request, pk, action):
    requisition = get_object_or_404(Requisition.objects.restrict(request.user, "view"), pk=pk)
    service = _REQUISITION_ACTIONS.get(action)
    if service is None:
        raise PermissionDenied
    try:
        service(requisition=requisition, actor=request.user, lock_version=lock_version(request))
    except workflow.Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Requisition updated."))
    return redirect(requisition)


@login_required
@require_http_methods(["GET", "POST"])
def loan_list(request):
    _require(request.user, "cmdb.view_spareunitloan")
    can_lend = not loan_refusal(request.user, None, "lend")
    form = LoanForm(request.POST or None) if can_lend else None
    if request.method == "POST":
        if not can_lend:
            raise PermissionDenied
        if form.is_valid():
            try:
                spares.spare_lend(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Spare unit lent."))
                return redirect("cmdb:loan_list")
    page = Paginator(selectors.loan_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cmdb/loan_list.html",
        {
            "page": page,
            "form": form,
            "return_refusal": loan_refusal(request.user, None, "return"),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def loan_return(request, pk):
    loan = get_object_or_404(SpareUnitLoan.objects.restrict(request.user, "view"), pk=pk)
    try:
        spares.spare_return(loan=loan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Spare unit returned."))
    return redirect("cmdb:loan_list")


# --- Baselines ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def baseline_list(request):
    _require(request.user, "cmdb.view_baseline")
    can_take = not baseline_refusal(request.user, None, "take")
    form = BaselineForm(request.POST or None) if can_take else None
    if request.method == "POST":
        if not can_take:
            raise PermissionDenied
        if form.is_valid():
            baseline = baseline_services.baseline_take(actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("Baseline taken: %(n)s items.") % {"n": baseline.item_count}
            )
            return redirect(baseline)
    page = Paginator(selectors.baseline_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cmdb/baseline_list.html", {"page": page, "form": form})


@login_required
@require_GET
def baseline_detail(request, pk):
    baseline = get_object_or_404(
        Baseline.objects.restrict(request.user, "view").select_related("department", "ci_class"),
        pk=pk,
    )
    return render(
        request,
        "cmdb/baseline_detail.html",
        {"baseline": baseline, "diff": baseline_services.baseline_compare(baseline=baseline)},
    )


@login_required
@require_GET
def monthly_summary(request):
    """Baseline and configuration changes of a month (?month=2026-03), from the audit log."""
    _require(request.user, "cmdb.view_baseline")
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    summary = selectors.cmdb_monthly_summary(year=year, month=month)
    prev_month = (date(year, month, 1) - timedelta(days=1)).strftime("%Y-%m")
    next_first = date(year + (month == 12), month % 12 + 1, 1)
    return render(
        request,
        "cmdb/monthly_summary.html",
        {
            "summary": summary,
            "month": f"{year:04d}-{month:02d}",
            "prev_month": prev_month,
            "next_month": next_first.strftime("%Y-%m") if next_first <= today else "",
        },
    )
