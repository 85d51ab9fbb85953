"""Voorproef's settings: one module, driven by environment variables (see the README)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (systemd credentials, docker)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def _secret_key(var_dir: Path) -> str:
    if key := env_secret("SECRET_KEY"):
        return key
    # Made once by manage.py or the app's start (voorproef/core/bootstrap.py); never here.
    path = var_dir / "secret_key"
    key = path.read_text().strip() if path.exists() else ""
    if not key:
        raise ImproperlyConfigured(
            f"No secret key: set SECRET_KEY (or SECRET_KEY_FILE), or run any manage.py command "
            f"once (e.g. `python manage.py check`) to generate one into {path}"
        )
    return key


class _Email(NamedTuple):
    """Django's EMAIL_* settings, with Django's defaults."""

    backend: str
    host: str = "localhost"
    port: int = 25
    host_user: str = ""
    host_password: str = ""
    use_ssl: bool = False
    use_tls: bool = False
    timeout: int | None = None


def _email_settings(url: str) -> _Email:
    """EMAIL_URL: console:// (default), smtp://user:pass@host:port, smtps://… (TLS), or
    smtp://…?starttls=1."""
    parts = urlsplit(url)
    if parts.scheme in {"", "console"}:
        return _Email(backend="django.core.mail.backends.console.EmailBackend")
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with console:, smtp: or smtps:, not {url!r}"
        )
    query = parse_qs(parts.query)
    return _Email(
        backend="voorproef.mail.backends.SMTPBackend",
        host=parts.hostname or "localhost",
        port=parts.port or (465 if parts.scheme == "smtps" else 25),
        host_user=unquote(parts.username or ""),
        host_password=unquote(parts.password or ""),
        use_ssl=parts.scheme == "smtps",
        use_tls=query.get("starttls", ["0"])[0] in {"1", "true"},
        timeout=20,
    )


# voorproef/core/bootstrap.py prepares the same folder before a process reads these settings.
VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = _secret_key(VAR_DIR)

PORT = env_int("PORT", 8000)
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in {"http", "https"} or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address, not {SITE_URL!r}")
HTTPS = _site.scheme == "https"

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS").split(",") if h.strip()] or [
    _site.hostname,
    "127.0.0.1",
    "localhost",
    "[::1]",
]
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "voorproef.core",
    "voorproef.essays",
    "voorproef.downloads",
    "voorproef.inbox",
    "voorproef.comments",
    "voorproef.privacy",
    "voorproef.mail",
    "voorproef.wordpress",
    "voorproef.webhooks",
    "voorproef.stats",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    # `make run` (runserver) leaves static files to WhiteNoise, inside the app as in
    # production: each request then has its one line in the access log.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the security headers: leaves the public policy to the proxy that adds it itself.
    "voorproef.core.middleware.ProxyPolicyMiddleware",
    # Before the page cache, so a page served from the cache carries these headers too.
    "voorproef.core.middleware.CSPMiddleware",
    "voorproef.core.middleware.PolicyHeadersMiddleware",  # Permissions-Policy, CORP
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "voorproef.core.middleware.SiteLanguageMiddleware",
    "voorproef.core.middleware.FormTokenMiddleware",
    "voorproef.wordpress.middleware.OldAddressMiddleware",  # /?p=123, before the page cache
    "voorproef.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "voorproef.core.auth.DeviceCookieMiddleware",  # the admin's device cookie (core/auth.py)
    # After it, to know an editor; before any view, and before the CSRF check (in its
    # process_view) reads a body.
    "voorproef.core.middleware.BodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "voorproef.urls"
WSGI_APPLICATION = "voorproef.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "voorproef.core.context_processors.site",
            ],
        },
    },
]

# Databases: an SQLite file under VAR_DIR unless DATABASE_URL names another.
_SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue on the
    # busy timeout instead of failing with "database is locked" half-way through.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;"
        "PRAGMA busy_timeout=20000;"
    ),
}
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'voorproef.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept (per thread, up to a minute, as for PostgreSQL): opening one costs the
    # PRAGMAs and the schema read, and closing the last one checkpoints the WAL, about 3 ms
    # together on every request and every task.
    DATABASES["default"]["OPTIONS"] = {**_SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # Django's backend, with writers queued for the lock instead of polling SQLite's.
    DATABASES["default"]["ENGINE"] = "voorproef.core.sqlite3"
    # Tests use a file too: the live server's threads then get connections of their own, as in
    # production, instead of sharing one in-memory connection.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches: Redis when REDIS_URL is set; otherwise SQLite files under VAR_DIR (diskcache), which
# every process on the machine shares (the app's workers, the task worker), so a purge reaches
# all of them. Each is eight SQLite files (shards) in WAL mode: a read never waits for a write,
# a counter is added to in one statement (rate limits hold across processes), and when one is
# full the entries stored longest ago go first. Django's file cache wrote a file per set and
# read one per get; a comment post's five sets took a quarter of its time (README, Performance).
REDIS_URL = env("REDIS_URL")


def _disk_cache(folder: str, megabytes: int) -> dict[str, Any]:
    return {
        "BACKEND": "voorproef.core.caching.DiskCache",
        "LOCATION": str(VAR_DIR / folder),
        # How long a read or write waits for a shard's lock before it tries again (writes) or
        # counts as a miss (reads).
        "DATABASE_TIMEOUT": 0.1,
        "OPTIONS": {"size_limit": megabytes * 1024 * 1024},
    }


CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "voorproef",
        }
    }
else:
    CACHES = {"default": _disk_cache("cache", 512)}
# The statistics' visits and buffered counts (voorproef/stats): apart from the pages and rate
# limits, so a launch spike's visitors never push a cached page out. On Redis the same server,
# under a prefix of their own (keys expire by themselves); else a cache of their own.
CACHES["stats"] = (
    {**CACHES["default"], "KEY_PREFIX": "voorproef-stats"}
    if REDIS_URL
    else _disk_cache("stats-cache", 256)
)
# Where the shipped nginx writes down the statistics beacons it answers itself, a file per 10
# seconds, for the scheduler to count and delete (deploy/nginx/locations.conf).
STATS_BEACON_DIR = VAR_DIR / "stats-beacon"
CACHES["renditions"] = {
    "BACKEND": "voorproef.core.caching.RenditionCache",
    "TIMEOUT": 300,
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 24 * 3600)
# How long a caching proxy in front (deploy/nginx) may keep a public page: a publish or a new
# comment shows after at most this long. 0: the proxy keeps nothing.
PROXY_CACHE_SECONDS = env_int("PROXY_CACHE_SECONDS", 5)


def _redis_database(url: str) -> tuple[str, str]:
    """Where a Redis URL points: its server, and its database number (0 when it names none)."""
    parts = urlsplit(url)
    return parts.netloc, parts.path.strip("/") or "0"


# Background tasks: in the database (db_worker), or on Redis with RQ (rqworker) when asked.
TASKS_BACKEND = env("TASKS_BACKEND", "database")
TASKS: dict[str, dict[str, Any]]
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "rq":
    # The jobs need a Redis database of their own: a cache may be emptied (cache.clear() is a
    # FLUSHDB) or evicted under memory pressure at any time, and the jobs would go with it.
    TASKS_REDIS_URL = env("TASKS_REDIS_URL")
    if not TASKS_REDIS_URL:
        raise ImproperlyConfigured(
            "TASKS_BACKEND=rq needs TASKS_REDIS_URL, e.g. redis://127.0.0.1:6379/2"
        )
    if REDIS_URL and _redis_database(TASKS_REDIS_URL) == _redis_database(REDIS_URL):
        raise ImproperlyConfigured(
            "TASKS_REDIS_URL must name another Redis database than REDIS_URL (the cache's): "
            "emptying or evicting the cache would lose the waiting jobs"
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    # PDF rendering can take a while; RQ's default would stop a job after three minutes.
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database or rq, not {TASKS_BACKEND!r}")

# Public forms: a post sooner than this after the page was shown, or later, is refused.
FORM_MIN_SECONDS = env_int("FORM_MIN_SECONDS", 2)
FORM_MAX_AGE_SECONDS = env_int("FORM_MAX_AGE_SECONDS", 24 * 3600)
FORM_POSTS_PER_IP_PER_HOUR = env_int("FORM_POSTS_PER_IP_PER_HOUR", 30)
FORM_POSTS_PER_EMAIL_PER_HOUR = env_int("FORM_POSTS_PER_EMAIL_PER_HOUR", 10)
# Ask DNS whether an address's domain takes mail (off: no look-ups leave the machine).
EMAIL_CHECK_DELIVERABILITY = env_bool("EMAIL_CHECK_DELIVERABILITY", False)
# At most this many download mails go to one address a day, whoever asks.
DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY = env_int("DOWNLOAD_MAILS_PER_ADDRESS_PER_DAY", 3)
# And at most this many "Mijn gegevens" links.
PRIVACY_MAILS_PER_ADDRESS_PER_DAY = env_int("PRIVACY_MAILS_PER_ADDRESS_PER_DAY", 3)
# Essay PDFs (rendered and uploaded copies) live here, outside every public URL.
PRIVATE_ROOT = Path(env("PRIVATE_ROOT", str(VAR_DIR / "private")))
# Attach the PDF to the download mail when it is at most this large.
MAIL_ATTACHMENT_MAX_BYTES = env_int("MAIL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)

# Mail
EDITORS_EMAIL = env("EDITORS_EMAIL")
# Retention (voorproef.privacy): how long personal data is kept, in days.
COMMENTS_PURGE_DAYS = env_int("COMMENTS_PURGE_DAYS", 30)  # spam and trash, after marking
# Two comments from one network or address this close together: the second is refused.
COMMENTS_FLOOD_SECONDS = env_int("COMMENTS_FLOOD_SECONDS", 15)
RETENTION_NETWORK_DAYS = env_int("RETENTION_NETWORK_DAYS", 30)
RETENTION_UNCONFIRMED_DAYS = env_int("RETENTION_UNCONFIRMED_DAYS", 7)
RETENTION_MAIL_DAYS = env_int("RETENTION_MAIL_DAYS", 90)
# Seconds to wait before each new attempt when the mail server cannot be reached.
MAIL_RETRY_SECONDS = [
    int(s) for s in env("MAIL_RETRY_SECONDS", "60,300,1800,7200,21600,43200").split(",") if s
]
DKIM_PRIVATE_KEY = env_secret("DKIM_PRIVATE_KEY")

# Webhooks (voorproef.webhooks): how long to wait for a receiver, when to try again after a
# timeout or a 5xx (Standard Webhooks' schedule), when to switch off a webhook that keeps failing.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
_WEBHOOK_RETRIES = env("WEBHOOK_RETRY_SECONDS", "5,300,1800,7200,18000,36000,36000")
WEBHOOK_RETRY_SECONDS = [int(s) for s in _WEBHOOK_RETRIES.split(",") if s]
WEBHOOK_DISABLE_AFTER_DAYS = env_int("WEBHOOK_DISABLE_AFTER_DAYS", 5)
WEBHOOK_ROTATION_OVERLAP_HOURS = env_int("WEBHOOK_ROTATION_OVERLAP_HOURS", 24)
# Let every webhook reach this machine and private networks (otherwise per webhook, by a
# superuser or `manage.py webhooks add --allow-private`).
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", False)
RETENTION_WEBHOOK_DAYS = env_int("RETENTION_WEBHOOK_DAYS", 30)
# The mailing tools' API keys: from the environment or a file, never in the database.
LAPOSTA_API_KEY = env_secret("LAPOSTA_API_KEY")
MAILCHIMP_API_KEY = env_secret("MAILCHIMP_API_KEY")
DKIM_SELECTOR = env("DKIM_SELECTOR", "voorproef")
DKIM_DOMAIN = env("DKIM_DOMAIN")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"Voorproef <noreply@{_site.hostname}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email = _email_settings(env_secret("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.host_user
EMAIL_HOST_PASSWORD = _email.host_password
EMAIL_USE_SSL = _email.use_ssl
EMAIL_USE_TLS = _email.use_tls
EMAIL_TIMEOUT = _email.timeout

# Language and time: Dutch first; English is complete. The site has one language at a time.
LANGUAGE_CODE = env("LANGUAGE_CODE", "nl")
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of nl, en, not {LANGUAGE_CODE!r}")
LOCALE_PATHS = [BASE_DIR / "voorproef" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

# Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
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
# Without a web server in front, the app serves image renditions itself (never documents).
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

# Security: what HTTPS allows is switched on by an https SITE_URL.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
# Only editors have sessions: they sign in again after a working day.
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12) * 3600
AUTHENTICATION_BACKENDS = ["voorproef.core.auth.ThrottledModelBackend"]
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20)
LOGIN_LOCK_SECONDS = env_int("LOGIN_LOCK_SECONDS", 900)
PAGE_PASSWORD_TRIES_PER_HOUR = env_int("PAGE_PASSWORD_TRIES_PER_HOUR", 20)
# Password reset: mailed through the outbox, a few times a day at most; its link works for two
# hours, once.
WAGTAILADMIN_USER_LOGIN_FORM = "voorproef.core.auth.LoginForm"
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "voorproef.mail.password_reset.QueuedPasswordResetForm"  # noqa: S105
PASSWORD_RESET_TIMEOUT = 2 * 3600
PASSWORD_RESETS_PER_IP_PER_HOUR = 5
PASSWORD_RESETS_PER_ADDRESS_PER_DAY = 3
# Requests: public forms are a few fields; an essay's editing form can hold thousands.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MiB of form data, files not counted
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads go to a temporary file
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("MAX_IMAGE_UPLOAD_MB", 20) * 1024 * 1024
# The largest request an editor sends (an image or a PDF with its form), as nginx's
# client_max_body_size (deploy/nginx) allows: the largest image and 5 MiB more.
ADMIN_BODY_MAX_BYTES = WAGTAILIMAGES_MAX_UPLOAD_SIZE + 5 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 128_000_000
X_FRAME_OPTIONS = "DENY"  # Wagtail allows its own preview frames per view.
# Public pages run only the site's own script and style files: no inline script, no nonces
# (a cached page is the same bytes for everyone). The admin is Wagtail's and needs inline code.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Wagtail
WAGTAIL_SITE_NAME = env("SITE_NAME", "Voorproef")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no calls home from the admin
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatars from a third party
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents are essays' PDFs only: an uploaded HTML or SVG file could run script if ever opened.
# Each is sent as a download, never shown in the browser (Wagtail shows PDFs by default).
WAGTAILDOCS_EXTENSIONS = ["pdf"]
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "line": {"format": "%(message)s"},
    },
    # Links' keys never reach a log: Django's "Not Found: /download/<key>/" comes out masked.
    "filters": {"keys_masked": {"()": "voorproef.core.access_log.KeyMaskFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["keys_masked"],
        },
        # The access log (core/access_log.AccessLog), one line per request on stdout: written
        # whatever LOG_LEVEL says, as the web server's own would be, in blocks at least every
        # second (core/access_log.BlockHandler).
        "access": {
            "class": "voorproef.core.access_log.BlockHandler",
            "formatter": "line",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "voorproef.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        # runserver's own line for each request (`make run`): the access log above writes
        # one. What goes wrong in runserver itself still shows.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
