import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

app = Celery("itsm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs):
    # The embedded filesystem broker needs its folders before the first message.
    for folder in (sender.conf.broker_transport_options or {}).values():
        if isinstance(folder, str) and os.sep in folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


@app.task(name="itsm.ping")
def ping() -> str:
    """A no-op task for health checks and the broker test."""
    return "pong"
