from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from servicedesk.selectors import calendar_upcoming, service_level_list

from . import approvals
from .forms import LoginForm
from .home import home_kind, manager_figures, supervisor_review


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


def pending_decisions(request) -> list[approvals.PendingDecision]:
    """What waits for this user's decision, read once per request (page and nav share it)."""
    if not hasattr(request, "_itsm_pending"):
        request._itsm_pending = approvals.pending_for(request.user)
    return request._itsm_pending


HOME_TEMPLATES = {
    "supervisor": "itsm/home_supervisor.html",
    "manager": "itsm/home_manager.html",
    "staff": "itsm/home_staff.html",
    "approver": "itsm/home_approver.html",
    "end_user": "itsm/home.html",
}


@login_required
def home(request):
    """Each role's own home (itsm.home): approvers, supervisor and manager start from
    what they decide and review, not from the end user's page."""
    kind = home_kind(request.user)
    context = {"decisions": pending_decisions(request), "inbox_known": True}
    if kind == "supervisor":
        context.update(supervisor_review(user=request.user))
    elif kind == "manager":
        context.update(manager_figures())
    elif kind == "staff":
        context.update(
            service_levels=service_level_list(), upcoming_days=calendar_upcoming(limit=8)
        )
    return render(request, HOME_TEMPLATES[kind], context)


@login_required
def approval_list(request):
    """待我审批: every decision waiting for this user, oldest first, each linking to
    the page where it is decided."""
    return render(
        request,
        "itsm/approval_list.html",
        {"decisions": pending_decisions(request), "inbox_known": True},
    )


@never_cache
def approval_nav(request):
    """The nav's "waiting for me" entry with its count (loaded by htmx, so other pages pay
    nothing for it); empty when nothing waits, and htmx then drops the placeholder.

    Signed out (an expired session), it answers empty too rather than redirecting: htmx
    would follow the redirect and put the login page into the nav bar.
    """
    if not request.user.is_authenticated:
        return HttpResponse("")
    return render(request, "itsm/_approval_nav.html", {"decisions": pending_decisions(request)})


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
