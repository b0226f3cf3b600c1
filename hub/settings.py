"""Settings for the Open Source Hub: one module, configured from the environment.

Without any variables set this is the embedded default (SQLite, eager Celery,
local-memory cache, e-mail to the console). DATABASE_URL, REDIS_URL and
EMAIL_URL switch to the full stack (PostgreSQL, Redis, SMTP).
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "csp",
    "hub",
    "directory",
    "events",
    "pledges",
    "chamber",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hub.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # The language first: even a request refused for its size is answered in the reader's.
    "django.middleware.locale.LocaleMiddleware",
    "hub.middleware.ApiLanguageMiddleware",
    "hub.middleware.BoundedInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

# Request bodies: the longest form (a listing: two Markdown texts of 20,000 characters,
# percent-encoded) stays well under 1 MiB; larger bodies answer 413 (hub/middleware.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# No page sends more than a few hundred fields (the bulk review of logged hours is the largest).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

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
                "hub.context_processors.hub",
            ],
        },
    },
]

# An empty variable counts as unset: the embedded default applies.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The hub's data lives in memory or on SSD, where a random read costs about what a
    # sequential one does; at PostgreSQL's default of 4 a search for a selective word scans
    # whole tables instead of using the full-text index (twice as slow, measured).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c random_page_cost=1.1")
else:
    # Covering indexes (INCLUDE) are PostgreSQL's; SQLite builds them without the extra
    # columns, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # A crowd on the embedded default: readers never wait for the writer (WAL), a write
    # transaction takes the lock when it begins (IMMEDIATE) so two of them cannot both read
    # and then fail to upgrade, and a waiting writer queues for up to 20 s instead of failing
    # at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "hub.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "me"

# The hub's languages, the first one served without a prefix (`/events/`), the others under
# theirs (`/fr/events/`). A hub elsewhere adds one with a `.po` file in locale/ and this list.
HUB_LANGUAGES = env.list("HUB_LANGUAGES", default=["en", "fr"])
for _code in HUB_LANGUAGES:
    if _code not in LANG_INFO:
        raise ImproperlyConfigured(f"HUB_LANGUAGES: Django knows no language {_code!r}.")
LANGUAGE_CODE = HUB_LANGUAGES[0]
LANGUAGES = [(code, LANG_INFO[code]["name_local"]) for code in HUB_LANGUAGES]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["hub.formats"]
TIME_ZONE = env.str("HUB_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# --- Uploaded files (logos): local files by default, any S3-compatible storage when set ----
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("HUB_MEDIA_ROOT", default=str(BASE_DIR / "media")))
HUB_MEDIA_S3_BUCKET = env.str("HUB_MEDIA_S3_BUCKET", default="")
# Origins besides the site's own that pages load images from (the Content-Security-Policy).
HUB_MEDIA_ORIGINS = []
if HUB_MEDIA_S3_BUCKET:
    _s3_endpoint = env.str("HUB_MEDIA_S3_ENDPOINT_URL", default="") or None
    _s3_domain = env.str("HUB_MEDIA_S3_CUSTOM_DOMAIN", default="") or None
    _s3_region = env.str("HUB_MEDIA_S3_REGION", default="") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": HUB_MEDIA_S3_BUCKET,
            "endpoint_url": _s3_endpoint,
            "region_name": _s3_region,
            # Unset: boto3's usual chain (AWS_* variables, an instance role).
            "access_key": env.str("HUB_MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("HUB_MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "custom_domain": _s3_domain,
            # Logos are public and their names are content hashes: plain, cacheable URLs.
            "querystring_auth": False,
            "file_overwrite": True,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if _s3_domain:
        HUB_MEDIA_ORIGINS.append(f"https://{_s3_domain.split('/')[0]}")
    elif _s3_endpoint:
        _endpoint = urlsplit(_s3_endpoint)
        HUB_MEDIA_ORIGINS.append(f"{_endpoint.scheme}://{_endpoint.netloc}")
    else:
        HUB_MEDIA_ORIGINS.append(f"https://{HUB_MEDIA_S3_BUCKET}.s3.amazonaws.com")
        if _s3_region:
            HUB_MEDIA_ORIGINS.append(f"https://{HUB_MEDIA_S3_BUCKET}.s3.{_s3_region}.amazonaws.com")
# A logo upload is refused above this many bytes or pixels (decompression bombs), and
# stored re-encoded, at most HUB_LOGO_SIZE pixels wide and high (directory/logos.py).
HUB_LOGO_MAX_BYTES = env.int("HUB_LOGO_MAX_BYTES", default=2 * 1024 * 1024)
HUB_LOGO_MAX_PIXELS = env.int("HUB_LOGO_MAX_PIXELS", default=20_000_000)
HUB_LOGO_SIZE = 512

# --- Redis: cache and Celery broker on the full stack --------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Seconds a call to Redis (cache, broker) may wait to connect or for an answer: a slow or
# dead Redis must not hold up a request. The cache then answers misses (hub/rediscache.py)
# and jobs wait in the outbox (hub/jobs.py).
HUB_REDIS_TIMEOUT = env.float("HUB_REDIS_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "hub.rediscache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="hub"),
            "OPTIONS": {
                "socket_connect_timeout": HUB_REDIS_TIMEOUT,
                "socket_timeout": HUB_REDIS_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_TIMEOUT = HUB_REDIS_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that enqueues a job must not hang when Redis is away: one try, bounded by the
# timeout, then the job waits in the outbox. (The worker's own reconnecting is separate.)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": HUB_REDIS_TIMEOUT,
    "socket_connect_timeout": HUB_REDIS_TIMEOUT,
    "max_retries": 0,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TIMEZONE = TIME_ZONE
# The reminder and digest tasks live in portal.tasks (the top layer) under the names they had
# in hub.tasks, so this schedule and messages already queued keep working.
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "hub.tasks.outbox_flush_task", "schedule": 60.0},
    "event-reminders": {"task": "hub.tasks.event_reminders_task", "schedule": crontab(minute=5)},
    "pledge-reminders": {
        "task": "hub.tasks.pledge_reminders_task",
        "schedule": crontab(minute=0, hour=9),
    },
    "pending-review-reminders": {
        "task": "hub.tasks.pending_review_reminders_task",
        "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
    },
    "seat-offers-expire": {"task": "events.tasks.expire_seat_offers_task", "schedule": 60.0},
    "schedule-changes-announce": {
        "task": "events.tasks.announce_schedule_changes_task",
        "schedule": 60.0,
    },
    "evidence-checks-retry": {
        "task": "pledges.tasks.evidence_retry_task",
        "schedule": crontab(minute="*/10"),
    },
    # Asks met or past their date close once (pledges/asks/services.py).
    "asks-close-due": {
        "task": "pledges.asks.tasks.asks_close_due_task",
        "schedule": crontab(minute=20),
    },
    "weekly-digest": {
        "task": "hub.tasks.weekly_digest_task",
        "schedule": crontab(minute=0, hour=8, day_of_week="tue"),
    },
    "forge-sync": {"task": "directory.tasks.forge_sync_task", "schedule": crontab(minute="*/30")},
}

# --- E-mail ---------------------------------------------------------------------------
vars().update(env.email_url_config(env.str("EMAIL_URL", default="") or "consolemail://"))
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Open Source Hub <hello@hub.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
HUB_NAME = env.str("HUB_NAME", default="Open Source Hub")
# Absolute links in e-mails (tickets, waitlist, digest, unsubscribe), which workers send
# without a request to build them from: the address people reach the hub at. Unset, it is
# where `make run` serves under DEBUG (its HOST and PORT, which the Makefile passes on), and
# in production the first host name of ALLOWED_HOSTS.
HUB_SITE_URL = env.str("HUB_SITE_URL", default="").rstrip("/")
if not HUB_SITE_URL:
    _served_names = [host for host in ALLOWED_HOSTS if "*" not in host and host[:1] != "."]
    if DEBUG or not _served_names:
        _host = env.str("HOST", default="") or "127.0.0.1"
        # Served on every interface: this machine reaches it on its loopback address.
        _host = "127.0.0.1" if _host in ("0.0.0.0", "::", "[::]") else _host  # noqa: S104 - compared, not bound
        HUB_SITE_URL = f"http://{_host}:{env.int('PORT', default=8000)}"
    else:
        _scheme = "https" if env.bool("SECURE_SSL_REDIRECT", default=True) else "http"
        HUB_SITE_URL = f"{_scheme}://{_served_names[0]}"
HUB_REGION = env.str("HUB_REGION", default="Baltimore & the Mid-Atlantic")
HUB_POSTAL_ADDRESS = env.str(
    "HUB_POSTAL_ADDRESS", default="Open Source Hub, 100 Light Street, Baltimore, MD 21202"
)

# Pledges given as a percentage of the workforce are turned into hours at this many
# working hours per person per month (quarter: x3, year: x12).
HUB_WORKING_HOURS_PER_MONTH = env.int("HUB_WORKING_HOURS_PER_MONTH", default=160)
# The year in numbers (/impact/) lists organizations alphabetically: the hub celebrates its
# total. On: by hours given, most first.
HUB_BOARDS_RANKED = env.bool("HUB_BOARDS_RANKED", default=False)
HUB_EVENT_REMINDER_HOURS = env.int("HUB_EVENT_REMINDER_HOURS", default=24)
# Hours are logged for a day within this many days back (staff may correct older ones in admin).
HUB_LOG_WINDOW_DAYS = env.int("HUB_LOG_WINDOW_DAYS", default=90)
HUB_DIGEST_BATCH_SIZE = env.int("HUB_DIGEST_BATCH_SIZE", default=500)
# Public pages are served to anonymous visitors from the cache (hub/pagecache.py): a change
# to a public app's row makes its pages stale at once; this bounds what only time changes. 0: off.
HUB_PAGE_CACHE_SECONDS = env.int("HUB_PAGE_CACHE_SECONDS", default=60)
# Longest wait, in milliseconds, for a row lock on PostgreSQL (hub/locks.py): past it the
# change answers "busy, try again" (503, Retry-After) instead of holding the worker.
HUB_LOCK_TIMEOUT_MS = env.int("HUB_LOCK_TIMEOUT_MS", default=5000)

# --- Forges (hub/forge) -------------------------------------------------------------------
# The forges whose repositories the hub reads: host -> kind, API base and optional token.
# GitLab and Gitea/Forgejo hosts are comma-separated; "host=https://api-base" names an API
# base other than https://host/api/v4 (GitLab) or https://host/api/v1 (Gitea). A token of a
# kind is sent to every host of that kind.
HUB_FORGE_TIMEOUT = env.float("HUB_FORGE_TIMEOUT", default=10.0)
HUB_FORGE_SCORECARD_API = env.str("HUB_FORGE_SCORECARD_API", default="https://api.scorecard.dev")
HUB_FORGES = {
    "github.com": {
        "kind": "github",
        "api": env.str("HUB_FORGE_GITHUB_API", default="https://api.github.com"),
        "token": env.str("HUB_FORGE_GITHUB_TOKEN", default=""),
    }
}
for _kind, _api_path, _default_hosts in (
    ("gitlab", "/api/v4", ["gitlab.com"]),
    ("gitea", "/api/v1", ["codeberg.org"]),
):
    for _entry in env.list(f"HUB_FORGE_{_kind.upper()}_HOSTS", default=_default_hosts):
        _host, _, _api = _entry.strip().partition("=")
        HUB_FORGES[_host.lower()] = {
            "kind": _kind,
            "api": _api or f"https://{_host}{_api_path}",
            "token": env.str(f"HUB_FORGE_{_kind.upper()}_TOKEN", default=""),
        }
# Projects refreshed per run of the forge-sync job (beat runs it every 30 minutes, so
# 48 runs a day: the batch should be at least a 48th of the published projects).
HUB_FORGE_SYNC_BATCH = env.int("HUB_FORGE_SYNC_BATCH", default=100)
# A project is refreshed at most this often; a failed one waits longer each time.
HUB_FORGE_SYNC_INTERVAL_HOURS = env.int("HUB_FORGE_SYNC_INTERVAL_HOURS", default=24)

# --- Accounts (django-allauth) ----------------------------------------------------------
ACCOUNT_ADAPTER = "hub.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "hub.forms.SignupForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Sign-up and password reset answer the same whether or not an address has an account;
# at sign-up the address's owner learns by e-mail that they already have an account.
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an address without an account sends nothing: the hub mails no stranger
# (nor anyone who deleted their account) on someone else's request.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# How many proxies under our control sit in front of the portal (0: none, the client talks
# to gunicorn directly). Per-address limits (allauth's, the API's) then take the client's
# address from X-Forwarded-For, that many entries from the right, not the proxy's address.
HUB_TRUSTED_PROXIES = env.int("HUB_TRUSTED_PROXIES", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = HUB_TRUSTED_PROXIES
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{HUB_NAME}] "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Forge accounts proven through OAuth: allauth's GitHub and GitLab providers are installed
# only for the forges the hub has an OAuth app of, so a hub without one shows no sign-in
# page that could not work. Connecting is for people with an account; nobody signs up
# through a forge (hub.social.SocialAccountAdapter).
SOCIALACCOUNT_PROVIDERS = {}
if env.str("HUB_GITHUB_OAUTH_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["github"] = {
        "APPS": [
            {
                "client_id": env.str("HUB_GITHUB_OAUTH_CLIENT_ID"),
                "secret": env.str("HUB_GITHUB_OAUTH_SECRET", default=""),
            }
        ],
        "SCOPE": [],
    }
if env.str("HUB_GITLAB_OAUTH_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["gitlab"] = {
        "APPS": [
            {
                "client_id": env.str("HUB_GITLAB_OAUTH_CLIENT_ID"),
                "secret": env.str("HUB_GITLAB_OAUTH_SECRET", default=""),
            }
        ],
        "SCOPE": ["read_user"],
    }
if SOCIALACCOUNT_PROVIDERS:
    INSTALLED_APPS += [
        "allauth.socialaccount",
        *(f"allauth.socialaccount.providers.{provider}" for provider in SOCIALACCOUNT_PROVIDERS),
    ]
    SOCIALACCOUNT_ADAPTER = "hub.social.SocialAccountAdapter"
    SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
# A logged hour's evidence (a pull request, commit or issue) checks out when the forge dates
# it within this many days of the logged day (pledges/evidence.py).
HUB_EVIDENCE_WINDOW_DAYS = env.int("HUB_EVIDENCE_WINDOW_DAYS", default=3)

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated API call gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON bodies within DATA_UPLOAD_MAX_MEMORY_SIZE and 32 levels deep (hub/bounded.py).
    "DEFAULT_PARSER_CLASSES": [
        "hub.bounded.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "hub.openapi.AutoSchema",
    # A service's ValidationError is a 400 with field errors, its PermissionDenied a 403.
    "EXCEPTION_HANDLER": "hub.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Rates per minute/hour/day ("120/min"); an empty variable switches that rate off.
    # Anonymous callers are counted per address, signed-in ones per person (hub/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["hub.throttling.AnonThrottle", "hub.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("HUB_API_RATE_ANON", default="120/min") or None,
        "user": env.str("HUB_API_RATE_USER", default="600/min") or None,
        "register": env.str("HUB_API_RATE_REGISTER", default="10/min") or None,
        "vote": env.str("HUB_API_RATE_VOTE", default="60/min") or None,
        "log_hours": env.str("HUB_API_RATE_LOG_HOURS", default="30/min") or None,
    },
    "NUM_PROXIES": HUB_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Open Source Hub API",
    "DESCRIPTION": "The region's open source organizations, projects, events and pledges.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation is throttled (hub/throttling.py): each may answer 429 with Retry-After.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hub.throttling.document_rate_limits",
    ],
    # Both models have a "kind"; name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "OrganizationKindEnum": "directory.models.Organization.Kind",
        "TagKindEnum": "directory.models.Tag.Kind",
        "ListingStatusEnum": "directory.models.ListingStatus",
    },
}

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and container health checks ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No page uses these browser features; nothing embedded may ask for them (hub/headers.py).
HUB_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Templates carry no inline script or style, so the policy needs no 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *HUB_MEDIA_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
