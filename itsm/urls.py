from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import health, token_views, views
from .api.urls import router
from .discovery import apps_with


def process_urls():
    """Each process app with a `urls.py` is served under its own name: /incidents/, /cmdb/…"""
    return [path(f"{app}/", include(f"{app}.urls")) for app in apps_with("urls", exclude=("itsm",))]


urlpatterns = [
    path("", views.home, name="home"),
    path("approvals/", views.approval_list, name="approvals"),
    path("approvals/nav/", views.approval_nav, name="approval_nav"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/tokens/", token_views.api_tokens, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.api_token_revoke, name="api-token-revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    *process_urls(),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/auth/", include("rest_framework.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

admin.site.site_header = admin.site.site_title = settings.ITSM["SITE_NAME"]
