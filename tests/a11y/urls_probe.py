"""The portal's URLs plus pages a later change might add, to show the crawl finds them."""

from django.http import HttpResponse, JsonResponse
from django.urls import path

from itsm.urls import urlpatterns as portal


def _doc(body: str) -> HttpResponse:
    return HttpResponse(f'<!DOCTYPE html><html lang="zh-hans"><body>{body}</body></html>')


def probe_list(request):
    return _doc('<a href="/probe-reports/7/">第七份</a>')


def probe_detail(request, pk):
    return _doc(f"<h1>报告 {pk}</h1>")


def probe_data(request):
    return JsonResponse({"ok": True})


def probe_fragment(request):
    return HttpResponse("<li>htmx</li>")


urlpatterns = [
    path("probe-reports/", probe_list),
    path("probe-reports/<int:pk>/", probe_detail),
    path("probe-reports/data.json", probe_data),
    path("probe-reports/fragment/", probe_fragment),
    *portal,
]
