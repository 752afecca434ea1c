"""One router for the whole API; each app registers its viewsets in `<app>/api/urls.py`."""

from importlib import import_module

from django.conf import settings
from rest_framework.routers import DefaultRouter

router = DefaultRouter()

for app in settings.PROJECT_APPS:
    try:
        module = import_module(f"{app}.api.urls")
    except ModuleNotFoundError as exc:
        if exc.name not in (f"{app}.api", f"{app}.api.urls"):
            raise
        continue
    if module.__name__ != __name__:
        module.register(router)
