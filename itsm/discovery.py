"""What each project app offers by convention, found by name.

An app serves pages when it has `urls.py`, API routes with `api/urls.py`, demo data with
`demo.py`, role permissions with `permissions.py` (docs/processes.md). Whether the file is
there is asked of the app's package (`module_has_submodule`), not guessed from an
ImportError: an import that fails *inside* a module that exists must fail loudly, never
pass for "this app has none".
"""

from importlib import import_module
from types import ModuleType

from django.conf import settings
from django.utils.module_loading import module_has_submodule


def has_submodule(app: str, dotted: str) -> bool:
    """Does package `app` contain `dotted` (e.g. "api.urls")? Imports only the parents."""
    package = import_module(app)
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        if not module_has_submodule(package, part):
            return False
        if depth < len(parts) - 1:
            package = import_module(f"{package.__name__}.{part}")
    return True


def apps_with(dotted: str, *, exclude: tuple[str, ...] = ()) -> list[str]:
    """The project apps (PROJECT_APPS order) that have `<app>.<dotted>`."""
    return [
        app for app in settings.PROJECT_APPS if app not in exclude and has_submodule(app, dotted)
    ]


def app_modules(dotted: str, *, exclude: tuple[str, ...] = ()) -> list[ModuleType]:
    """`<app>.<dotted>` imported, for every project app that has one, in PROJECT_APPS order."""
    return [import_module(f"{app}.{dotted}") for app in apps_with(dotted, exclude=exclude)]
