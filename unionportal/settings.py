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
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files as static files (no CDN)
    "unionportal",
    "orgs",
    "socialstats",
    "news",
    "contests",
    "api",
    "mailings",
    "alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (the security block at the end)
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
# Login throttling (unionportal/login_throttle.py, docs/security.md): after AXES_FAILURE_LIMIT wrong passwords
# for one username from one address, that pair (only) waits LOGIN_COOLOFF_MINUTES, doubled for each further
# lockout within a day up to LOGIN_COOLOFF_MAX_MINUTES; a new password set through the reset link lifts it.
# AXES_IPWARE_PROXY_COUNT: reverse proxies in front (0: X-Forwarded-For is ignored, as a client can forge it).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_COOLOFF_MINUTES = env.int("LOGIN_COOLOFF_MINUTES", default=5)
LOGIN_COOLOFF_MAX_MINUTES = env.int("LOGIN_COOLOFF_MAX_MINUTES", default=24 * 60)
AXES_COOLOFF_TIME = "unionportal.login_throttle.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the failures of the last day make the cool-off grow
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "unionportal.login_throttle.client_ip"

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
    "contests.Juror",
    "contests.JurorConflict",
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

DJANGO_TABLES2_TEMPLATE = "_table_cards.html"  # bootstrap5-responsive with data-label on cells
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table"}

# SQLite by default; DATABASE_URL (postgres://user:pass@host:5432/name) for PostgreSQL via psycopg 3.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a small office's concurrent use (docs/security.md): readers never wait for the writer (WAL);
    # a write transaction takes the write lock when it begins (IMMEDIATE), so two parallel submissions run
    # one after the other instead of one failing with "database is locked"; a waiting writer gives up only
    # after SQLITE_BUSY_TIMEOUT seconds.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT off for the portal's sessions: its compile time exceeded the statements it compiled (2 s
    # of a 0.3 s report at federation scale; 180 ms of a 100 ms analytics update), and the portal sends no
    # statement long enough to gain from it. Set per connection, so no statement needs its own SET LOCAL.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache (the reports' aggregates): Redis shared by every app-server worker when REDIS_URL, or else the Celery
# broker, is a Redis URL; each process's memory otherwise (development, tests). A Redis outage costs the reports
# a computation, never a page (socialstats/reports/cache.py).
CACHE_REDIS_URL = env.str("REDIS_URL", default="") or env.str("CELERY_BROKER_URL", default="")
if CACHE_REDIS_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": "unionportal",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The layout's main menu ({% cache %} in templates/base.html: links and words that change only with the user's
# roles and the language) is kept in each process's memory: a round trip to Redis would cost what it saves.
CACHES["template_fragments"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}

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
# Imports (unionportal/lib/importing.py, docs/registry.md): an upload past IMPORT_MAX_FILE_SIZE is refused while it
# arrives (LimitedUploadHandler); a file is refused at once past IMPORT_MAX_ROWS data rows, a row with more than
# IMPORT_MAX_CELLS_PER_ROW cells, or an XLSX whose parts unpack to more than IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE.
# An upload never confirmed is deleted after IMPORT_STASH_HOURS (the import-stash-cleanup task).
IMPORT_MAX_FILE_SIZE = env.int("IMPORT_MAX_FILE_SIZE", default=20 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_CELLS_PER_ROW = env.int("IMPORT_MAX_CELLS_PER_ROW", default=100)
IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE = env.int("IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE", default=100 * 1024 * 1024)
IMPORT_STASH_HOURS = env.int("IMPORT_STASH_HOURS", default=24)
FILE_UPLOAD_HANDLERS = [
    "unionportal.lib.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

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
# The dashboard's, growth table's and printed layout's aggregates are kept in the cache per scope and parameters:
# REPORT_CACHE_SECONDS before the analytics tables are built (0: off); once they are, every key carries the
# tables' version (any write makes new keys) and lives REPORT_CACHE_VERSIONED_SECONDS (a night and a bit).
REPORT_CACHE_SECONDS = env.int("REPORT_CACHE_SECONDS", default=60)
REPORT_CACHE_VERSIONED_SECONDS = env.int("REPORT_CACHE_VERSIONED_SECONDS", default=26 * 3600)
# Posts (docs/posts.md): each page's posts younger than this are kept fresh every night (reactions keep growing);
# older posts keep their last values. A published news item is matched against posts within POST_MATCH_DAYS.
# Collection (docs/collection.md): results written in one transaction per this many pages (and at least every 20 s).
COLLECTION_FLUSH_EVERY = env.int("COLLECTION_FLUSH_EVERY", default=5000)
POSTS_KEEP_DAYS = env.int("POSTS_KEEP_DAYS", default=60)
POST_MATCH_DAYS = env.int("POST_MATCH_DAYS", default=14)

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

# --- The read-only JSON API (api/, docs/api.md) -----------------------------------------------------
# Personal tokens (`Authorization: Token <key>`) or the portal's session; every endpoint is read-only and sees
# exactly its user's scope. Each token (or signed-in user) gets API_THROTTLE_RATE requests, counted in Django's
# cache (per process without a CACHES setting).
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "UnionPortal API",
    "DESCRIPTION": "Read-only data of the union's information work, in the token owner's scope (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

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
    # Every hour at :20: delete uploaded import files never confirmed within IMPORT_STASH_HOURS (a day).
    "import-stash-cleanup": {
        "task": "orgs.tasks.import_stash_cleanup",
        "schedule": crontab(minute=20),
    },
    # Every Monday at 09:00: tell territorial admins what waits for their review.
    "news-weekly-digest": {
        "task": "news.tasks.news_digest_task",
        "schedule": crontab(day_of_week="mon", hour=9, minute=0),
    },
    # Every Monday at 07:00: last week's report to its subscribers, each in their own scope (mailings).
    "reports-weekly": {
        "task": "mailings.tasks.reports_send_task",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
        "args": ("weekly",),
    },
    # On the 1st of every month at 07:00: last month's report to its subscribers.
    "reports-monthly": {
        "task": "mailings.tasks.reports_send_task",
        "schedule": crontab(day_of_month=1, hour=7, minute=0),
        "args": ("monthly",),
    },
    # Every morning at 06:30, after the night's collection: evaluate the alert rules, pass week-old alerts
    # up the tree, and send each admin one digest of their open alerts.
    "alerts-daily": {
        "task": "alerts.tasks.alerts_daily",
        "schedule": crontab(hour=6, minute=30),
    },
}

# --- The social networks' APIs ---------------------------------------------------------------------
# The social networks' APIs (see docs/configuration.md). A network without credentials is skipped.
VK_API_URL = env.str("VK_API_URL", default="https://api.vk.com/method")
VK_API_TOKEN = env.str("VK_API_TOKEN", default="")
VK_API_VERSION = env.str("VK_API_VERSION", default="5.199")
VK_API_RPS = env.float("VK_API_RPS", default=3.0)
# "user", "community" or "service"; empty = learn it from VK's answers (docs/collection.md, "Token kinds").
VK_TOKEN_KIND = env.str("VK_TOKEN_KIND", default="")
# A request holds its place in the one-second window until this long after its answer arrived.
RATE_LIMIT_MARGIN_SECONDS = env.float("RATE_LIMIT_MARGIN_SECONDS", default=0.1)
TELEGRAM_API_URL = env.str("TELEGRAM_API_URL", default="https://api.telegram.org")
TELEGRAM_BOT_TOKEN = env.str("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_WEB_URL = env.str("TELEGRAM_WEB_URL", default="https://t.me")
# MAX Bot API: the newer host's certificate is issued by the Russian Ministry of Digital Development's CA;
# MAX_CA_BUNDLE is a path to a PEM bundle that includes it (empty = the system's trusted CAs).
MAX_API_URL = env.str("MAX_API_URL", default="https://platform-api.max.ru")
MAX_BOT_TOKEN = env.str("MAX_BOT_TOKEN", default="")
MAX_BOT_NAME = env.str("MAX_BOT_NAME", default="")  # as channel admins find it, e.g. @union_stats_bot
MAX_CA_BUNDLE = env.str("MAX_CA_BUNDLE", default="")
OK_API_URL = env.str("OK_API_URL", default="https://api.ok.ru/fb.do")
OK_APPLICATION_KEY = env.str("OK_APPLICATION_KEY", default="")
OK_APPLICATION_SECRET = env.str("OK_APPLICATION_SECRET", default="")
OK_ACCESS_TOKEN = env.str("OK_ACCESS_TOKEN", default="")
HTTP_TIMEOUT_SECONDS = env.float("HTTP_TIMEOUT_SECONDS", default=15.0)
# An HTTP(S) proxy per network (e.g. http://user:pass@proxy.example:3128), for a network that cannot be
# reached directly (Telegram from Russia); empty = direct. Used by that network's API and web requests.
VK_PROXY_URL = env.str("VK_PROXY_URL", default="")
TELEGRAM_PROXY_URL = env.str("TELEGRAM_PROXY_URL", default="")
MAX_PROXY_URL = env.str("MAX_PROXY_URL", default="")
OK_PROXY_URL = env.str("OK_PROXY_URL", default="")
# A network whose nightly runs failed this many nights in a row is shown as not answering.
NETWORK_DOWN_NIGHTS = env.int("NETWORK_DOWN_NIGHTS", default=3)
# Where the request limits shared by all workers live: REDIS_URL, else a Redis broker; none = per process.
RATE_LIMIT_REDIS_URL = env.str(
    "REDIS_URL", default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)

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

# --- Security and robustness (issue 12, docs/security.md) --------------------------------------------
# Photos: a photo's pixel count is read from its header and refused above this limit before decoding
# (a 300 KB PNG can declare 10000×10000 pixels); the photos of one form together at most the total.
NEWS_PHOTO_MAX_PIXELS = env.int("NEWS_PHOTO_MAX_PIXELS", default=40_000_000)
NEWS_PHOTOS_MAX_TOTAL_PIXELS = env.int("NEWS_PHOTOS_MAX_TOTAL_PIXELS", default=150_000_000)

# Content-Security-Policy (django-csp): scripts only from the portal's own static files; no inline script
# (charts travel as JSON, static/js/charts.js draws them), no eval, no plugin, no framing, forms post
# only back to the portal. Styles: own files, and inline style attributes (templates and plotly.js set
# them; a style cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
