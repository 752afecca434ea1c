"""Release pages: thin over release_selectors and release_services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from itsm import workflow
from itsm.audit import audit_timeline
from servicedesk.choices import Role
from servicedesk.roles import user_has_role

from . import forms, permissions
from . import release_selectors as selectors
from . import release_services as services
from .choices import ReleaseStatus, ReleaseType
from .models.releases import PRE_DEPLOYMENT
from .permissions import release_refusal
from .views import impact_shown

PAGE_SIZE = 50


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _readers_only(user):
    workflow.require(release_refusal(user, None, "view"))


def _release_or_404(request, number):
    release = selectors.release_get(user=request.user, number=number)
    if release is None:
        _readers_only(request.user)
        raise Http404(_("No such release."))
    return release


@login_required
@require_GET
def release_list(request):
    _readers_only(request.user)
    status = request.GET.get("status", "")
    type_ = request.GET.get("type", "")
    application = request.GET.get("application", "").strip()[:100]
    query = request.GET.get("q", "").strip()[:100]
    releases = selectors.release_list(
        user=request.user, status=status, type=type_, application=application, query=query
    )
    page = Paginator(releases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "changes/release_list.html",
        {
            "page": page,
            "status": status,
            "type": type_,
            "application": application,
            "q": query,
            "statuses": ReleaseStatus.choices,
            "types": ReleaseType.choices,
            "applications": selectors.release_applications(user=request.user),
            "can_create": not release_refusal(request.user, None, "create"),
        },
    )


def _form_kwargs(data):
    fields = {k: v for k, v in data.items() if k not in ("changes", "items")}
    return fields, data.get("changes") or [], data.get("items") or []


@login_required
def release_create(request):
    workflow.require(release_refusal(request.user, None, "create"))
    initial = {"manager": request.user.pk}
    if request.GET.get("change"):
        initial["changes"] = request.GET["change"][:64]
    form = forms.ReleaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields, changes, items = _form_kwargs(form.cleaned_data)
        try:
            release = services.release_create(
                actor=request.user, changes=changes, items=items, **fields
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Release %(number)s planned.") % {"number": release.number})
            return redirect(release)
    return render(request, "changes/release_form.html", {"form": form})


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, _error_text(exc))


@login_required
def release_edit(request, number):
    release = _release_or_404(request, number)
    workflow.require(release_refusal(request.user, release, "edit"))
    if release.status not in services.EDITABLE_STATUSES:
        messages.error(request, _("Only a planned or rejected release can be edited."))
        return redirect(release)
    zone = timezone.get_current_timezone()
    initial = {
        **{name: getattr(release, name) for name in services.CONTENT_FIELDS},
        "changes": ", ".join(c.number for c in release.changes.order_by("number")),
        "items": "\n".join(i.asset_tag for i in release.items.order_by("asset_tag")),
        "planned_start": release.planned_start and timezone.localtime(release.planned_start, zone),
        "planned_end": release.planned_end and timezone.localtime(release.planned_end, zone),
        "manager": release.manager_id,
        "lock_version": release.lock_version,
    }
    form = forms.ReleaseForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        # The lock_version the page was drawn from, not the one read in this request:
        # a save over someone else's newer edit is refused, the user's input kept.
        fields, changes, items = _form_kwargs(form.content())
        try:
            services.release_update(
                release=release,
                actor=request.user,
                lock_version=form.cleaned_data["lock_version"],
                changes=changes,
                items=items,
                **fields,
            )
        except workflow.Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Release saved."))
            return redirect(release)
    return render(request, "changes/release_form.html", {"form": form, "release": release})


# action: (rule or None for approvers, form, service, label)
ACTIONS = {
    "build": ("build", forms.NoteForm, services.release_build, gettext_lazy("Mark built")),
    "test": (
        "test",
        forms.ReleaseTestForm,
        services.release_test_record_add,
        gettext_lazy("Record test"),
    ),
    "mark_tested": (
        "test",
        forms.NoteForm,
        services.release_mark_tested,
        gettext_lazy("Mark tested and ask for authorisation"),
    ),
    "authorise": (
        None,
        forms.DecisionForm,
        services.release_authorise,
        gettext_lazy("Authorise"),
    ),
    "reject": (None, forms.DecisionForm, services.release_reject, gettext_lazy("Reject")),
    "revise": (
        "revise",
        forms.NoteForm,
        services.release_revise,
        gettext_lazy("Revise (back to planned)"),
    ),
    "deploy": ("deploy", forms.OutcomeForm, services.release_deploy, gettext_lazy("Deploy")),
    "fail": (
        "deploy",
        forms.OutcomeForm,
        services.release_fail,
        gettext_lazy("Deployment failed"),
    ),
    "roll_back": (
        "deploy",
        forms.OutcomeForm,
        services.release_roll_back,
        gettext_lazy("Rolled back"),
    ),
    "reschedule": (
        "reschedule",
        forms.RescheduleForm,
        services.release_reschedule,
        gettext_lazy("Reschedule"),
    ),
    "close": ("close", forms.NoteForm, services.release_close, gettext_lazy("Close")),
    "cancel": ("cancel", forms.CancelForm, services.release_cancel, gettext_lazy("Cancel release")),
}
DANGER = {"reject", "fail", "roll_back", "cancel"}


def _possible(release, name) -> bool:
    """Whether the state machine allows `name` now (the finer rules are the services')."""
    status = release.status
    return {
        "build": can_proceed(release.mark_built),
        "test": status == ReleaseStatus.BUILT,
        "mark_tested": can_proceed(release.mark_tested),
        "authorise": status == ReleaseStatus.TESTED,
        "reject": status == ReleaseStatus.TESTED,
        "revise": can_proceed(release.revise),
        "deploy": status in PRE_DEPLOYMENT,
        "fail": can_proceed(release.fail),
        "roll_back": can_proceed(release.roll_back),
        "reschedule": status in PRE_DEPLOYMENT,
        "close": can_proceed(release.close),
        "cancel": can_proceed(release.cancel),
    }[name]


def _action_states(user, release, approvals, summary):
    """[(name, label, show_form, reason)] for the actions that make sense now.

    An action whose state allows it but whose rules refuse it comes with the reason, so the
    page says why (not tested, not authorised, your own release…). Deploying and marking
    tested keep their form while not ready, so trying shows the service's refusal too."""
    states = []
    slot_refusal = services.approval_refusal(user, release, approvals)
    approver_like = user_has_role(user, Role.APPROVER, *permissions.MANAGER_ROLES)
    for name, (rule, _form, _service, label) in ACTIONS.items():
        if not _possible(release, name):
            continue
        if rule is None:
            if not slot_refusal:
                states.append((name, label, True, ""))
            elif name == "authorise" and approver_like:
                states.append((name, label, False, slot_refusal))
            continue
        refusal = release_refusal(user, release, rule)
        if refusal:
            if name == "deploy" and release.status == ReleaseStatus.AUTHORISED:
                states.append((name, label, False, refusal))
            continue
        if name == "deploy":
            blockers = services.deploy_blockers(release, approvals=approvals, summary=summary)
            states.append((name, label, True, " ".join(blockers)))
        elif name == "mark_tested":
            states.append((name, label, True, " ".join(services.tested_blockers(release, summary))))
        else:
            states.append((name, label, True, ""))
    return states


def _render_detail(request, release, *, bound=None, status=200):
    approvals = services.current_approvals(release)
    records = selectors.release_test_records(release=release)
    summary = services.testing_summary(release, records)
    actions, unavailable = [], []
    for name, label, show_form, reason in _action_states(request.user, release, approvals, summary):
        if not show_form:
            unavailable.append((str(label), reason))
            continue
        form_class = ACTIONS[name][1]
        if bound is not None and bound[0] == name:
            form = bound[1]
        else:
            initial = {"lock_version": release.lock_version}
            if name == "reschedule":
                zone = timezone.get_current_timezone()
                initial.update(
                    planned_start=release.planned_start
                    and timezone.localtime(release.planned_start, zone),
                    planned_end=release.planned_end
                    and timezone.localtime(release.planned_end, zone),
                )
            form = form_class(initial=initial, prefix=name)
        actions.append((name, str(label), form, reason, name in DANGER))
    items = selectors.release_affected_items(release=release)
    impact = selectors.release_impact(release=release, items=items)
    own_items = set(release.items.values_list("pk", flat=True))
    current_ids = {r.pk for r in summary.latest.values()}
    return render(
        request,
        "changes/release_detail.html",
        {
            "release": release,
            "changes": selectors.release_changes(release=release),
            "items": items,
            "own_items": own_items,
            "impact": impact,
            **impact_shown(request.user, impact),
            "records": records,
            "current_ids": current_ids,
            "summary": summary,
            "approvals": approvals,
            "slot": services.approval_slot_for(request.user, release, approvals),
            "log_entries": release.log_entries.select_related("actor__person")[:100],
            "actions": actions,
            "unavailable": unavailable,
            "notice_hours": int(services.notice_ahead().total_seconds() // 3600),
            "can_edit": release.status in services.EDITABLE_STATUSES
            and not release_refusal(request.user, release, "edit"),
            "timeline": audit_timeline(subject=release),
        },
        status=status,
    )


@login_required
@require_GET
def release_detail(request, number):
    return _render_detail(request, _release_or_404(request, number))


@login_required
@require_POST
def release_act(request, number, action):
    release = _release_or_404(request, number)
    if action not in ACTIONS:
        raise Http404
    _rule, form_class, service, label = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = dict(form.cleaned_data)
        lock_version = data.pop("lock_version", None)
        try:
            service(release=release, actor=request.user, lock_version=lock_version, **data)
        except (PermissionDenied, workflow.Conflict) as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": label})
        return redirect(release)
    return _render_detail(request, release, bound=(action, form), status=400)
