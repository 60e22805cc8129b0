"""UnionPortal settings: one module, every value from the environment (django-environ).

With no environment at all the portal runs: SQLite, background work done synchronously,
DEBUG on and a development secret key that a system check refuses once DEBUG is off.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"  # refused by unionportal.checks when DEBUG is off

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "treebeard",
    "axes",
    "auditlog",
    "unionportal",
    "orgs",
    "socialstats",
    "news",
    "contests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Russian 403/404 pages in the portal's layout also under DEBUG (unionportal/errors.py).
    "unionportal.errors.PortalErrorPagesMiddleware",
    # Login throttling; must come last (django-axes).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After 5 failed logins for one username from one address, that pair waits an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)

# Audit trail (django-auditlog): who changed what and when, shown to information staff.
# Bulk writes (API snapshots, file imports) are not logged row by row; review status changes are logged
# explicitly by the news services (unionportal/lib/audit.py).
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "orgs.Organisation",
    "orgs.RoleAssignment",
    "socialstats.SocialPage",
    "socialstats.Snapshot",
    "socialstats.Website",
    "socialstats.PrintPublication",
    "news.NewsItem",
    "contests.Contest",
    "contests.JuryScore",
)

ROOT_URLCONF = "unionportal.urls"
WSGI_APPLICATION = "unionportal.wsgi.application"

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
                "unionportal.context_processors.navigation",
            ],
        },
    },
]

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# SQLite by default; DATABASE_URL (postgres://user:pass@host:5432/name) for PostgreSQL via psycopg 3.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # plotly.min.js straight from the installed plotly package: no CDN, no copy in the repository.
    ("vendor/plotly", Path(importlib.util.find_spec("plotly").submodule_search_locations[0]) / "package_data"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10_485_760)
IMPORT_MAX_FILE_SIZE = env.int("IMPORT_MAX_FILE_SIZE", default=20 * 1024 * 1024)

# Security: production values are on whenever DEBUG is off (`manage.py check --deploy` is clean).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Email: the console in development; SMTP settings from the environment in production.
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ПрофПортал <noreply@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Product settings --------------------------------------------------------------------------------
# Reports (socialstats): a page with no post for longer is silent; the dashboard's target of subscribers per
# territorial organisation's page (the 002 document: "могут преодолеть отметку в 1000 подписчиков").
SILENT_PAGE_DAYS = env.int("SILENT_PAGE_DAYS", default=30)
SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE = env.int("SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE", default=1000)
# The dashboard's, growth table's and printed layout's aggregates read every page of the scope, so each is kept
# this many seconds in Django's cache per scope and parameters (0: off). No CACHES setting: each gunicorn worker
# keeps its own in-memory copy, and pages keep serving when Redis is down (docs/loadtest.md).
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", default=60)

# News (docs/news.md): items for a month are on time until NEWS_DEADLINE_DAY of the next month; primaries that
# sent nothing for the previous month get a reminder on NEWS_REMINDER_DAY (with the defaults, four days before
# the deadline). Photos: at most this many per item, each at most this many bytes (checked with Pillow).
NEWS_DEADLINE_DAY = env.int("NEWS_DEADLINE_DAY", default=5)
NEWS_REMINDER_DAY = env.int("NEWS_REMINDER_DAY", default=1)
NEWS_PHOTOS_PER_ITEM = env.int("NEWS_PHOTOS_PER_ITEM", default=10)
NEWS_PHOTO_MAX_BYTES = env.int("NEWS_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)

# Contests (contests/results.py): a TTF with Cyrillic for the PDF certificates. Empty: the system's
# DejaVu Sans, or matplotlib's copy when installed; nothing is downloaded (docs/configuration.md).
CONTESTS_CERTIFICATE_FONT = env.str("CONTESTS_CERTIFICATE_FONT", default="")

# --- Background work -------------------------------------------------------------------------------
# Celery: without CELERY_BROKER_URL, tasks run synchronously in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The beat schedule (Moscow time).
CELERY_BEAT_SCHEDULE = {
    # Every night at 03:00: subscriber counts and posts from VK, Telegram and OK.
    "collect-stats-nightly": {
        "task": "socialstats.tasks.collect_all_networks",
        "schedule": crontab(hour=3, minute=0),
    },
    # On NEWS_REMINDER_DAY of every month at 10:00: remind the primaries that have not sent any news for the
    # previous month.
    "news-monthly-reminders": {
        "task": "news.tasks.news_reminders_task",
        "schedule": crontab(day_of_month=NEWS_REMINDER_DAY, hour=10, minute=0),
    },
    # Every Monday at 09:00: tell territorial admins what waits for their review.
    "news-weekly-digest": {
        "task": "news.tasks.news_digest_task",
        "schedule": crontab(day_of_week="mon", hour=9, minute=0),
    },
}

# --- The social networks' APIs ---------------------------------------------------------------------
# The social networks' APIs (see docs/configuration.md). A network without credentials is skipped.
VK_API_URL = env.str("VK_API_URL", default="https://api.vk.com/method")
VK_API_TOKEN = env.str("VK_API_TOKEN", default="")
VK_API_VERSION = env.str("VK_API_VERSION", default="5.199")
VK_API_RPS = env.float("VK_API_RPS", default=3.0)
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org")
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_WEB_URL = env.str("TELEGRAM_WEB_URL", default="https://t.me")
OK_API_URL = env.str("OK_API_URL", default="https://api.ok.ru/fb.do")
OK_APPLICATION_KEY = env.str("OK_APPLICATION_KEY", default="")
OK_APPLICATION_SECRET = env.str("OK_APPLICATION_SECRET", default="")
OK_ACCESS_TOKEN = env.str("OK_ACCESS_TOKEN", default="")
HTTP_TIMEOUT_SECONDS = env.float("HTTP_TIMEOUT_SECONDS", default=15.0)

# --- Logging ---------------------------------------------------------------------------------------
# One console handler. The invitation and forgotten-password links carry a one-time token in their path;
# the request loggers (runserver's django.server, django.request) would print it, so every console record
# goes through a filter that replaces the token with *** (docs/people.md). Django's own "django" logger
# propagates to the root's filtered handler instead of keeping its unfiltered one under DEBUG.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_reset_tokens": {"()": "orgs.logging_filters.RedactResetTokens"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_reset_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_reset_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django": {"handlers": [], "level": "INFO", "propagate": True},
    },
}
