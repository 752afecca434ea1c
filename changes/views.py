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

from . import forms, selectors, services
from .choices import ChangeStatus, ChangeType
from .models import ChangeTemplate
from .permissions import change_refusal, release_refusal
from .signoff import signs_for

PAGE_SIZE = 50


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _readers_only(user):
    workflow.require(change_refusal(user, None, "view"))


def _change_or_404(request, number):
    change = selectors.change_get(user=request.user, number=number)
    if change is None:
        _readers_only(request.user)
        raise Http404(_("No such change."))
    return change


@login_required
@require_GET
def change_list(request):
    _readers_only(request.user)
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    changes = selectors.change_list(user=request.user, status=status, query=query)
    page = Paginator(changes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "changes/change_list.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "statuses": ChangeStatus.choices,
            "can_create": not change_refusal(request.user, None, "create"),
            "templates": ChangeTemplate.objects.filter(is_active=True),
        },
    )


def _form_kwargs(data):
    fields = {k: v for k, v in data.items() if k not in ("affected_items", "problems")}
    return fields, data.get("affected_items") or [], data.get("problems") or []


@login_required
def change_create(request):
    workflow.require(change_refusal(request.user, None, "create"))
    template = None
    template_id = request.GET.get("template", "")
    if template_id.isdecimal():
        template = ChangeTemplate.objects.filter(pk=int(template_id), is_active=True).first()
    initial = {"owner": request.user.pk}
    if template is not None:
        initial.update(
            summary=template.summary,
            reason=template.reason,
            risk=template.risk,
            implementation_plan=template.implementation_plan,
            test_plan=template.test_plan,
            rollback_plan=template.rollback_plan,
        )
    if request.GET.get("problem"):
        initial["problems"] = request.GET["problem"][:64]
    form = forms.ChangeForm(request.POST or None, initial=initial, template=template)
    if request.method == "POST" and form.is_valid():
        fields, items, problems = _form_kwargs(form.cleaned_data)
        try:
            change = services.change_create(
                actor=request.user,
                template=template,
                affected_items=items,
                problems=problems,
                **fields,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(
                request, _("Change %(number)s saved as a draft.") % {"number": change.number}
            )
            return redirect(change)
    return render(request, "changes/change_form.html", {"form": form, "template": template})


@login_required
def change_edit(request, number):
    change = _change_or_404(request, number)
    workflow.require(change_refusal(request.user, change, "edit"))
    if change.status != ChangeStatus.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect(change)
    zone = timezone.get_current_timezone()
    initial = {
        "summary": change.summary,
        "type": change.type,
        "risk": change.risk,
        "reason": change.reason,
        "affected_items": "\n".join(i.asset_tag for i in change.affected_items.all()),
        "problems": ", ".join(p.number for p in change.problems.all()),
        "implementation_plan": change.implementation_plan,
        "test_plan": change.test_plan,
        "rollback_plan": change.rollback_plan,
        "planned_start": change.planned_start and timezone.localtime(change.planned_start, zone),
        "planned_end": change.planned_end and timezone.localtime(change.planned_end, zone),
        "owner": change.owner_id,
        "lock_version": change.lock_version,
    }
    form = forms.ChangeForm(
        request.POST or None, initial=initial, template=change.template, editing=True
    )
    if request.method == "POST" and form.is_valid():
        # The lock_version the page was drawn from, not the one read in this request:
        # a save over someone else's newer edit is refused, the user's input kept.
        fields, items, problems = _form_kwargs(form.content())
        try:
            services.change_update(
                change=change,
                actor=request.user,
                lock_version=form.cleaned_data["lock_version"],
                affected_items=items,
                problems=problems,
                **fields,
            )
        except workflow.Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Change saved."))
            return redirect(change)
    return render(
        request, "changes/change_form.html", {"form": form, "change": change, "template": None}
    )


# action: (rule or None for CAB decisions, form, service, FSM method or None, label)
ACTIONS = {
    "submit": ("submit", forms.NoteForm, services.change_submit, "submit", gettext_lazy("Submit")),
    "assess": (
        "assess",
        forms.AssessForm,
        services.change_assess,
        "assess",
        gettext_lazy("Assess"),
    ),
    "request_approval": (
        "request_approval",
        forms.NoteForm,
        services.change_request_approval,
        "request_approval",
        gettext_lazy("Send to the CAB for approval"),
    ),
    "approve": (None, forms.DecisionForm, services.change_approve, None, gettext_lazy("Approve")),
    "reject": (None, forms.DecisionForm, services.change_reject, None, gettext_lazy("Reject")),
    "revise": (
        "revise",
        forms.NoteForm,
        services.change_revise,
        "revise",
        gettext_lazy("Revise (back to draft)"),
    ),
    "schedule": (
        "schedule",
        forms.NoteForm,
        services.change_schedule,
        "schedule",
        gettext_lazy("Schedule"),
    ),
    "start": (
        "start",
        forms.NoteForm,
        services.change_start,
        "start",
        gettext_lazy("Start implementation"),
    ),
    "complete": (
        "complete",
        forms.OutcomeForm,
        services.change_complete,
        "complete",
        gettext_lazy("Implemented"),
    ),
    "fail": ("fail", forms.OutcomeForm, services.change_fail, "fail", gettext_lazy("Failed")),
    "roll_back": (
        "roll_back",
        forms.OutcomeForm,
        services.change_roll_back,
        "roll_back",
        gettext_lazy("Rolled back"),
    ),
    "review": (
        "review",
        forms.ReviewForm,
        services.change_review,
        "review",
        gettext_lazy("Review"),
    ),
    "close": ("close", forms.NoteForm, services.change_close, None, gettext_lazy("Close")),
}


def _available(user, change, slot) -> list[str]:
    names = []
    for name, (rule, _form, _service, method, _label) in ACTIONS.items():
        if rule is None:
            if slot is not None:
                names.append(name)
            continue
        if change_refusal(user, change, rule):
            continue
        if name == "close":
            ok = can_proceed(change.close) or (
                change.status == ChangeStatus.IMPLEMENTED and not change.is_emergency
            )
        elif name == "request_approval":
            ok = can_proceed(change.request_approval) and change.type != ChangeType.STANDARD
        elif name == "assess":
            ok = can_proceed(change.assess)
        else:
            ok = can_proceed(getattr(change, method))
        if ok:
            names.append(name)
    return names


# What a change or release page lists of its impact (VIPs first, nearest items first);
# the counts above the lists are complete, each item links to its full impact page.
IMPACT_ITEMS_SHOWN = 50
IMPACT_USERS_SHOWN = 100


def impact_shown(user, impact) -> dict:
    """The capped lists of a ChangeImpact for a detail page."""
    from cmdb.selectors import sees_all_items

    return {
        "impact_items": impact.items[:IMPACT_ITEMS_SHOWN],
        "impact_users": [(u, impact.user_level(u)) for u in impact.users[:IMPACT_USERS_SHOWN]],
        "can_see_impact": sees_all_items(user),
    }


def _approval_shown_refusal(user, change, approvals) -> str:
    """Why `user` cannot sign (services.approval_refusal, the rule the service applies),
    shown only to those it concerns: a board member, on a change awaiting its decision."""
    concerned = change.status == ChangeStatus.AWAITING_APPROVAL and any(
        signs_for(user, a) for a in approvals
    )
    return services.approval_refusal(user, change, approvals) if concerned else ""


def _render_detail(request, change, *, bound=None, status=200):
    approvals = services.current_approvals(change)
    slot = services.approval_slot_for(request.user, change, approvals)
    actions = []
    for name in _available(request.user, change, slot):
        _rule, form_class, _service, _method, label = ACTIONS[name]
        if bound is not None and bound[0] == name:
            form = bound[1]
        else:
            form = form_class(initial={"lock_version": change.lock_version}, prefix=name)
        actions.append((name, str(label), form))
    items = selectors.change_items(change=change)
    impact = selectors.change_impact(change=change, items=items)
    return render(
        request,
        "changes/change_detail.html",
        {
            "change": change,
            "items": items,
            "impact": impact,
            **impact_shown(request.user, impact),
            "approvals": approvals,
            "slot": slot,
            "approval_refusal": _approval_shown_refusal(request.user, change, approvals),
            # After signing, the page says what the user decided, not that they "cannot".
            "my_approval": next(
                (a for a in approvals if a.approver_id == request.user.pk and a.decided_at), None
            ),
            "conflicts": selectors.change_conflicts_for(change=change),
            "freezes": (
                services.freezes_overlapping(change.planned_start, change.planned_end)
                if change.planned_start and change.planned_end
                else []
            ),
            "problems": change.problems.all(),
            "releases": change.releases.order_by("-created_at"),
            "can_plan_release": not release_refusal(request.user, None, "create"),
            "log_entries": change.log_entries.select_related("actor__person")[:100],
            "actions": actions,
            "can_edit": change.status == ChangeStatus.DRAFT
            and not change_refusal(request.user, change, "edit"),
            "timeline": audit_timeline(subject=change),
        },
        status=status,
    )


@login_required
@require_GET
def change_detail(request, number):
    change = _change_or_404(request, number)
    if change_refusal(request.user, None, "view"):
        # An end user sees their own request on its own page (changes.requests).
        return redirect("changes:request_detail", number=change.number)
    return _render_detail(request, change)


@login_required
@require_POST
def change_act(request, number, action):
    change = _change_or_404(request, number)
    if action not in ACTIONS:
        raise Http404
    _rule, form_class, service, _method, label = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = dict(form.cleaned_data)
        lock_version = data.pop("lock_version", None)
        try:
            service(change=change, actor=request.user, lock_version=lock_version, **data)
        except (PermissionDenied, workflow.Conflict) as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": label})
            if action == "schedule":
                clashes = selectors.change_conflicts_for(change=change)
                if clashes:
                    messages.warning(
                        request,
                        _("Conflicts with %(changes)s on the same items in overlapping windows.")
                        % {"changes": ", ".join(sorted({c.number for c, _i in clashes}))},
                    )
            return redirect(change)
    return _render_detail(request, change, bound=(action, form), status=400)


@login_required
@require_GET
def change_calendar(request):
    _readers_only(request.user)
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise ValueError
    except ValueError:
        year, month = today.year, today.month
    cal = selectors.change_calendar(user=request.user, year=year, month=month)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return render(
        request,
        "changes/calendar.html",
        {
            "cal": cal,
            "today": today,
            "previous": "%04d-%02d" % previous,
            "following": "%04d-%02d" % following,
        },
    )


@login_required
@require_GET
def change_log(request):
    _readers_only(request.user)
    entries = selectors.change_log_list(user=request.user)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "changes/change_log.html", {"page": page})
