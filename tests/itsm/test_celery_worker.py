"""A real Celery worker process on the real Redis broker runs a task to the end."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("ITSM_TEST_REDIS_URL", "")

pytestmark = pytest.mark.integration


@pytest.mark.skipif(not REDIS_URL, reason="set ITSM_TEST_REDIS_URL (CI does) to run against Redis")
def test_real_worker_on_redis_finishes_a_task():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="itsm.settings",
        DEBUG="1",
        CELERY_BROKER_URL=REDIS_URL,
        CELERY_RESULT_BACKEND=REDIS_URL,
        DATABASE_URL="sqlite:////tmp/itsm-celery-test.sqlite3",
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "itsm", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--hostname", f"test-{os.getpid()}@%h", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        client = subprocess.run(
            [sys.executable, "-c",
             "import django; django.setup(); from itsm.celery import ping; "
             "print(ping.delay().get(timeout=60))"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=90,
        )  # fmt: skip
        assert client.returncode == 0, client.stderr
        assert client.stdout.strip().endswith("pong")
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
