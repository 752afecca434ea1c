"""Settings for the ITSM portal.

Every value that differs between a laptop and production comes from the environment
(twelve-factor), read with django-environ. The defaults are the embedded development
set-up that `make run` uses: SQLite and a Celery broker on the filesystem under var/.
Production sets DEBUG off and must then provide SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and CELERY_BROKER_URL (see README.md).
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ITSM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
# A .env file beside manage.py is optional; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer's machine with DEBUG on.
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "auditlog",
]
# The project's own apps, in dependency order: URLs, API routes, demo data and role
# permissions are discovered in these (see itsm/urls.py, itsm/api/urls.py).
PROJECT_APPS = [
    "itsm",
    "servicedesk",
    "cmdb",
    "incidents",
    "problems",
    "changes",
    "knowledge",
    "documents",
    "inspections",
    "antivirus",
    "repairs",
    "emergencies",
    "quality",
    "reports",
]
INSTALLED_APPS += PROJECT_APPS

MIDDLEWARE = [
    "itsm.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "itsm.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "itsm.middleware.VersionTokensMiddleware",  # after static files: pages only
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns a lockout signalled by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "itsm.urls"
WSGI_APPLICATION = "itsm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "itsm.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the Celery worker and beat share one SQLite file under `make run`:
    # WAL lets readers go on during a write, IMMEDIATE takes the write lock at BEGIN so
    # two writers queue instead of failing with "database is locked" mid-transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # The app iterates small querysets (choice lists): a server-side cursor costs each
    # of them DECLARE, FETCH and CLOSE round trips for rows that fit in one answer.
    DATABASES["default"].setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
    # PostgreSQL's JIT compiles any query whose estimate passes jit_above_cost: 50-100 ms
    # spent compiling the SLA scan's and the reports' queries that run in a few ms. For a
    # web app's short queries it only costs (measured with `manage.py bench`).
    if env.bool("POSTGRES_JIT_OFF", default=True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # The cache is an optimisation: on Redis errors or a hung Redis (short socket
    # timeouts) calls answer as misses and the database is read instead (itsm/cache.py).
    CACHES["default"]["BACKEND"] = "itsm.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        SOCKET_TIMEOUT=env.float("CACHE_SOCKET_TIMEOUT", default=0.25),
        RETRY_AFTER=env.float("CACHE_RETRY_AFTER", default=10),
    )

# --- Authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # django-axes first: it counts failures and refuses locked-out logins.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, with the user's person read in the same query (itsm/auth_backends.py).
    # Sessions made under ModelBackend's path sign in again once.
    "itsm.auth_backends.PersonModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Throttle repeated wrong logins per username *and* address, so one attacker cannot lock
# a colleague out from elsewhere; the form answers the same for unknown and known users.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client's address behind the TLS proxy: X-Forwarded-For from TRUSTED_PROXIES only.
AXES_CLIENT_IP_CALLABLE = "itsm.client_ip.client_ip"
AXES_VERBOSE = False

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# ISO first in the Chinese input formats, so <input type="date"> gets a value it accepts.
FORMAT_MODULE_PATH = ["itsm.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Stored in UTC (USE_TZ), shown in the customer's zone.
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Mail -----------------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
if DEBUG and "EMAIL_URL" not in os.environ:
    # Not configured (development): one console line per mail, not its whole body.
    EMAIL_BACKEND = "itsm.mail_console.EmailBackend"
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
if EMAIL_BACKEND.endswith("filebased.EmailBackend"):
    # filemail:///srv/itsm/mail writes each mail as a file there (environ drops the
    # leading slash); filemail:// alone writes under var/mail.
    _mail_path = _email.get("EMAIL_FILE_PATH") or ""
    EMAIL_FILE_PATH = "/" + _mail_path.lstrip("/") if _mail_path else str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="itsm@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
ADMINS = [("Admin", a) for a in env.list("ADMINS", default=[])]

# --- Celery ---------------------------------------------------------------------------
# Without CELERY_BROKER_URL the broker is kombu's filesystem transport under var/, so
# `make run` needs no Redis. Production points this at Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Broadcast (remote control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves it for another one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "itsm.beat:ResilientDatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The code-defined schedule; django-celery-beat copies it into the database, where
# admins can pause or re-time an entry (Periodic tasks in admin).
CELERY_BEAT_SCHEDULE: dict = {
    "incidents-sla-scan": {"task": "incidents.tasks.sla_scan", "schedule": 60},
    "incidents-volumes": {"task": "incidents.tasks.volumes_refresh", "schedule": 60},
    "incidents-auto-close": {"task": "incidents.tasks.auto_close_resolved", "schedule": 60 * 60},
    "send-notification-mail": {"task": "servicedesk.tasks.send_pending_mail", "schedule": 60},
    "incidents-poll-mailbox": {"task": "incidents.tasks.poll_mailbox", "schedule": 60},
    "changes-notify-upcoming": {
        "task": "changes.tasks.notify_upcoming_changes",
        "schedule": 60 * 60,
    },
    "changes-notify-upcoming-releases": {
        "task": "changes.tasks.notify_upcoming_releases",
        "schedule": 60 * 60,
    },
    "documents-reminders": {
        "task": "documents.tasks.document_reminders",
        "schedule": 60 * 60,
    },
    "analyze-database": {"task": "itsm.tasks.analyze_database", "schedule": 60 * 60 * 24},
    "sync-public-holidays": {
        "task": "servicedesk.tasks.sync_public_holidays",
        "schedule": 60 * 60 * 24,
    },
    "cmdb-census-reminders": {"task": "cmdb.tasks.census_reminders", "schedule": 60 * 60 * 24},
    "cmdb-warranty-alerts": {"task": "cmdb.tasks.warranty_alerts", "schedule": 60 * 60 * 24},
    "cmdb-expire-imports": {"task": "cmdb.tasks.expire_import_batches", "schedule": 60 * 60 * 6},
    "incidents-expire-history-imports": {
        "task": "incidents.tasks.expire_history_imports",
        "schedule": 60 * 60 * 6,
    },
    "repairs-scan": {"task": "repairs.tasks.repairs_scan", "schedule": 60 * 60},
    "inspections-monthly-scan": {"task": "inspections.tasks.monthly_scan", "schedule": 60 * 60},
    "inspections-due-scan": {"task": "inspections.tasks.due_scan", "schedule": 60 * 60},
    "antivirus-daily-check": {"task": "antivirus.tasks.daily_check", "schedule": 60 * 60},
    "emergencies-status-updates": {
        "task": "emergencies.tasks.emergency_status_updates_scan",
        "schedule": 60,
    },
    "emergencies-confirmations": {
        "task": "emergencies.tasks.emergency_confirmations_scan",
        "schedule": 60 * 15,
    },
    "quality-scan": {"task": "quality.tasks.quality_scan", "schedule": 60 * 60},
    # Reports: drafts after each period ends (idempotent, so a missed run is caught up by
    # the next day's), reminders once per due point.
    "reports-monthly": {
        "task": "reports.tasks.generate_scheduled",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
        "kwargs": {"kind": "month"},
    },
    "reports-quarterly": {
        "task": "reports.tasks.generate_scheduled",
        "schedule": crontab(minute=15, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
        "kwargs": {"kind": "quarter"},
    },
    "reports-yearly": {
        "task": "reports.tasks.generate_scheduled",
        "schedule": crontab(minute=30, hour=2, day_of_month=1, month_of_year=1),
        "kwargs": {"kind": "year"},
    },
    "reports-reminders": {
        "task": "reports.tasks.remind_due",
        "schedule": crontab(minute=0, hour=8),
    },
    "reports-jobs-sweep": {"task": "reports.tasks.generation_jobs_sweep", "schedule": 60 * 5},
}

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "itsm.api.auth.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["itsm.api.permissions.ModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "itsm.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("API_USER_RATE", default="6000/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ITSM Portal API",
    "DESCRIPTION": "Service desk, incidents, problems, changes, CMDB and knowledge.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from the sidecar package: the docs work on a closed network.
    # The API description is for the project's integrators, not the public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "kind" with their own choices; name the antivirus one.
    "ENUM_NAME_OVERRIDES": {"ConsoleImportKindEnum": "antivirus.choices.ImportKind"},
}

# --- Audit log ------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Security (production) ------------------------------------------------------------
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
# Addresses (or networks) of the reverse proxies whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=["127.0.0.1", "::1"])
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container health check probes over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)

# Data uploads: a clear limit, checked again per file by the forms that take files.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A refused request (403) logs one line, not a traceback.
    "filters": {"quiet_forbidden": {"()": "itsm.log_filters.QuietForbidden"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["quiet_forbidden"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # One handler: without this Django's own console handler doubles every line in DEBUG.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Domain settings ------------------------------------------------------------------
ITSM = {
    # Name of the service provider and the client shown in headers and reports.
    "SITE_NAME": env.str("ITSM_SITE_NAME", default="IT运维服务平台"),
    "CLIENT_NAME": env.str("ITSM_CLIENT_NAME", default=""),
    # Absolute address of the portal, for links in mail (e.g. https://itsm.example.gov.cn);
    # `rundev --addr` sets it to the address it serves when it is not set.
    "BASE_URL": env.str("ITSM_BASE_URL", default="http://127.0.0.1:8000"),
    # Every closed work order is called back first (§3.2 C): the user's confirmation and
    # the 3-day auto-close move a resolved order to the callback queue, not past it.
    "CALLBACK_BEFORE_CLOSE": env.bool("ITSM_CALLBACK_BEFORE_CLOSE", default=True),
    # Work orders on the same device or fault type within 30 days that suggest a problem.
    "PROBLEM_SUGGESTION_THRESHOLD": env.int("PROBLEM_SUGGESTION_THRESHOLD", default=3),
    # Personal API tokens last this many days unless the user picks fewer (at most 366).
    "API_TOKEN_DAYS": env.int("API_TOKEN_DAYS", default=90),
    # How long before a release's window its affected users are told (hours).
    "RELEASE_NOTICE_HOURS": env.float("RELEASE_NOTICE_HOURS", default=24),
    # Fonts embedded in generated PDFs (a TrueType .ttf/.ttc; see NOTES on CJK fonts).
    "PDF_FONT_PATH": env.str(
        "PDF_FONT_PATH", default="/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    ),
    # Mail intake (incidents/mail/): an IMAP mailbox polled every minute; empty URL = off.
    "MAIL_INTAKE": {
        # imaps://user:pass@host:993/INBOX or imap://user:pass@host:143/INBOX
        "IMAP_URL": env.str("IMAP_URL", default=""),
        "IMAP_STARTTLS": env.bool("IMAP_STARTTLS", default=False),
        # Move processed mail to this folder; empty = flag it \Seen and leave it.
        "ARCHIVE_FOLDER": env.str("IMAP_ARCHIVE_FOLDER", default=""),
        # "create" an end-user account for an unknown sender, or "reject" (kept aside).
        "UNKNOWN_SENDER": env.str("MAIL_INTAKE_UNKNOWN_SENDER", default="create"),
        "SENDER_HOURLY_LIMIT": env.int("MAIL_INTAKE_SENDER_HOURLY_LIMIT", default=10),
        "MAX_MAIL_BYTES": env.int("MAIL_INTAKE_MAX_MAIL_MB", default=30) * 1024 * 1024,
    },
}
if ITSM["MAIL_INTAKE"]["UNKNOWN_SENDER"] not in ("create", "reject"):
    raise ImproperlyConfigured("MAIL_INTAKE_UNKNOWN_SENDER must be 'create' or 'reject'.")
