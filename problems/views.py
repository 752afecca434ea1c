from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from itsm import workflow
from itsm.audit import audit_timeline

from . import forms, selectors, services
from .charts import fishbone_svg, pareto_svg
from .choices import ParetoBasis, ProblemStatus
from .models import FishboneCause
from .permissions import problem_refusal

PAGE_SIZE = 50
SUGGESTION_DAYS = 30


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _readers_only(user):
    refusal = problem_refusal(user, None, "view")
    if refusal:
        raise PermissionDenied(refusal)


def _problem_or_404(request, number):
    problem = selectors.problem_get(user=request.user, number=number)
    if problem is None:
        _readers_only(request.user)
        raise Http404(_("No such problem."))
    return problem


@login_required
@require_GET
def problem_list(request):
    _readers_only(request.user)
    status = request.GET.get("status", "open")
    query = request.GET.get("q", "").strip()[:100]
    problems = selectors.problem_list(user=request.user, status=status, query=query)
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "problems/problem_list.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "statuses": ProblemStatus.choices,
            "can_create": not problem_refusal(request.user, None, "create"),
        },
    )


@login_required
def problem_create(request):
    """Raise a problem, blank or from a suggestion (`?device=` or `?category=`)."""
    workflow.require(problem_refusal(request.user, None, "create"))
    kind = "device" if request.GET.get("device") else "category"
    key = request.GET.get(kind, "")
    work_orders = None
    covering = None
    initial = {"owner": request.user.pk}
    if key.isdecimal():
        covering = selectors.open_problem_covering(kind=kind, key=int(key))
        work_orders = selectors.suggestion_work_orders(
            kind=kind, key=int(key), since_days=SUGGESTION_DAYS
        )
        first = work_orders.first()
        if first is not None:
            subject = first.device if kind == "device" else first.category
            initial.update(
                title=_("Recurring faults: %(subject)s") % {"subject": subject},
                category=first.category_id,
                device=first.device.asset_tag if kind == "device" else "",
                work_orders=[wo.pk for wo in work_orders],
            )
    form = forms.ProblemForm(request.POST or None, initial=initial, work_orders=work_orders)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.problem_create(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                device=data["device"],
                owner=data["owner"],
                work_orders=data.get("work_orders") or (),
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Problem %(number)s raised.") % {"number": problem.number})
            return redirect(problem)
    return render(request, "problems/problem_form.html", {"form": form, "covering": covering})


ACTIONS = {
    # action: (permission rule, form class, service, FSM method name)
    "investigate": ("investigate", forms.NoteForm, services.problem_investigate, "investigate"),
    "root_cause": (
        "root_cause",
        forms.RootCauseForm,
        services.problem_record_root_cause,
        "record_root_cause",
    ),
    "publish_workaround": (
        "publish_workaround",
        forms.WorkaroundForm,
        services.problem_publish_workaround,
        "publish_workaround",
    ),
    "resolve": ("resolve", forms.ResolveForm, services.problem_resolve, "resolve"),
    "close": ("close", forms.NoteForm, services.problem_close, "close"),
}

# Lazy: built at import time, translated when a page renders in the reader's language.
ACTION_LABELS = {
    "investigate": gettext_lazy("Start investigation"),
    "root_cause": gettext_lazy("Record root cause"),
    "publish_workaround": gettext_lazy("Publish workaround (known error)"),
    "resolve": gettext_lazy("Resolve"),
    "close": gettext_lazy("Close"),
}


def _action_forms(user, problem, bound=None):
    result = []
    for name, (rule, form_class, _service, method) in ACTIONS.items():
        if problem_refusal(user, problem, rule):
            continue
        if not can_proceed(getattr(problem, method)):
            continue
        if bound is not None and bound[0] == name:
            form = bound[1]
        else:
            initial = {"lock_version": problem.lock_version}
            if name == "root_cause":
                initial["root_cause"] = problem.root_cause
            elif name == "publish_workaround":
                initial["workaround"] = problem.workaround
            form = form_class(initial=initial, prefix=name)
        result.append((name, str(ACTION_LABELS[name]), form))
    return result


def _render_detail(request, problem, *, bound=None, fishbone_form=None, link_form=None, status=200):
    bones = selectors.problem_causes(problem=problem)
    svg = fishbone_svg(
        effect=problem.title,
        bones=[(label, [c.text for c in causes]) for _value, label, causes in bones],
        label=_("Fishbone diagram: causes of “%(title)s”") % {"title": problem.title},
        described_by="fishbone-causes",
    )
    user = request.user
    return render(
        request,
        "problems/problem_detail.html",
        {
            "problem": problem,
            "work_orders": selectors.problem_work_orders(problem=problem),
            "bones": bones,
            # Built from escaped text only (problems.charts), so safe to embed.
            "fishbone": mark_safe(svg),  # noqa: S308
            "actions": _action_forms(user, problem, bound),
            "can_fishbone": not problem_refusal(user, problem, "fishbone"),
            "can_link": problem.is_open and not problem_refusal(user, problem, "link"),
            "fishbone_form": fishbone_form or forms.FishboneForm(),
            "link_form": link_form or forms.LinkForm(),
            "changes": problem.changes.all() if hasattr(problem, "changes") else [],
            "timeline": audit_timeline(subject=problem),
        },
        status=status,
    )


@login_required
@require_GET
def problem_detail(request, number):
    return _render_detail(request, _problem_or_404(request, number))


@login_required
@require_POST
def problem_act(request, number, action):
    problem = _problem_or_404(request, number)
    if action not in ACTIONS:
        raise Http404
    _rule, form_class, service, _method = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        data = dict(form.cleaned_data)
        lock_version = data.pop("lock_version", None)
        try:
            service(problem=problem, actor=request.user, lock_version=lock_version, **data)
        except (PermissionDenied, workflow.Conflict) as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
            return redirect(problem)
    return _render_detail(request, problem, bound=(action, form), status=400)


@login_required
@require_POST
def problem_link(request, number):
    problem = _problem_or_404(request, number)
    form = forms.LinkForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, problem, link_form=form, status=400)
    try:
        count = services.problem_link_work_orders(
            problem=problem, actor=request.user, work_orders=form.cleaned_data["numbers"]
        )
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("%(count)d work orders linked.") % {"count": count})
    return redirect(problem)


@login_required
@require_POST
def suggestion_link(request, number):
    """Link a suggestion's unlinked work orders to the open problem that already covers it."""
    problem = _problem_or_404(request, number)
    try:
        count = services.problem_link_suggestion(
            problem=problem,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            key=request.POST.get("key", ""),
            since_days=SUGGESTION_DAYS,
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(problem)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("problems:suggestions")
    messages.success(
        request,
        _("%(count)d work orders linked to %(number)s.")
        % {"count": count, "number": problem.number},
    )
    return redirect(problem)


@login_required
@require_POST
def fishbone_add(request, number):
    problem = _problem_or_404(request, number)
    form = forms.FishboneForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, problem, fishbone_form=form, status=400)
    try:
        services.fishbone_cause_add(problem=problem, actor=request.user, **form.cleaned_data)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect(f"{problem.get_absolute_url()}#fishbone")


@login_required
@require_POST
def fishbone_remove(request, number, pk):
    problem = _problem_or_404(request, number)
    cause = get_object_or_404(FishboneCause, pk=pk, problem=problem)
    try:
        services.fishbone_cause_remove(cause=cause, actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(f"{problem.get_absolute_url()}#fishbone")


@login_required
@require_GET
def suggestions(request):
    """Recurring faults the supervisor may want to raise as problems."""
    workflow.require(problem_refusal(request.user, None, "create"))
    return render(
        request,
        "problems/suggestions.html",
        {
            "suggestions": selectors.problem_suggestions(since_days=SUGGESTION_DAYS),
            "days": SUGGESTION_DAYS,
            "threshold": selectors.suggestion_threshold(),
        },
    )


@login_required
@require_GET
def known_errors(request):
    _readers_only(request.user)
    return render(
        request,
        "problems/known_errors.html",
        {"problems": selectors.known_error_list(user=request.user)},
    )


@login_required
@require_GET
def pareto(request):
    _readers_only(request.user)
    today = timezone.localdate()
    form = forms.ParetoForm(
        request.GET or None,
        initial={
            "since": today - timedelta(days=90),
            "until": today,
            "basis": ParetoBasis.CATEGORY,
        },
    )
    if form.is_bound and form.is_valid():
        since, until, basis = (form.cleaned_data[k] for k in ("since", "until", "basis"))
    else:
        since, until, basis = today - timedelta(days=90), today, ParetoBasis.CATEGORY
    data = selectors.pareto_data(since=since, until=until, basis=basis)
    return render(
        request,
        "problems/pareto.html",
        {
            "form": form,
            "data": data,
            # Built from escaped text only (problems.charts), so safe to embed.
            "chart": mark_safe(  # noqa: S308
                pareto_svg(data, label=_("Pareto chart"), described_by="pareto-data")
            ),
        },
    )
