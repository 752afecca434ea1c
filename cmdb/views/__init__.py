from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .. import device_links, selectors, services
from ..barcodes import code128_svg
from ..forms import CIFieldEditForm, CIFilterForm, LabelForm
from ..graph import impact_graph
from ..labels import LAYOUTS, MAX_LABELS, label_lines, labels_pdf
from ..permissions import ci_refusal

PAGE_SIZE = 50


def _item_or_404(request, pk):
    ci = selectors.ci_get(user=request.user, pk=pk)
    if ci is None:
        raise Http404(_("No such item, or not yours to see."))
    return ci


@login_required
@require_GET
def ci_list(request):
    form = CIFilterForm(request.GET or None)
    items = selectors.ci_list(user=request.user, **form.selector_kwargs())
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cmdb/ci_list.html",
        {
            "form": form,
            "page": page,
            "sees_all": selectors.sees_all_items(request.user),
            "label_form": LabelForm(),
            "can_import": not ci_refusal(request.user, None, "import"),
            "export_query": _without_page(request.GET),
        },
    )


@login_required
@require_GET
def ci_detail(request, pk):
    ci = _item_or_404(request, pk)
    schema = ci.ci_class.attribute_schema or []
    attributes = [
        (spec.get("label") or spec["key"], ci.attributes[spec["key"]])
        for spec in schema
        if spec["key"] in (ci.attributes or {})
    ]
    return render(
        request,
        "cmdb/ci_detail.html",
        {
            "ci": ci,
            "attributes": attributes,
            "children": selectors.ci_children(ci=ci),
            "relationships": selectors.ci_relationships(user=request.user, ci=ci),
            "timeline": selectors.ci_timeline(ci=ci),
            "warranty_extensions": selectors.ci_warranty_extensions(ci=ci),
            "service_level": ci.effective_service_level(),
            "sees_all": selectors.sees_all_items(request.user),
            # Work orders, changes, inspections: the later processes' panels.
            "panels": device_links.panels_for(request.user, ci),
            "can_edit": not ci_refusal(request.user, ci, "change"),
            **_software_panel(request.user, ci),
        },
    )


def _software_panel(user, ci) -> dict:
    """The item's installed software, for who may see software (staff)."""
    from ..permissions import software_refusal
    from ..software import ci_installations, licence_options

    if not user.has_perm("cmdb.view_softwareinstallation"):
        return {"show_software": False}
    installations = ci_installations(user=user, ci=ci)
    can_licence = not software_refusal(user, None, "licence")
    if can_licence:
        options = licence_options(installations)
        for installation in installations:
            installation.licence_options = options.get(installation.product_id, [])
    return {
        "show_software": True,
        "installations": installations,
        "can_record_software": not software_refusal(user, None, "record"),
        "can_remove_software": not software_refusal(user, None, "remove"),
        "can_licence_software": can_licence,
    }


@login_required
@require_http_methods(["GET", "POST"])
def ci_edit(request, pk):
    """The desk or an engineer corrects location, user, IP and seal for a work order."""
    from django.core.exceptions import ValidationError

    from ..services.field_edits import ci_field_edit

    ci = _item_or_404(request, pk)
    refusal = ci_refusal(request.user, ci, "change")
    if refusal:
        raise PermissionDenied(refusal)
    initial_order = request.GET.get("work_order", "")[:64]
    form = CIFieldEditForm(request.POST or None, ci=ci)
    if not form.is_bound and initial_order:
        form.initial["work_order"] = initial_order
    if request.method == "POST" and form.is_valid():
        try:
            ci_field_edit(
                actor=request.user,
                ci=ci,
                work_order=form.cleaned_data["work_order"],
                seen_updated_at=form.cleaned_data["seen"],
                seal_checked=form.cleaned_data["seal_checked"],
                **form.changes(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Item updated; the change is noted on the work order."))
            return redirect(ci)
    return render(request, "cmdb/ci_edit.html", {"ci": ci, "form": form})


# What the impact page lists of a large impact (VIPs first, nearest items first).
USERS_SHOWN = 100
ITEMS_SHOWN = 500


@login_required
@require_GET
def ci_impact(request, pk):
    if not selectors.sees_all_items(request.user):
        raise PermissionDenied
    ci = _item_or_404(request, pk)
    impact = services.ci_impact(ci=ci)
    return render(
        request,
        "cmdb/ci_impact.html",
        {
            "ci": ci,
            "impact": impact,
            "graph": impact_graph(impact),
            # The counts are complete; the lists stop where a reader would.
            "users": [(user, impact.user_level(user)) for user in impact.users[:USERS_SHOWN]],
            "items": impact.items[:ITEMS_SHOWN],
            "items_shown": ITEMS_SHOWN,
        },
    )


@login_required
@require_GET
def scan(request):
    """A USB scanner types the tag and Enter into the field: land on the item."""
    tag = request.GET.get("tag", "").strip()
    if tag:
        ci = selectors.ci_find_by_tag(tag=tag)
        if ci is not None and selectors.ci_get(user=request.user, pk=ci.pk) is not None:
            return redirect(ci)
        messages.warning(request, _("No item with the tag %(tag)s.") % {"tag": tag[:50]})
    return render(request, "cmdb/scan.html", {"tag": tag})


@login_required
@require_GET
def ci_label(request, pk):
    ci = _item_or_404(request, pk)
    layout = request.GET.get("layout", "")
    layout = layout if layout in LAYOUTS else "single"
    pdf = labels_pdf([ci], layout=layout, title=ci.asset_tag)
    return _pdf_response(pdf, f"label-{ci.pk}.pdf")


@login_required
@require_GET
def ci_label_preview(request, pk):
    """What the printed label holds, with its barcode, before printing it."""
    ci = _item_or_404(request, pk)
    return render(
        request,
        "cmdb/ci_label_preview.html",
        {"ci": ci, "lines": label_lines(ci), "layouts": LAYOUTS.values()},
    )


@login_required
@require_GET
def ci_barcode(request, pk):
    """The item's asset tag as a Code128 SVG image (python-barcode).

    Served as an image for <img>: no script can run in it (CSP), and browsers must not
    sniff it as anything else.
    """
    ci = _item_or_404(request, pk)
    svg = code128_svg(ci.asset_tag)
    if svg is None:
        raise Http404(_("This asset tag cannot be written as a Code128 barcode."))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def ci_labels(request):
    """A sheet of labels: the ticked items, or every item the list's filters match."""
    form = LabelForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Choose a label layout."))
        return redirect("cmdb:ci_list")
    items = selectors.ci_list(user=request.user, **CIFilterForm(request.GET).selector_kwargs())
    ids = form.cleaned_data["id"]
    if ids:
        items = items.filter(pk__in=ids)
    items = list(items.select_related("supplier")[: MAX_LABELS + 1])
    if len(items) > MAX_LABELS:
        messages.error(
            request,
            _("More than %(max)s items match; narrow the filters.") % {"max": MAX_LABELS},
        )
        return redirect("cmdb:ci_list")
    pdf = labels_pdf(items, layout=form.cleaned_data["layout"] or "a4-2x5")
    return _pdf_response(pdf, "labels.pdf")


def _without_page(query) -> str:
    query = query.copy()
    query.pop("page", None)
    query.pop("format", None)
    return query.urlencode()


def _pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def ci_export(request):
    """The list page's current filters, as CSV (streamed) or Excel."""
    from ..exports import csv_response, xlsx_response

    items = selectors.ci_list(user=request.user, **CIFilterForm(request.GET).selector_kwargs())
    if request.GET.get("format") == "xlsx":
        return xlsx_response(items)
    return csv_response(items)
