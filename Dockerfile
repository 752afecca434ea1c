# syntax=docker/dockerfile:1
# Production image of the ITSM portal: one image for web (gunicorn), celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/var/static \
    MEDIA_ROOT=/app/var/media

# CJK font for the generated PDFs (reportlab). No gettext: translations compile in Python.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first so the layer is cached while only the code changes.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt

COPY . .

# Build-time only settings: nothing here ends up in the running container's environment.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py compiletranslations \
    && SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput

# Code and collected static files stay root-owned (read-only for the app); the app may
# write only into var/ itself and var/media (a volume in docker-compose.yml).
RUN groupadd --system --gid 10001 itsm \
    && useradd --system --uid 10001 --gid itsm --home-dir /app --no-create-home --shell /usr/sbin/nologin itsm \
    && mkdir -p /app/var/media \
    && chown itsm:itsm /app/var /app/var/media
USER itsm

EXPOSE 8000

# The web container's health; worker and beat override or disable it in docker-compose.yml.
# X-Forwarded-Proto keeps SECURE_SSL_REDIRECT (with BEHIND_TLS_PROXY=1) from redirecting the probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; r = urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'X-Forwarded-Proto': 'https'}); sys.exit(0 if urllib.request.urlopen(r, timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "itsm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
