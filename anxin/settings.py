"""Anxin settings: one env-driven module, no production-only branches.

Every value comes from the environment through the strict helpers below; the
defaults make `make run` work on a fresh machine (SQLite + SQLite-backed Huey
in ./data). `DATABASE_URL` switches to PostgreSQL, `REDIS_URL` switches the
Huey worker and the cache to Redis.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_choice(name: str, default: str, choices: set[str]) -> str:
    raw = os.environ.get(name) or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(sorted(choices))}, got {raw!r}")
    return raw


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DATA_DIR = Path(env_str("ANXIN_DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

# "production" turns the start-up checks (anxin/core/checks.py) into a refusal to run with demo
# secrets, generated keys or `check --deploy` warnings, and switches the secure-transport defaults on.
ANXIN_ENV = env_choice("ANXIN_ENV", "development", {"development", "production"})
IS_PRODUCTION = ANXIN_ENV == "production"
DEBUG = env_bool("DEBUG", False)
# Demo logins and demo webhook secrets exist only on a developer's machine running the demo.
ANXIN_DEMO_ALLOWED = DEBUG and not IS_PRODUCTION
SECRET_KEY = env_str("SECRET_KEY")
ANXIN_SECRET_KEY_GENERATED = not SECRET_KEY
if not SECRET_KEY:
    # Embedded default: a per-installation key kept beside the data.
    secret_file = DATA_DIR / "secret_key.txt"
    if not secret_file.exists():
        from django.core.management.utils import get_random_secret_key

        secret_file.write_text(get_random_secret_key())
        secret_file.chmod(0o600)
    SECRET_KEY = secret_file.read_text().strip()

ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Transport security: on by default in production, each switch configurable (`check --deploy` clean).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", IS_PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", IS_PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", IS_PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", IS_PRODUCTION)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating load balancer: the header it sets, e.g. "X-Forwarded-Proto", value "https".
_proto_header = env_str("SECURE_PROXY_SSL_HEADER")
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proto_header.upper().replace("-", "_"), "https") if _proto_header else None
)
# Django check ids to silence (comma-separated), e.g. "security.W021" when not preloading HSTS.
SILENCED_SYSTEM_CHECKS = env_list("ANXIN_SILENCED_CHECKS")

# Client address behind a load balancer: the header the proxies append to (e.g. "X-Forwarded-For")
# and either their addresses/networks or their number. Unset: REMOTE_ADDR, the header is ignored.
ANXIN_TRUSTED_PROXY_HEADER = env_str("ANXIN_TRUSTED_PROXY_HEADER")
ANXIN_TRUSTED_PROXIES = env_str("ANXIN_TRUSTED_PROXIES")
ANXIN_TRUSTED_PROXY_HOPS = env_int("ANXIN_TRUSTED_PROXY_HOPS", 1)

INSTALLED_APPS = [
    # Admin theme (ADR 20): Unfold before the admin so its templates win; Unfold's BasicAppConfig leaves
    # admin.site alone, and our AdminConfig makes it anxin.admin_theme.sites.AnxinAdminSite (apps in work order).
    "unfold.apps.BasicAppConfig",
    "anxin.admin_theme.apps.AnxinAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # FORM_RENDERER below finds Django's own widget templates through the app loader
    "ninja",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "anxin.core",
    "anxin.accounts",
    "anxin.catalog",
    "anxin.customers",
    "anxin.areas",
    "anxin.network",
    "anxin.sla",
    "anxin.workorders",
    "anxin.intake",
    "anxin.notifications",
    "anxin.uploads",  # resumable (tus) uploads: visit photos, video recordings
    "anxin.dispatch",
    "anxin.evidence",
    "anxin.parts",
    "anxin.pricing",
    "anxin.visits",
    "anxin.reports",
    "anxin.trust",  # digital badge, official channels, fake-hotline reports
    "anxin.live",  # WebSocket order updates, live tracking, arrival code, masked calls (docs/realtime.md)
    "anxin.portal",
    "anxin.backoffice",
    "anxin.demo",
    "anxin.benchmarks",  # manage.py simulate_dispatch / solve_vrptw (developer tools, no models)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers gzipped (ADR 24); below WhiteNoise, which sends its own precompressed files. BREACH:
    # Django masks the CSRF token anew on every response and pads gzipped bodies with random bytes (HTB).
    "django.middleware.gzip.GZipMiddleware",
    "anxin.core.middleware.RequestSizeLimitMiddleware",
    "anxin.core.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anxin.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anxin.core.htmx.HtmxMessagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "anxin.core.middleware.DomainErrorMiddleware",  # sees the view's DomainError first
    "anxin.core.replay.ReplayGuardMiddleware",  # after CSRF + auth; records the answer DomainError made
]

ROOT_URLCONF = "anxin.urls"
# Widgets render through TEMPLATES, so templates/django/forms/widgets/attrs.html gives every form Tabler's
# classes (ADR 24).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "anxin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # static/ last: customer pages inline their stylesheets with {% include "css/anxin.css" %} (ADR 24).
        "DIRS": [BASE_DIR / "templates", BASE_DIR / "static"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anxin.portal.navigation.navigation",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
# Connections: opening one costs a PostgreSQL backend start, and on SQLite the file open plus the
# three PRAGMAs below (docs/benchmarks.md §1). Under ASGI (what `serve` runs) Django runs each
# request's sync code in a thread of its own, so a connection kept per thread (CONN_MAX_AGE) is never
# reused and piles up until PostgreSQL refuses more (ADR 31): PostgreSQL gets a pool per process
# instead, and anxin/wsgi.py sets DB_CONN_MAX_AGE (60) where a WSGI server reuses its threads.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 0)
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 8)
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE)}
    options = DATABASES["default"].setdefault("OPTIONS", {})
    if "postgresql" in DATABASES["default"]["ENGINE"] and DB_POOL_MAX_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
        # A request waits up to `timeout` seconds for a free connection, then fails as a database error.
        options["pool"] = {"min_size": 1, "max_size": DB_POOL_MAX_SIZE, "timeout": 10}
    if env_bool("DB_SERVER_SIDE_BINDING", False):  # psycopg 3: measured in docs/benchmarks.md §1
        options["server_side_binding"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "anxin.sqlite3"),
            "CONN_MAX_AGE": DB_CONN_MAX_AGE,
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
                # "database is locked" upgrades from read to write inside transactions.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            },
            # Tests use a file too (one per xdist worker), not Django's shared-cache memory database: there a
            # browser test's page reading a table made the test thread's write fail at once ("database table
            # is locked"; shared-cache locks ignore busy_timeout), a race production's WAL file never has.
            "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL")
# Installations (or test stacks) sharing one Redis database keep their queues apart by name.
ANXIN_QUEUE_NAME = env_str("ANXIN_QUEUE_NAME", "anxin")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": ANXIN_QUEUE_NAME, "url": REDIS_URL, "immediate": False}
    CACHES = {"default": {"BACKEND": "anxin.core.cache.SharedClientRedisCache", "LOCATION": REDIS_URL}}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": ANXIN_QUEUE_NAME,
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
    }
    # Shared between web worker processes, so rate limits hold across them.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "anxin_cache"}
    }
# Evidence analysis runs on its own queue and worker (run_evidence_worker, memory-capped) so an
# expensive image cannot delay acknowledgements and offers on the main queue.
HUEY_EVIDENCE = {**HUEY, "name": f"{ANXIN_QUEUE_NAME}-evidence"}
if not REDIS_URL:
    HUEY_EVIDENCE["filename"] = str(DATA_DIR / "huey-evidence.sqlite3")
ANXIN_EVIDENCE_WORKER_MEMORY_MB = env_int("ANXIN_EVIDENCE_WORKER_MEMORY_MB", 2048)
# Durable jobs (anxin/notifications/jobs.py): attempts before the dead-letter state, exponential
# backoff (base × 2^(n-1), capped), the lease a worker holds on a running job, and how late a
# pending job's wake-up may be before the sweeper re-enqueues it.
ANXIN_JOB_MAX_ATTEMPTS = env_int("ANXIN_JOB_MAX_ATTEMPTS", 8)
ANXIN_JOB_RETRY_BASE_S = env_int("ANXIN_JOB_RETRY_BASE_S", 15)
ANXIN_JOB_RETRY_MAX_S = env_int("ANXIN_JOB_RETRY_MAX_S", 3600)
ANXIN_JOB_LEASE_S = env_int("ANXIN_JOB_LEASE_S", 300)
ANXIN_JOB_SWEEP_GRACE_S = env_int("ANXIN_JOB_SWEEP_GRACE_S", 60)

# Staff passwords (pages and /admin/) are checked through a backend that locks the account and the
# address out after repeated failures (anxin/accounts/backends.py).
AUTHENTICATION_BACKENDS = ["anxin.accounts.backends.ThrottledModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [
    BASE_DIR / "anxin" / "locale",
    # Chinese for the admin theme's own English strings (Unfold ships no zh_Hans catalogue; ADR 20).
    BASE_DIR / "anxin" / "admin_theme" / "locale",
]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request until collectstatic has run
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic writes hashed names (cached for a year by WhiteNoise) and a gzip copy of each text file, which
# WhiteNoise sends to browsers that accept it: a customer page's first load stays under 300 KB (ADR 19).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The admin theme (ADR 20): Unfold, every asset vendored in the package (no CDN). Colours are ADR 18's
# brand green (#0a6e5c at 600, #07503f at 700) as an OKLCH scale on the same hue.
UNFOLD = {
    "SITE_TITLE": _("安心售后 · 管理后台"),
    "SITE_HEADER": _("安心售后 · 管理后台"),
    "SITE_URL": "/",
    "SITE_LOGO": lambda request: static("img/logo.svg"),
    "SITE_ICON": lambda request: static("img/favicon.svg"),
    "SITE_SYMBOL": "support_agent",
    "SITE_FAVICONS": [
        {
            "rel": "icon",
            "sizes": "any",
            "type": "image/svg+xml",
            "href": lambda request: static("img/favicon.svg"),
        }
    ],
    "SHOW_VIEW_ON_SITE": True,
    "SHOW_HISTORY": True,
    "SIDEBAR": {"show_search": True, "show_all_applications": True},
    "COLORS": {
        "primary": {
            "50": "oklch(97.9% .012 178)",
            "100": "oklch(94.8% .022 179)",
            "200": "oklch(90% .045 178)",
            "300": "oklch(83% .075 177)",
            "400": "oklch(72% .1 176)",
            "500": "oklch(60% .1 176)",
            "600": "oklch(48.2% .088 175.7)",
            "700": "oklch(38.5% .072 171.6)",
            "800": "oklch(32% .06 172)",
            "900": "oklch(26% .05 173)",
            "950": "oklch(18% .035 173)",
        },
    },
}

MEDIA_ROOT = Path(env_str("ANXIN_MEDIA_DIR", str(DATA_DIR / "media")))
MEDIA_URL = "media/"

# Bodies above this are refused with 413 before any parsing (API and forms).
ANXIN_MAX_BODY_BYTES = env_int("ANXIN_MAX_BODY_BYTES", 10 * 1024 * 1024)
ANXIN_MAX_JSON_BYTES = env_int("ANXIN_MAX_JSON_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ANXIN_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Uploaded pictures and evidence (anxin/core/images.py, anxin/evidence/services.py). Pixel counts are
# checked on the header before decoding; 50 Mi pixels admits a 50 MP phone photo (8160x6144).
ANXIN_IMAGE_MAX_PIXELS = env_int("ANXIN_IMAGE_MAX_PIXELS", 50 * 1024 * 1024)
ANXIN_IMAGE_MAX_SIDE = env_int("ANXIN_IMAGE_MAX_SIDE", 16384)
ANXIN_IMAGE_LONG_EDGE = env_int("ANXIN_IMAGE_LONG_EDGE", 2048)  # re-encoded working copies
ANXIN_VIDEO_MAX_PIXELS = env_int("ANXIN_VIDEO_MAX_PIXELS", 4096 * 2160)  # per frame (DCI 4K)
ANXIN_EVIDENCE_MAX_FILE_BYTES = env_int("ANXIN_EVIDENCE_MAX_FILE_BYTES", 20 * 1024 * 1024)
ANXIN_EVIDENCE_MAX_FILES_PER_CLAIM = env_int("ANXIN_EVIDENCE_MAX_FILES_PER_CLAIM", 20)
ANXIN_EVIDENCE_MAX_BYTES_PER_CLAIM = env_int("ANXIN_EVIDENCE_MAX_BYTES_PER_CLAIM", 100 * 1024 * 1024)
# The local-feature reuse index (docs/adr/0054): written by the evidence worker only.
ANXIN_EVIDENCE_INDEX_DIR = Path(env_str("ANXIN_EVIDENCE_INDEX_DIR", str(DATA_DIR / "evidence-index")))

# Customer-data encryption. In production set ANXIN_ENCRYPTION_KEYS ("kid:base64key,...")
# ANXIN_ACTIVE_KEY_ID and ANXIN_BLIND_INDEX_KEY; otherwise keys are generated in DATA_DIR.
ANXIN_KEYRING_FILE = DATA_DIR / "keys.json"
ANXIN_ENCRYPTION_KEYS = env_str("ANXIN_ENCRYPTION_KEYS")
ANXIN_ACTIVE_KEY_ID = env_str("ANXIN_ACTIVE_KEY_ID")
ANXIN_BLIND_INDEX_KEY = env_str("ANXIN_BLIND_INDEX_KEY")

# Incoming request budgets ("N/s|m|h|d", several comma-separated). Counted per client address
# (see ANXIN_TRUSTED_PROXY_HEADER), per phone (keyed by its HMAC) and per API token.
ANXIN_PUBLIC_FORM_RATE = env_str("ANXIN_PUBLIC_FORM_RATE", "10/m")
ANXIN_PHONE_REQUEST_RATE = env_str("ANXIN_PHONE_REQUEST_RATE", "5/h,20/d")
ANXIN_API_ORDER_RATE = env_str("ANXIN_API_ORDER_RATE", "600/m")
ANXIN_WEBHOOK_RATE = env_str("ANXIN_WEBHOOK_RATE", "600/m")
# Login codes: requests per address and per phone; a phone gets at most 10 codes a day.
ANXIN_OTP_RATE = env_str("ANXIN_OTP_RATE", "5/m")
ANXIN_OTP_PHONE_RATE = env_str("ANXIN_OTP_PHONE_RATE", "3/m,5/h,10/d")
# Lockouts after wrong passwords/codes, per account and per address: free attempts, then a delay
# that starts at BASE and doubles per further failure up to MAX; failures are remembered for WINDOW.
ANXIN_LOGIN_FREE_ATTEMPTS = env_int("ANXIN_LOGIN_FREE_ATTEMPTS", 5)
ANXIN_LOGIN_LOCKOUT_BASE_S = env_int("ANXIN_LOGIN_LOCKOUT_BASE_S", 60)
ANXIN_LOGIN_LOCKOUT_MAX_S = env_int("ANXIN_LOGIN_LOCKOUT_MAX_S", 3600)
ANXIN_LOGIN_FAILURE_WINDOW_S = env_int("ANXIN_LOGIN_FAILURE_WINDOW_S", 86400)
# Messages actually sent to one recipient (keyed by blind index) per hour / per day; one-time
# codes have their own budget (anxin/notifications/services.py explains why).
ANXIN_MESSAGES_PER_HOUR = env_int("ANXIN_MESSAGES_PER_HOUR", 5)
ANXIN_MESSAGES_PER_DAY = env_int("ANXIN_MESSAGES_PER_DAY", 20)
ANXIN_MESSAGES_ESSENTIAL_PER_HOUR = env_int("ANXIN_MESSAGES_ESSENTIAL_PER_HOUR", 10)
ANXIN_MESSAGES_ESSENTIAL_PER_DAY = env_int("ANXIN_MESSAGES_ESSENTIAL_PER_DAY", 30)
# Quiet hours (local time): non-urgent customer messages written then wait for the end hour.
ANXIN_QUIET_HOURS_START = env_int("ANXIN_QUIET_HOURS_START", 21)
ANXIN_QUIET_HOURS_END = env_int("ANXIN_QUIET_HOURS_END", 8)
ANXIN_SMS_PROVIDER = env_str("ANXIN_SMS_PROVIDER", "anxin.notifications.providers.ConsoleSmsProvider")
# Payments (anxin/pricing/providers.py): the demo provider marks every charge paid at once.
ANXIN_PAYMENT_PROVIDER = env_str("ANXIN_PAYMENT_PROVIDER", "anxin.pricing.providers.DemoPaymentProvider")
# HMAC secrets of the webhooks. The demo values exist only in the demo (DEBUG on, not production);
# elsewhere an unset secret refuses every webhook call, and production refuses to start.
ANXIN_SOCIAL_WEBHOOK_SECRET = env_str(
    "ANXIN_SOCIAL_WEBHOOK_SECRET", "demo-social-secret" if ANXIN_DEMO_ALLOWED else ""
)
ANXIN_MAIL_WEBHOOK_SECRET = env_str(
    "ANXIN_MAIL_WEBHOOK_SECRET", "demo-mail-secret" if ANXIN_DEMO_ALLOWED else ""
)
# Outbound mail (acknowledgements to e-mail customers). The embedded default prints to the console.
# Without an SMTP server the demo writes each e-mail to a file under the data folder, never to the
# console: messages carry tracking links, whose tokens must not reach logs (issue #8).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "安心售后 <service@anxin.example>")

ANXIN_PUBLIC_URL = env_str("ANXIN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ANXIN_ROTATE_NO_WAIT = env_bool("ANXIN_ROTATE_NO_WAIT", False)
# Dispatch: how long a technician has to answer an offer; solver time per re-plan; optional OSRM
# server (http://host:5000) for road travel times instead of great-circle × road factor.
ANXIN_OFFER_TIMEOUT_MINUTES = env_int("ANXIN_OFFER_TIMEOUT_MINUTES", 5)
ANXIN_PLAN_TIME_LIMIT_S = float(env_str("ANXIN_PLAN_TIME_LIMIT_S", "1.0"))
ANXIN_OSRM_URL = env_str("ANXIN_OSRM_URL")
ANXIN_HOTLINE = env_str("ANXIN_HOTLINE", "400-820-1234")
# Maps (static/js/anxin-map.js): outlines only by default, offline. A tile layer goes under them when
# MAP_TILE_URL is set, e.g. a provider with an approved map licence for public maps in China (Tianditu,
# AMap); "{key}" in the URL is replaced by MAP_TILE_KEY. No key is shipped. MAP_TILE_DATUM says which datum
# the tiles are drawn in: AMap's are GCJ-02 like our data, Tianditu's are CGCS2000 ≈ WGS-84 (our overlays
# are then shifted to match). See docs/maps.md.
MAP_TILE_URL = env_str("MAP_TILE_URL")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION")
MAP_TILE_KEY = env_str("MAP_TILE_KEY")
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "abc")
MAP_TILE_DATUM = env_choice("MAP_TILE_DATUM", "gcj02", {"gcj02", "wgs84"})

# Real time (docs/realtime.md, ADR 23): order pages subscribe over WebSockets to the ASGI app. Without
# REDIS_URL each server process relays new timeline rows and positions to its own subscribers from
# the database (in-memory channel layer); with REDIS_URL one relay publishes through channels-redis.
ASGI_APPLICATION = "anxin.asgi.application"


def redis_channel_layer(url: str, prefix: str) -> dict:
    """The channels-redis layer. Its reader blocks up to 5 s per read (BZPOPMIN, ``brpop_timeout``);
    redis-py 8 gives every read a 5 s socket timeout by default (redis/redis-py#4091), so a quiet
    channel raced the two and the consumer holding the read died (its subscriber's socket closed, every
    later update lost: bench/realtime.py's "missing"). The read timeout stays finite, above the block,
    so a dead Redis connection is still noticed."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": url, "socket_timeout": 15}],
            "prefix": prefix,
            "capacity": 1000,
        },
    }


if REDIS_URL:
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL, f"{ANXIN_QUEUE_NAME}-live")}
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}
    }
# How often the relay looks for new events and positions (seconds).
ANXIN_LIVE_RELAY_INTERVAL = float(env_str("ANXIN_LIVE_RELAY_INTERVAL", "0.25"))
# The phone's positions: at most one kept per interval; deleted after the retention.
ANXIN_LIVE_POSITION_MIN_INTERVAL_S = env_int("ANXIN_LIVE_POSITION_MIN_INTERVAL_S", 15)
ANXIN_LIVE_POSITION_RETENTION_DAYS = env_int("ANXIN_LIVE_POSITION_RETENTION_DAYS", 7)
# "Arriving in about N minutes" SMS, once per order, when the ETA first drops below this.
ANXIN_LIVE_ARRIVING_SMS_MINUTES = env_int("ANXIN_LIVE_ARRIVING_SMS_MINUTES", 10)
# Wrong arrival codes before the dispatcher is alerted.
ANXIN_LIVE_ARRIVAL_CODE_ALERT_AFTER = env_int("ANXIN_LIVE_ARRIVAL_CODE_ALERT_AFTER", 3)


def env_ice_servers(name: str) -> list[dict[str, object]]:
    """WebRTC ICE servers as JSON (RTCConfiguration.iceServers): [] = host candidates only (a LAN)."""
    import json

    raw = os.environ.get(name, "").strip() or "[]"
    try:
        servers = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON list, got {raw!r}") from exc
    if not isinstance(servers, list) or not all(isinstance(s, dict) and "urls" in s for s in servers):
        raise ImproperlyConfigured(f'{name} must be a JSON list of {{"urls": ...}} objects, got {raw!r}')
    return servers


# Live video of the visit (docs/realtime.md): STUN/TURN servers (e.g. coturn) handed to both browsers,
# and the largest recording kept (bytes).
ANXIN_ICE_SERVERS = env_ice_servers("ANXIN_ICE_SERVERS")
ANXIN_LIVE_RECORDING_MAX_BYTES = env_int("ANXIN_LIVE_RECORDING_MAX_BYTES", 500 * 1024 * 1024)
# A recording the phone stopped sending to for this long is closed with what arrived.
ANXIN_LIVE_RECORDING_IDLE_CLOSE_MINUTES = env_int("ANXIN_LIVE_RECORDING_IDLE_CLOSE_MINUTES", 30)
# Number masking (隐私号): the provider, and the demo provider's pool of virtual numbers.
ANXIN_CALL_MASKING_PROVIDER = env_str(
    "ANXIN_CALL_MASKING_PROVIDER", "anxin.notifications.masking_calls.PoolCallMaskingProvider"
)
ANXIN_CALL_MASKING_POOL = env_list(
    "ANXIN_CALL_MASKING_POOL", ",".join(f"1700000{n:04d}" for n in range(1, 51))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No token (tracking link, API token) and no phone or ID number reaches a log line.
    "filters": {"redact": {"()": "anxin.core.masking.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "loggers": {
        "anxin": {"handlers": ["console"], "level": env_str("ANXIN_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        # runserver's access log: "GET /track/WO…/?t=<token>" would otherwise be printed as is.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # channels-redis drops a message to a full channel and says so only at INFO: a lost live update.
        "channels_redis": {"handlers": ["console"], "level": "INFO"},
    },
}

# Digital badge (anxin.trust): each QR token is valid this long; the badge page shows a new one every
# ROTATE seconds, so a photographed badge stops working minutes later. Fake-hotline reports per address.
ANXIN_BADGE_TOKEN_TTL_S = env_int("ANXIN_BADGE_TOKEN_TTL_S", 300)
ANXIN_BADGE_ROTATE_S = env_int("ANXIN_BADGE_ROTATE_S", 60)
ANXIN_FAKE_REPORT_RATE = env_str("ANXIN_FAKE_REPORT_RATE", "3/m,10/h,30/d")
