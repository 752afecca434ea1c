"""Production settings: everything from the environment, and Django's deploy check is clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "itsm.settings",
    "DEBUG": "0",
    "SECRET_KEY": "x7#Kq9!vR2$mZ8@pL4^tW6&nB3*cY5(hJ1)dF0-gS7+eA2=uQ9",
    "ALLOWED_HOSTS": "itsm.example.gov.cn",
    "DATABASE_URL": "sqlite:////tmp/itsm-deploy-check.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


TEST_RUN_ONLY = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")


def _manage(*args, env_overrides=None):
    # Not what the test run set for itself: the browser fixtures allow Django's sync calls
    # beside Playwright's event loop (DJANGO_ALLOW_ASYNC_UNSAFE), which production never does.
    env = {k: v for k, v in os.environ.items() if k not in TEST_RUN_ONLY}
    env.update(PRODUCTION_ENV)
    env.update(env_overrides or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", env_overrides={"SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_seed_demo_refuses_with_debug_off():
    result = _manage("seed_demo")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


@pytest.mark.parametrize(
    "name",
    ["DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "TIME_ZONE"],
)
def test_every_production_setting_is_documented_in_the_readme(name):
    assert name in (ROOT / "README.md").read_text(encoding="utf-8")


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_production_build_serves_pages_and_hashed_static_under_gunicorn(tmp_path):
    """What the Dockerfile runs, run here: the static build with the production storage
    (CompressedManifestStaticFilesStorage fails on a file naming a missing source map), then
    gunicorn with DEBUG=0 serving the login page, whose CSS link must resolve to a hashed,
    compressed file that whitenoise serves."""
    import re
    import time
    import urllib.request

    overrides = {
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BEHIND_TLS_PROXY": "1",
    }
    for command in (("compiletranslations",), ("collectstatic", "--noinput"), ("migrate", "-v0")):
        result = _manage(*command, env_overrides=overrides)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
    assert (tmp_path / "static" / "staticfiles.json").exists()

    port = _free_port()
    # Not what the test run set for itself: the browser fixtures allow Django's sync calls
    # beside Playwright's event loop (DJANGO_ALLOW_ASYNC_UNSAFE), which production never does.
    env = {k: v for k, v in os.environ.items() if k not in TEST_RUN_ONLY}
    env.update(PRODUCTION_ENV)
    env.update(overrides)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "itsm.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def get(path):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-Proto": "https"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode("utf-8", "replace")

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = get("/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 200
        status, page = get("/accounts/login/")
        assert status == 200
        assert "<form" in page
        css = re.search(r'href="(/static/itsm/site\.[0-9a-f]{12}\.css)"', page)
        assert css, "the page links the hashed CSS of the manifest storage"
        status, body = get(css.group(1))
        assert status == 200 and body
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode("utf-8", "replace")
    assert "Traceback" not in output, output
