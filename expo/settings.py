"""Settings for Expo, read from the environment.

Every value has a default that runs on a laptop: SQLite in the data folder, the in-memory
channel layer, DEBUG on. Production sets ``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``DEBUG=0``; see docs/architecture.md for the full table.
"""

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EXPO_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key():
    """The key from the environment, or one generated once and kept in the data folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_flag("DEBUG", default=True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "expo.apps.ExpoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "events",
    "outbox",
    "ticketing",
    "exhibitors",
    "proposals",
    "realtime",
    "scheduling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "expo.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "expo.middleware.RefuseNulCharacters",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "expo.scoping.ExpoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "expo.urls"
WSGI_APPLICATION = "expo.wsgi.application"
ASGI_APPLICATION = "expo.asgi.application"

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
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'expo.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A kept connection is tested before a request reuses it, so one that a restart of
        # PostgreSQL or PgBouncer broke is replaced instead of failing that request.
        conn_health_checks=env_flag("DB_CONN_HEALTH_CHECKS"),
    )
}
# DATABASE_URL names a connection pooler in transaction mode (PgBouncer's
# pool_mode = transaction): each transaction may run on another server connection, so
# nothing may outlive one. That rules out prepared statements and the server-side cursors
# (WITH HOLD) that ``QuerySet.iterator()`` opens outside a transaction.
DB_TRANSACTION_POOLING = env_flag("DB_TRANSACTION_POOLING")
if DB_TRANSACTION_POOLING:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and env_flag("DB_PREPARED_STATEMENTS", default=True)
    and not DB_TRANSACTION_POOLING
):
    # Server-side binding lets PostgreSQL prepare the statements each connection repeats,
    # which saves it parsing and planning them on every request.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=2
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes concurrent visitors. Write-ahead logging lets readers go
    # on while one connection writes; IMMEDIATE transactions take the write lock at BEGIN,
    # so a writer waits its turn (up to the busy timeout, in seconds) instead of failing
    # with "database is locked" when it upgrades a read to a write. Writers queue, one at
    # a time, which also makes SQLite keep the rules that row locks keep on PostgreSQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
    # Tests run on a file too: threads (the race tests, the live server) then share it
    # through their own connections, as processes do in a real run.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test_expo.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (e-mail for now) is a task row written in the same transaction as its
# cause, run by `manage.py db_worker` (docs/architecture.md, "E-mail").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-axes sees every sign-in first (the site's page and the admin's) and refuses a user
# name after AXES_FAILURE_LIMIT failures from one address, for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # a superuser unlocks in the admin
AXES_DISABLE_ACCESS_LOG = True  # failures are kept until they expire; successes are not
AXES_VERBOSE = False  # no banner on every start of a command or process
AXES_LOCKOUT_CALLABLE = "expo.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "expo.throttling.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("sv", _("Swedish")),
    ("fi", _("Finnish")),
    ("da", _("Danish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Stockholm")
USE_TZ = True
# Dates and times as each language writes them, the same on pages, badges and e-mails.
FORMAT_MODULE_PATH = ["expo.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders, so a local run with DEBUG off needs no
# collectstatic; production may still collect into STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# The largest logo, in pixels, that is decoded at all: 25 megapixels (5,000 × 5,000)
# take about 100 MB while being scaled down.
LOGO_MAX_PIXELS = int(os.environ.get("LOGO_MAX_PIXELS", 25_000_000))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "exhibitors:portal"
LOGOUT_REDIRECT_URL = "login"

SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
# Trust X-Forwarded-Proto only behind a proxy that sets it: otherwise any client could
# claim a secure connection.
if env_flag("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, images and connections (the live dashboard's WebSocket included: CSP
# level 3 'self' covers ws: and wss: of the same host) from this site only; expo/csp.py
# has the one allowance, for the API's pages. The gate scanner's service worker and web
# app manifest come from this site too: worker-src and manifest-src fall back to
# default-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "font-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

# The console backend names a message but prints no recipient, body or private link.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "expo.mail.ConsoleBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL")
# A mail server that accepts a connection and never answers must not hold the outbox's
# worker: an attempt gives up after this many seconds and is tried again later.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "expo@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ticketing.authentication.ScannerDeviceAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "expo.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "expo.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "expo.parsers.JSONParser",
        "expo.parsers.FormParser",
        "expo.parsers.MultiPartParser",
    ],
    # Limits per client (expo/throttling.py, docs/security.md): a rate is "<n>/<second,
    # minute, hour or day>"; an empty value turns a limit off.
    "DEFAULT_THROTTLE_CLASSES": [
        "expo.throttling.AnonThrottle",
        "expo.throttling.UserThrottle",
        "expo.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("THROTTLE_ANON", "600/minute") or None,
        "user": os.environ.get("THROTTLE_USER", "1200/minute") or None,
        "registrations": os.environ.get("THROTTLE_REGISTRATIONS", "10/minute") or None,
        "holder": os.environ.get("THROTTLE_HOLDER", "60/minute") or None,
        "password_resets": os.environ.get("THROTTLE_PASSWORD_RESETS", "10/hour") or None,
        "ticket_links": os.environ.get("THROTTLE_TICKET_LINKS", "10/hour") or None,
        "scan": os.environ.get("THROTTLE_SCAN", "1200/minute") or None,
    },
    # Reverse proxies in front that append the client's address to X-Forwarded-For; 0
    # (the default) takes the connection's address.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Expo API",
    "DESCRIPTION": "Programme, tickets, check-in, exhibitors and live attendance of a city expo.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "expo.schema.document_errors",
        "expo.schema.times_of_day",
    ],
    # Sessions, expos and registrations name languages from the same list.
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "expo.settings.LANGUAGES",
        "LanguageCodeEnum": [code for code, _name in LANGUAGES],
        "SessionKindEnum": "events.models.Session.Kind",
        # A check-in's result and the one the server would have answered instead.
        "ResultEnum": "ticketing.models.CheckIn.Result",
        # A scan point's direction (``both`` too), and so a check-in's as stored.
        "ScanPointDirectionEnum": "ticketing.models.ScanPoint.Direction",
    },
    # Swagger UI from this site (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Applies LOGGING, then keeps tokens, codes and private links out of every log line.
LOGGING_CONFIG = "expo.redaction.configure"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Where visitors reach this site: the start of the links in e-mails and API answers. Unset,
# API answers link to the host the request came to (``ticketing.emails.absolute_url``).
EXPO_BASE_URL = os.environ.get("EXPO_BASE_URL", "").rstrip("/")

# The gate scanner keeps working offline from the keys, rules and cancelled tickets it
# fetched while online (docs/codes.md, "Scanning offline"); it warns when they are older
# than this many minutes.
SCANNER_OFFLINE_WARN_MINUTES = int(os.environ.get("SCANNER_OFFLINE_WARN_MINUTES", "30"))
