"""Casebook settings, read from the environment.

Every value has an embedded default so that `manage.py runserver` works on a
machine with nothing installed: SQLite, local media, a local-memory cache,
eager Celery tasks, email written to files. Production sets DATABASE_URL,
REDIS_URL, the media bucket and a mail server. README.md lists every variable.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A developer's .env file (written by bin/run on first start). The test suite
# switches this off so that a local .env cannot change what the tests see.
if env.bool("CASEBOOK_READ_DOTENV", default=True):
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(for example in .env), or set DEBUG=true for local development."
        )
    SECRET_KEY = "casebook-insecure-development-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Links in emails are built from this, never from the request's Host header.
SITE_BASE_URL = env.str("SITE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_SITE_NAME = "Casebook"

INSTALLED_APPS = [
    "blog",
    "casestudies",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "rest_framework",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.sites",
    "django_comments",
    "django.contrib.staticfiles",
    # Admin login throttling (see the block "Admin login" below).
    "axes",
]

MIDDLEWARE = [
    # Outermost: it marks the response as it leaves for the cache in front.
    "blog.front_cache.CacheHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache so that cached views count too; it reads
    # request.user only after the response, when it exists for non-cached ones.
    "blog.middleware.PageViewMiddleware",
    "blog.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An author's admin URL naming another author's request, draft or photo answers 404.
    "casestudies.interviews.admin.guard.AdminVisibilityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Finds a page's site and route from the cache, one query (blog/routing.py).
    "blog.routing.RouteMiddleware",
    # Last: turns a login refused for too many failures into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL names another (PostgreSQL in
# production). Health checks make a restarted PostgreSQL cost one failed
# connection attempt per process instead of lasting errors.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'casebook.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Several replicas: each process keeps a psycopg pool (Django 5.1+) instead of
# one connection per thread, so the sum over replicas and workers stays below
# PostgreSQL's max_connections (README: "Running on several servers").
# A pool replaces persistent connections: Django requires CONN_MAX_AGE 0.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env.bool("DATABASE_POOL", default=False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=4),
        # Seconds a request waits for a free connection before it fails.
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # A transaction takes the write lock when it begins. SQLite cannot
            # turn a reader into a writer while another connection writes: it
            # fails at once with "database is locked", whatever the timeout.
            # It also stands in for the row locks SQLite does not have, so
            # concurrent saves of one questionnaire run one after the other.
            "transaction_mode": "IMMEDIATE",
            # Seconds a connection waits for the lock before it gives up.
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: German first, English second. Content is written in German;
# the interface text is translated through the catalogues in */locale.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "blog" / "locale", BASE_DIR / "casestudies" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# Static files and media.
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "static")
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Questionnaire uploads stay here until an editor accepts them: never served.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")

_manifest_static = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if _manifest_static
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# S3-compatible media when a bucket is configured (django-storages). Public
# media and private uploads get separate buckets: a bucket policy is the only
# thing that keeps a private upload private.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _s3 = {
        "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env.str("AWS_S3_REGION_NAME", default=None),
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default=None),
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_s3, "bucket_name": AWS_STORAGE_BUCKET_NAME, "querystring_auth": False},
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "custom_domain": None,
            "bucket_name": env.str("AWS_PRIVATE_BUCKET_NAME", default=f"{AWS_STORAGE_BUCKET_NAME}-private"),
            "querystring_auth": True,
            "default_acl": "private",
        },
    }

# Interview photos in the image library are private until a live page shows
# them (casestudies/pages/private_images.py): the default storage keeps their
# files (under "private/") in the private storage, everything else in the
# public one, and hands out a permission-checking URL for the private ones.
STORAGES["public"] = STORAGES["default"]
STORAGES["default"] = {"BACKEND": "casestudies.pages.private_images.RoutingStorage"}

# Redis: unset, tasks run eagerly in the web process and the cache lives in
# local memory. Set, Redis is Celery's broker (the URL's database) and the
# cache (the next database, unless REDIS_CACHE_URL says otherwise).
REDIS_URL = env.str("REDIS_URL", default="")


def _next_redis_db(url: str) -> str:
    base, _, db = url.rstrip("/").rpartition("/")
    if db.isdigit() and base.count("/") >= 2:
        return f"{base}/{int(db) + 1}"
    return f"{url.rstrip('/')}/1"


# No request may wait on a hung Redis for more than about a second.
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
# After one failed or timed-out call a process leaves Redis alone this long
# (blog/redis_breaker.py): one request pays the timeout, the next ones none.
REDIS_BREAKER_SECONDS = env.float("REDIS_BREAKER_SECONDS", default=10.0)

if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis behind the circuit breaker, with an in-process stand-in.
            "BACKEND": "blog.redis_breaker.BreakerRedisCache",
            "LOCATION": env.str("REDIS_CACHE_URL", default=_next_redis_db(REDIS_URL)),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="casebook"),
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole public pages are cached for readers (see blog/page_cache.py).
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 300)

# The shared cache in front of the site (Varnish, a CDN): public pages may be
# kept this long there (s-maxage); every change purges what it affects
# through wagtail.contrib.frontend_cache (blog/front_cache.py). Only the
# backends configured here are purged; none configured, nothing is sent.
FRONT_CACHE_SECONDS = env.int("FRONT_CACHE_SECONDS", default=PAGE_CACHE_SECONDS)
WAGTAILFRONTENDCACHE: dict[str, dict] = {}
for _number, _location in enumerate(env.list("FRONTEND_CACHE_VARNISH_URLS", default=[]), start=1):
    WAGTAILFRONTENDCACHE[f"varnish{_number}"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": _location,
    }
if env.str("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID", default=""):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": env.str("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID"),
        "BEARER_TOKEN": env.str("FRONTEND_CACHE_CLOUDFLARE_BEARER_TOKEN", default=""),
    }
if env.str("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID", default=""):
    # Credentials come from boto3's own environment (AWS_ACCESS_KEY_ID ...).
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env.str("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"),
    }
# blog/front_cache.py names both languages itself (German has no prefix).
WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []

# Page-view counters live beside the cache (one round trip per view).
PAGEVIEW_REDIS_URL = CACHES["default"]["LOCATION"] if REDIS_URL else ""

# Celery. The app lives in blog/celery.py and reads the CELERY_* names below.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# Late acks alone do not requeue a task whose worker process died.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
    # See CELERY_VISIBILITY_TIMEOUT below, after the outbox lease it must fit.
}
# A hung broker must fail a publish quickly, not block a request for minutes.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE

# Wagtail's own background work (reference and search index updates).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Email: written as files to var/mail unless a server is configured.
# EMAIL_URL takes smtp://user:password@host:587/?tls=True; a provider through
# django-anymail is chosen with EMAIL_BACKEND and its ANYMAIL_* variables.
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Casebook <redaktion@casebook.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds an SMTP connection may wait for the server at each step. Django's
# default is to wait forever: a hung mail server would hold a worker process.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    # django-environ reads TLS only from the scheme (smtp+tls://); the query
    # form ?tls=True ends up in an OPTIONS key Django never reads, and mail
    # (with the SMTP password) would go out unencrypted.
    _email_query = {
        key.lower(): str(value).lower() in {"1", "true", "yes", "on"}
        for key, value in _email.get("OPTIONS", {}).items()
    }
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS") or _email_query.get("tls"))
    EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL") or _email_query.get("ssl"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
ANYMAIL = {key[len("ANYMAIL_") :]: value for key, value in env.ENVIRON.items() if key.startswith("ANYMAIL_")}

# Security. Production defaults are strict; a developer's DEBUG=true relaxes
# only what a plain-HTTP localhost needs.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# The questionnaire explains a failed form in the contact's language; other
# pages get Django's own page.
CSRF_FAILURE_VIEW = "casestudies.interviews.questionnaire.views.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Subdomains are already included for a year; preload also protects the
# very first visit. An operator who cannot commit to that sets it to false.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Nothing of ours is framed; Wagtail's preview view sets SAMEORIGIN itself.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# A strict policy on the public pages; the Wagtail admin brings inline
# scripts and styles of its own and is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # blob: the questionnaire previews the photos a contact picked before uploading them.
        "img-src": ["'self'", "data:", "blob:", *env.list("CSP_IMG_SRC", default=[])],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Reader comments (django-contrib-comments) need Django's own sites framework.
SITE_ID = 1
COMMENTS_HIDE_REMOVED = True
# Rate limits count in the default cache (Redis in production, shared by all
# web processes).
RATELIMIT_USE_CACHE = "default"
# How many reverse proxies of ours stand in front of the web server: the
# client's address is read that many entries from the right of
# X-Forwarded-For (0: the header is ignored, REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "blog.client_address.client_ip"

# Wagtail.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILAPI_BASE_URL = SITE_BASE_URL
WAGTAIL_I18N_ENABLED = False
# An approval in the moderation workflow counts only for the revision it
# approved: a page edited after the company signed it off (or after an
# editor approved it) goes through that step again before it is published.
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
WAGTAILEMBEDS_RESPONSIVE_HTML = True
# YouTube (privacy-enhanced) and Vimeo only: what the CSP's frame-src allows.
WAGTAILEMBEDS_FINDERS = [{"class": "blog.embeds"}]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "casebook": {
            "handlers": ["console"],
            "level": env.str("LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
    },
}

# The password `manage.py load_demo` gives the demo's admin account.
DEMO_ADMIN_PASSWORD = env.str("DEMO_ADMIN_PASSWORD", default="casebook-demo")

# Interview requests (casestudies). A questionnaire link works until the
# deadline plus this grace period; uploads are bounded before they are decoded.
INTERVIEW_TOKEN_GRACE_DAYS = env.int("INTERVIEW_TOKEN_GRACE_DAYS", default=14)
# A deadline an editor sets lies at least this many days ahead (issue 14).
INTERVIEW_MIN_DEADLINE_DAYS = env.int("INTERVIEW_MIN_DEADLINE_DAYS", default=3)
INTERVIEW_PHOTO_MAX_BYTES = env.int("INTERVIEW_PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
INTERVIEW_PHOTO_MAX_PIXELS = env.int("INTERVIEW_PHOTO_MAX_PIXELS", default=40_000_000)
INTERVIEW_PHOTO_MAX_FILES = env.int("INTERVIEW_PHOTO_MAX_FILES", default=20)
# An outgoing email is given up (status failed) after this many attempts.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# A relay holds an outgoing email this long while it sends it; if its process
# dies meanwhile, another relay sends the email once the lease has run out.
# It must outlast the slowest send (EMAIL_TIMEOUT bounds each SMTP step).
OUTBOX_SEND_LEASE_SECONDS = env.int("OUTBOX_SEND_LEASE_SECONDS", default=300)

# Privacy (issue 13): no third party hears from the admin. Wagtail shows
# initials or an uploaded avatar instead of asking gravatar.com (which would
# get a hash of each editor's email), and does not phone home for updates.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Retention (casestudies.interviews.retention): answers, photos, emails and the
# contact's words of a request that ended (declined, expired, withdrawn) go
# this many days after it ended; photos editors did not accept, this many
# days after the request went on (accepted or published).
RETENTION_ENDED_REQUEST_DAYS = env.int("RETENTION_ENDED_REQUEST_DAYS", default=365)
RETENTION_UNACCEPTED_UPLOADS_DAYS = env.int("RETENTION_UNACCEPTED_UPLOADS_DAYS", default=90)

# Admin login (Wagtail's /admin/login/ and Django's /django-admin/login/):
# django-axes counts wrong passwords per account and per address (either one
# locks), in the shared database, so the count holds across web replicas.
# After ADMIN_LOGIN_FAILURE_LIMIT wrong passwords that account, and that
# address, is refused (the right password too) for ADMIN_LOGIN_LOCKOUT_MINUTES.
# An administrator unlocks early: Django admin -> Axes -> Access attempts, or
# `manage.py axes_reset_username <name>` / `axes_reset_ip <address>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("ADMIN_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "blog.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "blog.admin_login.locked_out"
AXES_RESET_ON_SUCCESS = True
# No record of successful logins (address and browser of every editor's
# session): only failed attempts are kept, and only until the lock-out ends.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Redis hands an unacknowledged task to another worker after the visibility
# timeout: how long a task lost with a killed worker stays lost. It must
# outlast the longest task (bounded by CELERY_TASK_TIME_LIMIT) and the longest
# countdown (a relay waiting out another relay's lease, lease + 1 s), or a
# task still running or waiting would be run twice. docs/decisions.md.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=max(CELERY_TASK_TIME_LIMIT, OUTBOX_SEND_LEASE_SECONDS + 60) + 60
)
if max(CELERY_TASK_TIME_LIMIT, OUTBOX_SEND_LEASE_SECONDS + 60) >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be longer than CELERY_TASK_TIME_LIMIT and than "
        "OUTBOX_SEND_LEASE_SECONDS + 60, or a running or waiting task is delivered twice."
    )
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_VISIBILITY_TIMEOUT

# Incoming mail (casestudies.interviews.inbound). Replies to a request go to
# its own address: the pattern's {id} is the request's public id (empty: the
# sender address of DEFAULT_FROM_EMAIL plus "+{id}"). IMAP_URL (empty: no
# fetch) is read every IMAP_POLL_SECONDS; filed messages move from IMAP_FOLDER
# to IMAP_PROCESSED_FOLDER. A provider's webhooks are checked by anymail
# (ANYMAIL_WEBHOOK_SECRET, collected into ANYMAIL above).
REPLY_ADDRESS_PATTERN = env.str("REPLY_ADDRESS_PATTERN", default="")
IMAP_URL = env.str("IMAP_URL", default="")
IMAP_FOLDER = env.str("IMAP_FOLDER", default="INBOX")
IMAP_PROCESSED_FOLDER = env.str("IMAP_PROCESSED_FOLDER", default="Casebook")
IMAP_POLL_SECONDS = env.int("IMAP_POLL_SECONDS", default=300)
