"""Thin pages over the selectors and services: parse, call one service, render."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from itsm.audit import audit_timeline
from itsm.workflow import Conflict
from servicedesk.roles import is_staff_role

from . import forms, selectors, services
from .choices import ActionStatus, RoundStatus
from .models import ImprovementAction
from .permissions import (
    action_refusal,
    invitation_refusal,
    is_quality_role,
    review_refusal,
    round_refusal,
    survey_refusal,
)
from .services.reviews import low_rating_threshold

PAGE_SIZE = 50


def _error_text(exc) -> str:
    return " ".join(str(m) for m in getattr(exc, "messages", [str(exc)]))


def _version(request):
    value = request.POST.get("lock_version", "")
    return int(value) if value.isdecimal() else None


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_GET
def index(request):
    """Quality management: the surveys for the quality roles, the weekly review for the
    rest of the team, an end user's own surveys for everyone else."""
    if is_quality_role(request.user):
        return redirect("quality:round_list")
    if is_staff_role(request.user):
        return redirect("quality:review_list")
    return redirect("quality:my_surveys")


# --- surveys ------------------------------------------------------------------------------


def _round_or_404(request, pk):
    survey_round = selectors.round_get(user=request.user, pk=pk)
    if survey_round is None:
        raise Http404(_("No such survey round."))
    return survey_round


@login_required
@require_GET
def round_list(request):
    refusal = survey_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    page = Paginator(selectors.round_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "quality/round_list.html", {"page": page})


@login_required
def round_create(request):
    refusal = survey_refusal(request.user)
    if refusal:
        raise PermissionDenied(refusal)
    today = timezone.localdate()
    form = forms.RoundForm(
        request.POST or None,
        initial={"opens_on": today, "closes_on": today + timedelta(days=14)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            survey_round = services.round_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Survey round created as a draft."))
            return redirect(survey_round)
    return render(request, "quality/round_form.html", {"form": form})


@login_required
@require_GET
def round_detail(request, pk):
    survey_round = _round_or_404(request, pk)
    results = selectors.round_results(survey_round)
    rating_questions = [q.question for q in results.questions if q.question.kind == "rating"]
    trend = selectors.survey_trend(survey_round)
    for row in trend:
        row.cells = [(q.text, row.by_question.get(q.pk)) for q in rating_questions]
    return render(
        request,
        "quality/round_detail.html",
        {
            "round": survey_round,
            "results": results,
            "trend": trend,
            "rating_questions": rating_questions,
            "timeline": audit_timeline(subject=survey_round),
            "departments": list(survey_round.departments.order_by("name")),
            "can_change": not round_refusal(request.user, survey_round, "change"),
            "statuses": RoundStatus,
        },
    )


ROUND_ACTIONS = {
    "publish": services.round_publish,
    "open": services.round_open,
    "close": services.round_close,
}


@login_required
@require_POST
def round_act(request, pk, action):
    survey_round = _round_or_404(request, pk)
    try:
        if action == "invite":
            told = services.invitations_send(survey_round=survey_round, actor=request.user)
            messages.success(request, _("%(count)d new invitation(s) sent.") % {"count": told})
        elif action in ROUND_ACTIONS:
            ROUND_ACTIONS[action](
                survey_round=survey_round, actor=request.user, lock_version=_version(request)
            )
            messages.success(request, _("Survey round updated."))
        else:
            raise Http404
    except (ValidationError, Conflict) as exc:
        messages.error(request, _error_text(exc))
    return redirect(survey_round)


@login_required
@require_GET
def round_csv(request, pk):
    survey_round = _round_or_404(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-round-{survey_round.pk}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 with a BOM
    writer = csv.writer(response)
    for row in selectors.results_csv_rows(survey_round):
        # A cell starting with = + - @ would be a formula in a spreadsheet.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return response


@login_required
@require_GET
def my_surveys(request):
    invitations = selectors.invitation_list_mine(user=request.user)[:100]
    return render(request, "quality/my_surveys.html", {"invitations": invitations})


@login_required
def answer(request, pk):
    invitation = selectors.invitation_get(user=request.user, pk=pk)
    if invitation is None or invitation.user_id != request.user.pk:
        raise Http404(_("No such survey invitation."))
    refusal = invitation_refusal(request.user, invitation, "answer")
    questions = list(invitation.round.survey.questions.all())
    form = forms.AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.response_submit(
                invitation=invitation, actor=request.user, answers=form.answers()
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Thank you! Your answers have been recorded."))
            return redirect("quality:my_surveys")
    return render(
        request,
        "quality/answer.html",
        {"invitation": invitation, "form": form, "refusal": refusal},
    )


# --- the weekly review ------------------------------------------------------------------------


def _review_or_404(request, pk):
    review = selectors.review_get(user=request.user, pk=pk)
    if review is None:
        raise Http404(_("No such weekly review."))
    return review


@login_required
@require_GET
def review_list(request):
    if not is_staff_role(request.user):
        raise PermissionDenied(_("You cannot see this weekly review."))
    page = Paginator(selectors.review_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "quality/review_list.html",
        {"page": page, "can_create": not review_refusal(request.user, None, "change")},
    )


@login_required
def review_create(request):
    refusal = review_refusal(request.user, None, "change")
    if refusal:
        raise PermissionDenied(refusal)
    today = timezone.localdate()
    year, week, _day = today.isocalendar()
    form = forms.ReviewForm(
        request.POST or None,
        initial={
            "week": f"{year}-W{week:02d}",
            "held_on": today,
            "threshold": low_rating_threshold(),
            "attendees": [request.user.pk],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = services.review_create(
                actor=request.user,
                iso_year=data["week"][0],
                iso_week=data["week"][1],
                held_on=data["held_on"],
                attendees=data["attendees"],
                other_attendees=data["other_attendees"],
                threshold=data["threshold"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Weekly review recorded."))
            return redirect(review)
    return render(request, "quality/review_form.html", {"form": form})


@login_required
def review_detail(request, pk):
    review = _review_or_404(request, pk)
    user = request.user
    can_change = not review_refusal(user, review, "change")
    items = selectors.review_items(review)
    update_form = forms.ReviewUpdateForm(
        initial={
            "held_on": review.held_on,
            "attendees": list(review.attendees.values_list("pk", flat=True)),
            "other_attendees": review.other_attendees,
            "summary": review.summary,
        }
    )
    action_form = forms.ActionForm(
        items=items, initial={"due_on": timezone.localdate() + timedelta(days=7)}
    )
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(review_refusal(user, review, "change"))
        try:
            if "save_review" in request.POST:
                update_form = forms.ReviewUpdateForm(request.POST)
                if update_form.is_valid():
                    services.review_update(
                        review=review,
                        actor=user,
                        lock_version=_version(request),
                        **update_form.cleaned_data,
                    )
                    messages.success(request, _("Weekly review saved."))
                    return redirect(review)
            elif "add_action" in request.POST:
                action_form = forms.ActionForm(request.POST, items=items)
                if action_form.is_valid():
                    data = action_form.cleaned_data
                    item = next((i for i in items if i.pk == data["item"]), None)
                    services.action_add(
                        review=review,
                        actor=user,
                        item=item,
                        description=data["description"],
                        owner=data["owner"],
                        due_on=data["due_on"],
                    )
                    messages.success(request, _("Improvement action added."))
                    return redirect(review)
            elif "refresh" in request.POST:
                added = services.review_items_refresh(review=review, actor=user)
                messages.success(request, _("%(count)d new item(s) listed.") % {"count": added})
                return redirect(review)
            elif "cause" in request.POST:
                item = next((i for i in items if str(i.pk) == request.POST.get("item")), None)
                if item is None:
                    raise Http404
                services.item_cause_record(item=item, actor=user, cause=request.POST["cause"])
                messages.success(request, _("Cause recorded."))
                return redirect(f"{review.get_absolute_url()}#item-{item.pk}")
        except ValidationError as exc:
            form = action_form if "add_action" in request.POST else update_form
            if form.is_bound:
                _form_errors(form, exc)
            else:
                messages.error(request, _error_text(exc))
        except Conflict as exc:
            messages.error(request, _error_text(exc))
    today = timezone.localdate()
    actions = list(
        review.actions.select_related("owner__person", "item__work_order").order_by(
            "status", "due_on", "pk"
        )
    )
    completable = set(review.actions.all().restrict(user, "complete").values_list("pk", flat=True))
    carried = selectors.actions_carried(review)
    carried_completable = set(
        ImprovementAction.objects.filter(pk__in=[a.pk for a in carried])
        .restrict(user, "complete")
        .values_list("pk", flat=True)
    )
    for action in actions + carried:
        action.overdue = action.is_overdue(today)
        action.can_complete = action.pk in completable or action.pk in carried_completable
    return render(
        request,
        "quality/review_detail.html",
        {
            "review": review,
            "items": items,
            "actions": actions,
            "carried": carried,
            "attendees": list(review.attendees.select_related("person")),
            "can_change": can_change,
            "timeline": audit_timeline(subject=review),
            "update_form": update_form,
            "action_form": action_form,
            "done_form": forms.DoneForm(),
        },
    )


@login_required
@require_POST
def action_done(request, pk):
    action = ImprovementAction.objects.restrict(request.user, "view").filter(pk=pk).first()
    if action is None:
        raise Http404(_("No such improvement action."))
    refusal = action_refusal(request.user, action, "complete")
    if refusal:
        raise PermissionDenied(refusal)
    try:
        services.action_complete(
            action=action,
            actor=request.user,
            note=request.POST.get("note", ""),
            lock_version=_version(request),
        )
    except (ValidationError, Conflict) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Action marked done."))
    return redirect(
        request.POST.get("next")
        if request.POST.get("next", "").startswith("/quality/")
        else action.get_absolute_url()
    )


@login_required
@require_GET
def action_list(request):
    if not is_staff_role(request.user):
        raise PermissionDenied(_("You cannot see this action."))
    status = request.GET.get("status", "")
    if status not in ActionStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    rows = selectors.action_list(user=request.user, status=status, overdue=overdue, mine=mine)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    completable = set(
        ImprovementAction.objects.filter(pk__in=[a.pk for a in page])
        .restrict(request.user, "complete")
        .values_list("pk", flat=True)
    )
    for action in page:
        action.overdue = action.is_overdue(today)
        action.can_complete = action.pk in completable
    return render(
        request,
        "quality/action_list.html",
        {
            "page": page,
            "status": status,
            "overdue": overdue,
            "mine": mine,
            "statuses": ActionStatus.choices,
            "is_quality": is_quality_role(request.user),
        },
    )
