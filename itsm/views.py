from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from servicedesk.roles import is_staff_role
from servicedesk.selectors import calendar_upcoming, service_level_list

from .forms import LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def home(request):
    if not is_staff_role(request.user):
        return render(request, "itsm/home.html")
    return render(
        request,
        "itsm/home_staff.html",
        {
            "service_levels": service_level_list(),
            "upcoming_days": calendar_upcoming(limit=8),
        },
    )


@never_cache
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
