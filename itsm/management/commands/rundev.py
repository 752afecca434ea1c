import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def served_url(addr: str) -> str:
    """The address people open for `runserver addr`: "8001" → http://127.0.0.1:8001;
    a wildcard host (0.0.0.0, ::) → this machine's name, which others can reach."""
    host, _, port = addr.rpartition(":")
    if not host:
        host = "127.0.0.1"
    host = host.strip("[]")
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 (naming the wildcard, not binding it)
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def child_environment(addr: str, environ=None) -> dict:
    """The web server's and the worker's environment: mail links (ITSM_BASE_URL) follow
    the address served unless it is set explicitly."""
    environ = dict(os.environ if environ is None else environ)
    environ.setdefault("ITSM_BASE_URL", served_url(addr))
    return environ


class Command(BaseCommand):
    help = (
        "Run the web server and a Celery worker with embedded beat in the foreground "
        "(what `make run` starts). Ctrl-C stops all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--addr",
            default="127.0.0.1:8000",
            help="host:port or port to serve on; mail links follow it unless ITSM_BASE_URL is set",
        )

    def handle(self, *args, addr, **options):
        if not settings.DEBUG:
            raise CommandError("rundev is for development; production runs gunicorn and celery.")
        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "celery": [
                python, "-m", "celery", "-A", "itsm", "worker", "--beat",
                "--loglevel", "INFO", "--concurrency", "2",
            ],
        }  # fmt: skip
        environment = child_environment(addr)
        processes = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=environment)  # noqa: S603 (fixed argv)
            for name, cmd in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Portal on {served_url(addr)}/ (mail links: {environment['ITSM_BASE_URL']}) "
                "— Ctrl-C stops everything."
            )
        )
        try:
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        raise CommandError(f"{name} exited with code {process.returncode}")
                time.sleep(0.5)
        except KeyboardInterrupt:
            self.stdout.write("Stopping…")
        finally:
            self._stop(processes.values())

    @staticmethod
    def _stop(processes):
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
