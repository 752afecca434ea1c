"""Pages of the vendor-repair process: thin, each parses a form and calls one service.

Every action posts to one URL per step; a refusal (permission, bad input, conflict) comes
back as a message on the detail page and saves nothing (the services are atomic).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cmdb.selectors import warranty_extension_of
from incidents.models import WorkOrder
from itsm import workflow
from itsm.audit import audit_timeline

from . import forms, selectors, services
from .choices import RepairStatus, VendorOrderStatus
from .models import BlacklistApplication, PartPurchase, PartQuote, RepairOrder, Vendor, VendorOrder
from .pdf import gate_pass_pdf, vendor_order_pdf
from .permissions import (
    application_refusal,
    part_refusal,
    repair_refusal,
    vendor_order_refusal,
)

PAGE_SIZE = 50


def _errors(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [m for messages_ in exc.message_dict.values() for m in messages_]
        return list(exc.messages)
    return [str(getattr(exc, "message", "") or exc)]


def _run(request, call) -> bool:
    """Call a service; its refusal becomes a message. True when it went through."""
    try:
        call()
    except (PermissionDenied, ValidationError, workflow.Conflict) as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return False
    return True


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _get(queryset_manager, user, pk, action="view"):
    try:
        return queryset_manager.restrict(user, action).get(pk=pk)
    except queryset_manager.model.DoesNotExist as exc:
        raise Http404 from exc


# --- repairs ------------------------------------------------------------------------------


@login_required
def repair_list(request):
    status = request.GET.get("status", "")
    if status not in RepairStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    rows = selectors.repair_list(user=request.user, status=status, overdue=overdue)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "repairs/repair_list.html", {
        "page": page, "status": status, "overdue": overdue, "statuses": RepairStatus.choices,
        "today": timezone.localdate(), "can_create": not repair_refusal(request.user, None, "create"),
    })  # fmt: skip


@login_required
def repair_create(request):
    number = request.GET.get("work_order", "").strip()
    work_order = (
        WorkOrder.objects.select_related("device", "requester__person")
        .filter(number=number)
        .first()
    )
    if work_order is None:
        messages.error(
            request,
            _("Open the send-out from a work order: no work order %(number)s.")
            % {"number": number[:64]},
        )
        return redirect("repairs:repair_list")
    refusal = repair_refusal(request.user, None, "create")
    if refusal:
        raise PermissionDenied(refusal)
    vendors = Vendor.objects.restrict(request.user, "view").select_related("supplier")
    offered = selectors.vendor_choices(user=request.user)
    initial = {
        "planned_send_on": timezone.localdate(),
        "carrier": request.user,
        "fault": work_order.description or work_order.title,
    }
    form = forms.RepairForm(request.POST or None, vendors=vendors, offered=offered, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        spare = data.pop("spare_tag")
        result = {}

        def call():
            result["repair"] = services.repair_create(
                actor=request.user, work_order=work_order, spare=spare, **data
            )

        if _run(request, call):
            messages.success(
                request, _("Send-out %(number)s written.") % {"number": result["repair"].number}
            )
            return redirect(result["repair"])
    return render(request, "repairs/repair_form.html", {"form": form, "work_order": work_order})


@login_required
def repair_detail(request, pk):
    try:
        repair = selectors.repair_detail(user=request.user, pk=pk)
    except RepairOrder.DoesNotExist as exc:
        raise Http404 from exc
    user = request.user
    return render(request, "repairs/repair_detail.html", {
        "repair": repair,
        "warranty_extension": warranty_extension_of(source=repair),
        "warranty_form": forms.WarrantyForm(),
        "today": timezone.localdate(),
        "refusals": {a: repair_refusal(user, repair, a) for a in ("send", "return", "report", "cancel", "quote", "warranty")},
        "send_form": forms.SendForm(initial={"lock_version": repair.lock_version}),
        "return_form": forms.ReturnForm(initial={"lock_version": repair.lock_version}),
        "report_form": forms.ReportForm(),
        "part_form": forms.PartForm(),
        "quote_form": forms.QuoteForm(),
        "can_approve_parts": not part_refusal(user, None, "approve"),
        "timeline": audit_timeline(subject=repair),
    })  # fmt: skip


@login_required
@require_POST
def repair_action(request, pk, action):
    repair = _get(RepairOrder.objects, request.user, pk)
    form_class, call = {
        "send": (forms.SendForm, lambda d: services.repair_send(
            actor=request.user, repair=repair, lock_version=d["lock_version"], sent_at=d["sent_at"])),
        "return": (forms.ReturnForm, lambda d: services.repair_return(
            actor=request.user, repair=repair, lock_version=d["lock_version"],
            returned_at=d["returned_at"], note=d["note"], cost=d.get("cost"))),
        "report": (forms.ReportForm, lambda d: services.repair_report_progress(
            actor=request.user, repair=repair, text=d["text"])),
        "cancel": (forms.LockedForm, lambda d: services.repair_cancel(
            actor=request.user, repair=repair, lock_version=d["lock_version"])),
        "part": (forms.PartForm, lambda d: services.part_purchase_create(
            actor=request.user, repair=repair, part=d["part"])),
        "warranty": (forms.WarrantyForm, lambda d: services.repair_extend_warranty(
            actor=request.user, repair=repair, new_end=d["new_end"], terms=d["terms"])),
    }.get(action, (None, None))  # fmt: skip
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif _run(request, lambda: call(form.cleaned_data)):
        messages.success(request, _("Saved."))
    return redirect(repair)


@login_required
def repair_gate_pass(request, pk):
    repair = _get(RepairOrder.objects, request.user, pk)
    if repair.status not in (RepairStatus.PREPARED, RepairStatus.SENT):
        raise Http404
    response = HttpResponse(gate_pass_pdf(repair), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{repair.number}-gate-pass.pdf"'
    return response


@login_required
@require_POST
def part_action(request, pk, action):
    purchase = _get(PartPurchase.objects, request.user, pk)
    user = request.user
    form_class, call = {
        "quote": (forms.QuoteForm, lambda d: services.part_quote_add(actor=user, purchase=purchase, **d)),
        "choose": (forms.ChooseForm, lambda d: services.part_choose(
            actor=user, purchase=purchase, lock_version=d["lock_version"], name=d["name"],
            quote=get_object_or_404(PartQuote, pk=d["quote"], purchase=purchase))),
        "approve": (forms.LockedForm, lambda d: services.part_approve(
            actor=user, purchase=purchase, lock_version=d["lock_version"])),
        "replace": (forms.LockedForm, lambda d: services.part_replace(
            actor=user, purchase=purchase, lock_version=d["lock_version"])),
    }.get(action, (None, None))  # fmt: skip
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif _run(request, lambda: call(form.cleaned_data)):
        messages.success(request, _("Saved."))
    return redirect("repairs:repair_detail", purchase.repair_id)


# --- vendor work orders --------------------------------------------------------------------


def _vendor_fields(user) -> dict:
    return {
        "vendors": Vendor.objects.restrict(user, "view").select_related("supplier"),
        "offered": selectors.vendor_choices(user=user),
    }


@login_required
def vendor_order_list(request):
    status = request.GET.get("status", "")
    if status not in VendorOrderStatus.values:
        status = ""
    rows = selectors.vendor_order_list(user=request.user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "repairs/vendororder_list.html", {
        "page": page, "status": status, "statuses": VendorOrderStatus.choices,
        "can_create": not vendor_order_refusal(request.user, None, "create"),
    })  # fmt: skip


@login_required
def vendor_order_create(request):
    number = request.GET.get("work_order", "").strip()
    work_order = WorkOrder.objects.filter(number=number).select_related("device").first()
    if work_order is None:
        messages.error(
            request,
            _("Open the vendor order from a work order: no work order %(number)s.")
            % {"number": number[:64]},
        )
        return redirect("repairs:vendor_order_list")
    refusal = vendor_order_refusal(request.user, None, "create")
    if refusal:
        raise PermissionDenied(refusal)
    repair = RepairOrder.objects.filter(work_order=work_order).order_by("-created_at").first()
    initial = {
        "product": str(work_order.device or ""), "problem_description": work_order.description or work_order.title,
        "priority": work_order.priority, "service_level": work_order.service_level_id,
        "vendor": repair.vendor_id if repair else None,
    }  # fmt: skip
    form = forms.VendorOrderForm(
        request.POST or None, initial=initial, **_vendor_fields(request.user)
    )
    if request.method == "POST" and form.is_valid():
        result = {}

        def call():
            result["order"] = services.vendor_order_create(
                actor=request.user, work_order=work_order, repair=repair, **form.cleaned_data
            )

        if _run(request, call):
            return redirect(result["order"])
    return render(
        request, "repairs/vendororder_form.html", {"form": form, "work_order": work_order}
    )


@login_required
def vendor_order_edit(request, pk):
    order = _get(VendorOrder.objects, request.user, pk)
    refusal = vendor_order_refusal(request.user, order, "edit")
    if refusal:
        raise PermissionDenied(refusal)
    initial = {name: getattr(order, name) for name in (
        "vendor", "product", "problem_description", "problem_type", "priority", "service_level",
        "requirements", "required_by", "lock_version")}  # fmt: skip
    form = forms.VendorOrderEditForm(
        request.POST or None, initial=initial, **_vendor_fields(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        lock_version = data.pop("lock_version")
        if _run(request, lambda: services.vendor_order_update(
                actor=request.user, order=order, lock_version=lock_version, **data)):  # fmt: skip
            return redirect(order)
    return render(
        request,
        "repairs/vendororder_form.html",
        {"form": form, "work_order": order.work_order, "order": order},
    )


VENDOR_STEPS = {
    # status → (action, form, button label) shown on the detail page
    VendorOrderStatus.DRAFT: ("submit", forms.LockedForm),
    VendorOrderStatus.REJECTED: ("submit", forms.LockedForm),
    VendorOrderStatus.SUBMITTED: ("review", forms.ReviewForm),
    VendorOrderStatus.APPROVED: ("send", forms.LockedForm),
    VendorOrderStatus.SENT: ("sign", forms.SignForm),
    VendorOrderStatus.SIGNED: ("result", forms.ResultForm),
    VendorOrderStatus.RESULT: ("confirm", forms.ConfirmForm),
    VendorOrderStatus.CONFIRMED: ("verify", forms.VerifyForm),
}


@login_required
def vendor_order_detail(request, pk):
    try:
        order = selectors.vendor_order_detail(user=request.user, pk=pk)
    except VendorOrder.DoesNotExist as exc:
        raise Http404 from exc
    step = VENDOR_STEPS.get(order.status)
    step_form = refusal = None
    if step:
        action, form_class = step
        refusal = vendor_order_refusal(request.user, order, action)
        step_form = form_class(initial={"lock_version": order.lock_version})
    problem_number = None
    if order.problem_id:
        from problems.models import Problem

        problem_number = (
            Problem.objects.filter(pk=order.problem_id).values_list("number", flat=True).first()
        )
    return render(request, "repairs/vendororder_detail.html", {
        "order": order, "problem_number": problem_number, "step": step[0] if step else None, "step_form": step_form, "refusal": refusal,
        "can_edit": order.status in ("draft", "rejected") and not vendor_order_refusal(request.user, order, "edit"),
        "timeline": audit_timeline(subject=order),
    })  # fmt: skip


@login_required
@require_POST
def vendor_order_action(request, pk, action):
    order = _get(VendorOrder.objects, request.user, pk)
    user = request.user

    def review(d):
        problem = None
        if d["decision"] == "decline" and d["problem_number"].strip():
            from problems.models import Problem

            problem = Problem.objects.filter(number=d["problem_number"].strip()).first()
            if problem is None:
                raise ValidationError(
                    _("No problem %(number)s.") % {"number": d["problem_number"][:64]}
                )
        return services.vendor_order_review(actor=user, order=order, lock_version=d["lock_version"],
                                            decision=d["decision"], note=d["note"], problem=problem)  # fmt: skip

    calls = {
        "submit": (
            forms.LockedForm,
            lambda d: services.vendor_order_submit(actor=user, order=order, **d),
        ),
        "review": (forms.ReviewForm, review),
        "send": (
            forms.LockedForm,
            lambda d: services.vendor_order_send(actor=user, order=order, **d),
        ),
        "sign": (
            forms.SignForm,
            lambda d: services.vendor_order_sign(actor=user, order=order, **d),
        ),
        "result": (
            forms.ResultForm,
            lambda d: services.vendor_order_record_result(actor=user, order=order, **d),
        ),
        "confirm": (
            forms.ConfirmForm,
            lambda d: services.vendor_order_confirm(actor=user, order=order, **d),
        ),
        "verify": (
            forms.VerifyForm,
            lambda d: services.vendor_order_verify(actor=user, order=order, **d),
        ),
    }
    if action not in calls:
        raise Http404
    form_class, call = calls[action]
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif _run(request, lambda: call(form.cleaned_data)):
        messages.success(request, _("Saved."))
    return redirect(order)


@login_required
def vendor_order_pdf_view(request, pk):
    order = _get(VendorOrder.objects, request.user, pk)
    response = HttpResponse(vendor_order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


# --- vendors, nonconformances, blacklist -------------------------------------------------------


@login_required
def vendor_list(request):
    if not request.user.has_perm("repairs.view_vendor"):
        raise PermissionDenied(_("You cannot see the vendors."))
    return render(
        request, "repairs/vendor_list.html", {"vendors": selectors.vendor_list(user=request.user)}
    )


@login_required
def vendor_detail(request, pk):
    vendor = _get(Vendor.objects, request.user, pk)
    return render(request, "repairs/vendor_detail.html", {
        "vendor": vendor,
        "entries": vendor.blacklist_entries.select_related("application", "removal_application"),
        "nonconformances": selectors.nonconformance_list(user=request.user, vendor=vendor)[:50],
        "orders": selectors.vendor_order_list(user=request.user).filter(vendor=vendor)[:50],
        "timeline": audit_timeline(subject=vendor),
    })  # fmt: skip


@login_required
def nonconformance_list(request):
    rows = selectors.nonconformance_list(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "repairs/nonconformance_list.html", {"page": page})


@login_required
def blacklist_view(request):
    if not request.user.has_perm("repairs.view_blacklistentry"):
        raise PermissionDenied(_("You cannot see the vendor blacklist."))
    return render(request, "repairs/blacklist.html", {
        "entries": selectors.blacklist(user=request.user),
        "applications": selectors.application_list(user=request.user)[:100],
        "can_apply": not application_refusal(request.user, None, "create"),
    })  # fmt: skip


@login_required
def application_create(request):
    refusal = application_refusal(request.user, None, "create")
    if refusal:
        raise PermissionDenied(refusal)
    vendors = Vendor.objects.restrict(request.user, "view").select_related("supplier")
    form = forms.ApplicationForm(
        request.POST or None, vendors=vendors, initial={"vendor": request.GET.get("vendor")}
    )
    if request.method == "POST" and form.is_valid():
        result = {}

        def call():
            result["a"] = services.application_create(actor=request.user, **form.cleaned_data)

        if _run(request, call):
            return redirect(result["a"])
    return render(request, "repairs/application_form.html", {"form": form})


@login_required
def application_detail(request, pk):
    application = _get(BlacklistApplication.objects, request.user, pk)
    user = request.user
    return render(request, "repairs/application_detail.html", {
        "application": application,
        "decisions": application.decisions.select_related("decided_by__person"),
        "edit_refusal": application_refusal(user, application, "edit"),
        "decide_refusal": application_refusal(user, application, "decide"),
        "edit_form": forms.ApplicationEditForm(initial={"lock_version": application.lock_version, "reason": application.reason}),
        "decide_form": forms.DecideForm(initial={"lock_version": application.lock_version}),
        "timeline": audit_timeline(subject=application),
    })  # fmt: skip


@login_required
@require_POST
def application_action(request, pk, action):
    application = _get(BlacklistApplication.objects, request.user, pk)
    user = request.user
    calls = {
        "edit": (forms.ApplicationEditForm, lambda d: services.application_update(actor=user, application=application, **d)),
        "submit": (forms.LockedForm, lambda d: services.application_submit(actor=user, application=application, **d)),
        "discard": (forms.LockedForm, lambda d: services.application_discard(actor=user, application=application, **d)),
        "decide": (forms.DecideForm, lambda d: services.application_decide(actor=user, application=application, **d)),
    }  # fmt: skip
    if action not in calls:
        raise Http404
    form_class, call = calls[action]
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif _run(request, lambda: call(form.cleaned_data)):
        messages.success(request, _("Saved."))
    return redirect(application)
