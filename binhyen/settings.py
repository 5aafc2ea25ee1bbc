"""Settings read straight from the environment; production-safe unless told otherwise."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ROOT_DIR = BASE_DIR.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# PRODUCTION=1 (deploy/binhyen.env, set for every process of deploy/'s units, and by
# deploy/gunicorn.conf.py) refuses to start without a SECRET_KEY of its own or with DEBUG.
PRODUCTION = env_bool("PRODUCTION", False)
# Without SECRET_KEY the app still starts (demo, tests) with a key `check --deploy` flags
# (security.W009, via the django-insecure- prefix); production must set its own.
SECRET_KEY = env("SECRET_KEY") or "django-insecure-binhyen-set-SECRET_KEY-in-production-0123456789"
# The key that seals tips' senders (binhyen.incidents.seal): Fernet keys, newest first,
# comma-separated; empty derives one from SECRET_KEY. `binhyen seal_key` prints a new one.
SEAL_KEY = env("SEAL_KEY") or ""
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if not env("SECRET_KEY") or len(env("SECRET_KEY")) < 40:
        raise ImproperlyConfigured(
            "PRODUCTION=1: đặt SECRET_KEY (ít nhất 40 ký tự ngẫu nhiên) trong môi trường. "
            "Set SECRET_KEY (40+ random characters)."
        )
    if DEBUG:
        raise ImproperlyConfigured("PRODUCTION=1: không chạy với DEBUG=1. Unset DEBUG.")
ALLOWED_HOSTS = [
    h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "binhyen.core",
    "binhyen.ops",
    "binhyen.org",
    "binhyen.enterprises",
    "binhyen.documents",
    "binhyen.activities",
    "binhyen.groups",
    "binhyen.incidents",
    "binhyen.reporting",
    "binhyen.emulation",
    "binhyen.reports",
    "binhyen.portal",
    "binhyen.api",
    "binhyen.demo",
]

MIDDLEWARE = [
    # Outermost: the CSP and no-store reach every response, static files and error pages too.
    "binhyen.core.security.SecurityHeadersMiddleware",
    # A request id for every log line of the request, and one log line per request.
    "binhyen.ops.logs.request_context",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "binhyen.core.middleware.vietnamese_first",
    # Every query string and form field passes text.clean_text once, before any view reads it.
    "binhyen.core.inputs.clean_request_input",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Counts portal visitors in the cache (no database write per request); see README.
    "binhyen.portal.middleware.VisitorCounterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "binhyen.urls"
WSGI_APPLICATION = "binhyen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{ROOT_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
    )
}
# A kept-open connection is checked before reuse (a PostgreSQL restart costs no failed
# request), and a database host that does not answer fails within DB_CONNECT_TIMEOUT seconds
# (so /readyz says 503 instead of hanging).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(env("DB_CONNECT_TIMEOUT", "5"))
    )
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers go on while one connection writes; NORMAL is safe with WAL.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # A write transaction takes the write lock at BEGIN: a deferred one that read first
            # cannot be upgraded while another writes, and fails at once ("database is locked")
            # instead of waiting. With IMMEDIATE every writer waits its turn, up to `timeout` s.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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

# Lock an account (username + address) after 5 failed logins for one hour.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [ROOT_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(ROOT_DIR / "staticfiles")))
# Bootstrap and htmx come from the npm registry at install time (package.json), never the repo.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", ROOT_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", ROOT_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(ROOT_DIR / "media")))

# How often buffered portal counters reach the database (seconds); a restart of a server
# with the local-memory cache loses at most this much counting.
PORTAL_COUNTER_FLUSH_SECONDS = int(env("PORTAL_COUNTER_FLUSH_SECONDS", "60"))

# Background work: Django's tasks API with the database as the queue (`binhyen worker` runs
# it; README "Chạy thật"). TASK_BACKEND=immediate runs each task in the process that queues
# it (the tests do); any other django-tasks backend can be named by its import path.
TASK_BACKEND = env("TASK_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }.get(TASK_BACKEND, TASK_BACKEND)
    }
}
BINHYEN_TASK_ATTEMPTS = int(env("TASK_ATTEMPTS", "3"))
# a failed attempt is retried after this many seconds, then 4× longer each time (≤ 1 hour)
BINHYEN_TASK_RETRY_SECONDS = int(env("TASK_RETRY_SECONDS", "30"))
# a task whose worker has not beaten for this long is failed and queued again
BINHYEN_WORKER_STALE_SECONDS = int(env("WORKER_STALE_SECONDS", "60"))
# What `binhyen scheduler` queues, and when (ops/schedule.py): local time for "at".
BINHYEN_SCHEDULE = {
    "report-reminders": {"task": "binhyen.reports.tasks.send_reminders", "at": "07:00"},
    "report-overdue": {"task": "binhyen.reports.tasks.notify_overdue", "at": "07:05"},
    "case-overdue": {"task": "binhyen.reports.tasks.notify_cases_overdue", "every": 3600},
    "portal-counters": {
        "task": "binhyen.portal.tasks.flush_counters",
        "every": PORTAL_COUNTER_FLUSH_SECONDS,
    },
    "cleanup": {"task": "binhyen.ops.housekeeping.cleanup", "at": "02:30"},
}
# finished jobs' files (exports, uploaded imports) and task rows are kept this many days
BINHYEN_JOB_KEEP_DAYS = int(env("JOB_KEEP_DAYS", "14"))

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "binhyen@localhost")
# the SMTP server the worker sends through (EMAIL_BACKEND=…smtp.EmailBackend)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not env("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}
}

# Production defaults: secure cookies and HSTS unless DEBUG or explicitly relaxed
# (the demo serves plain HTTP on 127.0.0.1 and sets SECURE_COOKIES=0).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# the load balancer's probes speak plain HTTP to each server
SECURE_REDIRECT_EXEMPT = [r"^(healthz|readyz)$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind the reverse proxy: trust its X-Forwarded-Proto, and read the client's address from
# X-Forwarded-For (the right-most hop that is not one of TRUSTED_PROXIES or the proxy itself):
# the tip form's limits and the visitor counts need the real sender.
BEHIND_PROXY = env_bool("BEHIND_PROXY")
TRUSTED_PROXIES = [n.strip() for n in env("TRUSTED_PROXIES").split(",") if n.strip()]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
CSRF_FAILURE_VIEW = "binhyen.core.errors.csrf_failure"

# Logs go to stdout, one JSON object a line with PRODUCTION=1 (binhyen/ops/logs.py: time,
# level, logger, message, request_id, method, path, status, duration_ms, user_id, unit) or one
# readable line (LOG_FORMAT=text, the default otherwise, on stderr so that a command's own
# output stays clean). One line per request on binhyen.request at INFO (LOG_REQUEST_LEVEL);
# the task workers' loggers go through the same handler.
LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "text").strip().lower()
if LOG_FORMAT not in ("json", "text"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"LOG_FORMAT={LOG_FORMAT!r}: chỉ nhận 'json' hoặc 'text'. Set LOG_FORMAT to json or text."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A server error is logged once, by binhyen.core.errors.server_error, with its reference.
    "filters": {"reported_errors": {"()": "binhyen.core.errors.SkipReportedServerErrors"}},
    "formatters": {
        "json": {"()": "binhyen.ops.logs.JsonFormatter"},
        "text": {"()": "binhyen.ops.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "stream": "ext://sys.stdout" if LOG_FORMAT == "json" else "ext://sys.stderr",
        }
    },
    "loggers": {
        "django.request": {"filters": ["reported_errors"]},
        "binhyen.request": {"level": env("LOG_REQUEST_LEVEL", "INFO")},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
# /readyz (binhyen/ops/health.py): a worker must have beaten within HEALTH_WORKER_MAX_AGE s
# (unless HEALTH_REQUIRE_WORKER=0, or tasks do not go through the database queue), and the
# oldest waiting task may not wait longer than HEALTH_QUEUE_MAX_WAIT s.
HEALTH_REQUIRE_WORKER = env_bool("HEALTH_REQUIRE_WORKER", True)
HEALTH_WORKER_MAX_AGE = int(env("HEALTH_WORKER_MAX_AGE", "120"))
HEALTH_QUEUE_MAX_WAIT = int(env("HEALTH_QUEUE_MAX_WAIT", "600"))
HEALTH_MIGRATIONS_CACHE_SECONDS = int(env("HEALTH_MIGRATIONS_CACHE_SECONDS", "300"))

SILENCED_SYSTEM_CHECKS = []
