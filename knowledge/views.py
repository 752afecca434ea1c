"""Knowledge pages: thin over knowledge.selectors (reads) and knowledge.services (writes)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from itsm import workflow
from itsm.audit import audit_timeline

from . import drafts, permissions, selectors, services, suggest_cache
from .choices import Status
from .forms import FeedbackForm, ListFilterForm, MergeForm, NoteForm, RecordForm
from .permissions import record_refusal

PAGE_SIZE = 30
QUERY_MAX = suggest_cache.QUERY_MAX


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _record_or_successor(request, number):
    """The record, or a redirect to what replaced it when `user` may no longer open it."""
    try:
        return selectors.record_get(user=request.user, number=number), None
    except Http404:
        successor = selectors.record_successor(user=request.user, number=number)
        if successor is None:
            raise
        return None, redirect(successor)


# --- everyone ------------------------------------------------------------------------


@login_required
@require_GET
def search(request):
    """The knowledge base's front page: a search box, ranked results, or the most helpful."""
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    results = selectors.record_search(user=request.user, query=query) if query else None
    return render(
        request,
        "knowledge/search.html",
        {
            "query": query,
            "results": results,
            "popular": None if query else selectors.record_popular(user=request.user),
            "staff": permissions.is_staff(request.user),
            "can_write": permissions.can_write(request.user),
        },
    )


@login_required
@require_GET
def suggest(request):
    """HTML partial: the top five published records for what the asker is typing.

    Takes `q`, or the fault form's own `title` and `description` fields (so htmx can
    send the form fields as they are); `from=report` marks the links so a "this helped"
    answer counts as a deflected fault.
    """
    query = request.GET.get("q") or " ".join(
        request.GET.get(name, "") for name in ("title", "description")
    )
    query = query.strip()[:QUERY_MAX]
    staff = permissions.is_staff(request.user)
    source = request.GET.get("from", "")[:20]
    # The answer is the same for everyone of the same audience until a record changes,
    # so it is cached as drawn (knowledge.suggest_cache; the work-order page reads it too).
    key = suggest_cache.cache_key(request.user, query, source)
    html = cache.get(key) if key is not None else None
    if html is not None:
        return HttpResponse(html)
    records = selectors.record_suggest(user=request.user, query=query) if query else []
    response = render(
        request,
        "knowledge/_suggestions.html",
        # Staff read "matching records", not the end user's "before you report".
        {"records": records, "query": query, "source": source, "staff": staff},
    )
    suggest_cache.store(key, response.content.decode())
    return response


@login_required
@require_GET
def detail(request, number):
    record, moved = _record_or_successor(request, number)
    if moved is not None:
        messages.info(request, _("That record was replaced; this is the current one."))
        return moved
    user = request.user
    services.record_viewed(record=record)
    staff = permissions.is_staff(user)
    context = {
        "record": record,
        "staff": staff,
        "from_report": request.GET.get("from") == "report",
        "feedback": selectors.user_feedback(user=user, record=record),
        "feedback_form": FeedbackForm(),
    }
    if staff:
        context.update(
            {
                "similar": selectors.record_similar(record=record, user=user),
                "versions": selectors.record_versions(record=record),
                "timeline": audit_timeline(subject=record),
                "actions": _available_actions(user, record),
                "can_curate": permissions.can_curate(user),
                "can_write": permissions.can_write(user),
            }
        )
    return render(request, "knowledge/record_detail.html", context)


@login_required
@require_POST
def feedback(request, number):
    record = selectors.record_get(user=request.user, number=number)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Answer yes or no."))
        return redirect(record)
    from_report = form.cleaned_data["from_report"]
    try:
        services.record_feedback(
            record=record,
            actor=request.user,
            helpful=form.cleaned_data["helpful"],
            from_report=from_report,
        )
    except ValidationError as exc:
        messages.warning(request, _error_text(exc))
    else:
        if form.cleaned_data["helpful"] and from_report:
            messages.success(
                request, _("Glad it helped. You do not need to report the fault any more.")
            )
        elif form.cleaned_data["helpful"]:
            messages.success(request, _("Thank you for your answer."))
        else:
            messages.info(
                request, _("Thank you. If the fault goes on, report it and we will help.")
            )
    url = record.get_absolute_url() + ("?from=report" if from_report else "")
    return redirect(url)


# --- staff ---------------------------------------------------------------------------


@login_required
@require_GET
def record_list(request):
    if not permissions.is_staff(request.user):
        raise PermissionDenied
    form = ListFilterForm(request.GET or None)
    status = query = ""
    if form.is_valid():
        status, query = form.cleaned_data["status"], form.cleaned_data["q"].strip()
    records = selectors.record_list(user=request.user, status=status or None, query=query)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.status_counts(user=request.user)
    tabs = [("", _("All"), counts["all"])] + [
        (value, label, counts[value]) for value, label in Status.choices
    ]
    return render(
        request,
        "knowledge/record_list.html",
        {
            "form": form,
            "page": page,
            "tabs": tabs,
            "status": status,
            "query": query,
            "can_write": permissions.can_write(request.user),
        },
    )


def _save_form(request, form, *, record=None):
    """Create or update from a bound form; returns the record, or None with the form's errors."""
    if not form.is_valid():
        return None
    try:
        if record is None:
            return services.record_create(
                actor=request.user,
                source_work_order_number=form.cleaned_data["source_work_order_number"],
                **form.content(),
            )
        return services.record_update(
            record=record,
            actor=request.user,
            lock_version=form.cleaned_data["lock_version"],
            **form.content(),
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, _error_text(exc))
    except workflow.Conflict as exc:
        form.add_error(None, str(exc))
    return None


@login_required
def record_create(request):
    workflow.require(record_refusal(request.user, None, "create"))
    form = RecordForm(request.POST or None)
    if request.method == "POST":
        record = _save_form(request, form)
        if record is not None:
            messages.success(request, _("Draft %(number)s saved.") % {"number": record.number})
            return redirect(record)
    return render(request, "knowledge/record_form.html", {"form": form, "record": None})


@login_required
def record_from_work_order(request, number):
    """A draft pre-filled from a resolved or closed work order: one click from its page."""
    workflow.require(record_refusal(request.user, None, "create"))
    initial = drafts.draft_initial("work_order", user=request.user, number=number)
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST":
        record = _save_form(request, form)
        if record is not None:
            messages.success(
                request,
                _("Draft %(number)s saved from work order %(work_order)s.")
                % {"number": record.number, "work_order": number},
            )
            return redirect(record)
    return render(
        request,
        "knowledge/record_form.html",
        {
            "form": form,
            "record": None,
            "work_order_number": number,
            "existing": selectors.records_from_work_order(number=number),
        },
    )


@login_required
def record_edit(request, number):
    record = selectors.record_get(user=request.user, number=number)
    workflow.require(record_refusal(request.user, record, "edit"))
    if record.status == Status.PUBLISHED:
        messages.error(request, services.published_edit_refusal())
        return redirect(record)
    if record.status == Status.RETIRED:
        messages.error(request, _("A retired record cannot be edited."))
        return redirect(record)
    initial = {
        "title": record.title,
        "fault_type": record.fault_type_id,
        "audience": record.audience,
        "symptom": record.symptom,
        "cause": record.cause,
        "solution": record.solution,
        "related_numbers": record.related_numbers,
        "lock_version": record.lock_version,
    }
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = _save_form(request, form, record=record)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect(saved)
    return render(request, "knowledge/record_form.html", {"form": form, "record": record})


# action → (service, success message); the state machine refuses what the status forbids.
# Lazy: built once at import, translated into each reader's language when shown.
ACTIONS = {
    "review": (services.record_review, gettext_lazy("Reviewed: it can now be published.")),
    "rework": (services.record_rework, gettext_lazy("Sent back to draft.")),
    "publish": (services.record_publish, gettext_lazy("Published.")),
    "retire": (services.record_retire, gettext_lazy("Retired.")),
}
_TRANSITION_METHOD = {
    "review": "review",
    "rework": "rework",
    "publish": "publish",
    "retire": "retire",
}


def _available_actions(user, record) -> set[str]:
    available = {
        action
        for action, method in _TRANSITION_METHOD.items()
        if can_proceed(getattr(record, method)) and not record_refusal(user, record, action)
    }
    if record.status in (Status.DRAFT, Status.REVIEWED) and not record_refusal(
        user, record, "edit"
    ):
        available.add("edit")
    if record.status == Status.PUBLISHED and not record_refusal(user, record, "new_version"):
        available.add("new_version")
    return available


def _posted_lock_version(request) -> int | None:
    value = request.POST.get("lock_version", "")
    return int(value) if value.isdecimal() else None


@login_required
@require_POST
def act(request, number, action):
    record = selectors.record_get(user=request.user, number=number)
    if action == "new_version":
        try:
            draft = services.record_new_version(
                record=record, actor=request.user, lock_version=_posted_lock_version(request)
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect(record)
        except workflow.Conflict as exc:
            messages.error(request, str(exc))
            return redirect(record)
        messages.success(
            request,
            _("Version %(version)s is a draft: edit it, then have it reviewed and published.")
            % {"version": draft.version},
        )
        return redirect("knowledge:edit", number=draft.number)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        service(
            record=record,
            actor=request.user,
            note=note,
            lock_version=_posted_lock_version(request),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except workflow.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(done))
    return redirect(record)


@login_required
@require_POST
def merge(request, number):
    """Merge the posted `duplicate` into this record (the survivor)."""
    survivor = selectors.record_get(user=request.user, number=number)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the record to merge."))
        return redirect(survivor)
    duplicate = selectors.record_get(user=request.user, number=form.cleaned_data["duplicate"])
    try:
        services.record_merge(
            duplicate=duplicate,
            survivor=survivor,
            actor=request.user,
            lock_version=_posted_lock_version(request),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except workflow.Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(duplicate)s was merged into this record.") % {"duplicate": duplicate.number},
        )
    return redirect(survivor)
