import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Run the web server and a Celery worker with embedded beat in the foreground "
        "(what `make run` starts). Ctrl-C stops all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")

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
        processes = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR)  # noqa: S603 (fixed argv)
            for name, cmd in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(f"Portal on http://{addr}/ — Ctrl-C stops everything.")
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
