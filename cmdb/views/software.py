"""Software and licence compliance; the responsible-person rule and its fixes."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from itsm import workflow

from ..choices import InstallationSource, ResponsibleBreach
from ..models import ConfigurationItem, SoftwareInstallation, SoftwareLicence
from ..permissions import (
    responsible_refusal,
    sees_all_items,
    sees_licence_keys,
    software_refusal,
)
from ..responsibility import breach_counts, responsible_breaches
from ..services import responsibility as rule_services
from ..services import software as software_services
from ..services.software import parse_titles
from ..software import licence_list, software_compliance, unlicensed_installations

PAGE_SIZE = 50


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Software and licences ---------------------------------------------------------------


@login_required
@require_GET
def software_compliance_page(request):
    """Seats owned against installations per product, licences, and unlicensed installs."""
    if not request.user.has_perm("cmdb.view_softwareproduct"):
        raise PermissionDenied
    rows = software_compliance(user=request.user)
    unlicensed = Paginator(unlicensed_installations(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cmdb/software_compliance.html",
        {
            "rows": rows,
            "over_count": sum(1 for row in rows if row.over_deployed),
            "licences": licence_list(user=request.user),
            "page": unlicensed,
            "show_keys": sees_licence_keys(request.user),
        },
    )


@login_required
@require_POST
def ci_software_record(request, pk):
    """Record software seen on an item by hand (one title per line)."""
    ci = get_object_or_404(ConfigurationItem.objects.restrict(request.user, "view"), pk=pk)
    workflow.require(software_refusal(request.user, None, "record"))
    titles = parse_titles(request.POST.get("titles", ""))
    if not titles:
        messages.error(request, _("Name the software, one title per line."))
    else:
        software_services.installations_record(
            actor=request.user, ci=ci, titles=titles, source=InstallationSource.MANUAL
        )
        messages.success(request, _("Recorded: %(titles)s.") % {"titles": "; ".join(titles)})
    return redirect(ci.get_absolute_url() + "#software")


@login_required
@require_POST
def installation_remove(request, pk):
    installation = get_object_or_404(
        SoftwareInstallation.objects.restrict(request.user, "view").select_related("ci"), pk=pk
    )
    software_services.installation_remove(actor=request.user, installation=installation)
    messages.success(request, _("Removed from the item."))
    return redirect(installation.ci.get_absolute_url() + "#software")


@login_required
@require_POST
def installation_licence(request, pk):
    """Count an installation against one of its product's licences (or none)."""
    installation = get_object_or_404(
        SoftwareInstallation.objects.restrict(request.user, "view").select_related("ci"), pk=pk
    )
    chosen = request.POST.get("licence", "")
    licence = None
    if chosen.isdecimal():
        licence = SoftwareLicence.objects.filter(pk=int(chosen)).first()
    try:
        software_services.installation_set_licence(
            actor=request.user, installation=installation, licence=licence
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Licence saved."))
    return redirect(installation.ci.get_absolute_url() + "#software")


# --- The responsible-person rule ---------------------------------------------------------


@login_required
@require_GET
def responsible_breach_list(request):
    """Assets breaking the rule, by kind, with the fix each needs."""
    if not sees_all_items(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    if kind not in ResponsibleBreach.values:
        kind = ""
    breaches = responsible_breaches(user=request.user)
    counts = breach_counts(breaches)
    shown = [b for b in breaches if b.kind == kind] if kind else breaches
    return render(
        request,
        "cmdb/responsible_breaches.html",
        {
            "page": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")),
            "kinds": [(value, label, counts[value]) for value, label in ResponsibleBreach.choices],
            "kind": kind,
            "total": len(breaches),
            "can_fix": not responsible_refusal(request.user, None, "apply"),
        },
    )


def _find_user(text: str):
    """An active user by user name or employee number (exact, ignoring case)."""
    text = text.strip()
    if not text:
        return None
    matches = list(
        get_user_model()
        .objects.filter(Q(username__iexact=text) | Q(person__employee_number__iexact=text))
        .select_related("person")[:2]
    )
    return matches[0] if len(matches) == 1 else None


@login_required
@require_POST
def responsible_assign(request, pk):
    ci = get_object_or_404(ConfigurationItem.objects.restrict(request.user, "view"), pk=pk)
    workflow.require(responsible_refusal(request.user, ci, "assign"))
    back = (
        ci.get_absolute_url() if request.POST.get("next") == "ci" else "cmdb:responsible_breaches"
    )
    user = _find_user(request.POST.get("user", ""))
    if user is None:
        messages.error(
            request,
            _("No one with the user name or employee number “%(text)s”.")
            % {"text": request.POST.get("user", "")[:50]},
        )
        return redirect(back)
    try:
        rule_services.responsible_assign(actor=request.user, ci=ci, user=user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("%(tag)s: responsible person is now %(name)s.")
            % {"tag": ci.asset_tag, "name": rule_services.person_label(user)},
        )
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def responsible_apply(request):
    """Dry run (GET) and apply (POST) the code-order rule to every shared device."""
    workflow.require(responsible_refusal(request.user, None, "apply"))
    if request.method == "POST":
        fixes = rule_services.shared_responsible_apply(actor=request.user, dry_run=False)
        messages.success(
            request,
            _("%(count)s shared devices now follow the code-order rule.") % {"count": len(fixes)},
        )
        return redirect("cmdb:responsible_breaches")
    fixes = rule_services.shared_responsible_apply(actor=request.user, dry_run=True)
    return render(request, "cmdb/responsible_apply.html", {"fixes": fixes})
