"""Apps' conventional modules are found by name (itsm/discovery.py), never by catching
ImportError: a module that exists but fails to import fails loudly."""

import sys

import pytest

from itsm.discovery import app_modules, apps_with, has_submodule


def test_finds_the_modules_the_apps_have():
    assert has_submodule("changes", "urls")
    assert has_submodule("changes", "api.urls")
    assert not has_submodule("servicedesk", "api.routes")  # no such module
    assert "incidents" in apps_with("urls")
    assert "reports" in apps_with("urls")


def test_excluded_apps_are_left_out():
    assert "itsm" in apps_with("api.urls")
    assert "itsm" not in apps_with("api.urls", exclude=("itsm",))


def test_a_broken_module_is_an_error_not_a_missing_module(tmp_path, monkeypatch, settings):
    package = tmp_path / "brokenapp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "urls.py").write_text("import a_module_that_does_not_exist\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "brokenapp", raising=False)
    settings.PROJECT_APPS = ["brokenapp"]
    assert apps_with("urls") == ["brokenapp"]
    assert apps_with("demo") == []
    with pytest.raises(ModuleNotFoundError, match="a_module_that_does_not_exist"):
        app_modules("urls")
