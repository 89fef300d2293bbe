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


DATA_DIR = Path(env_str("ANXIN_DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
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

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "template_partials",
    "huey.contrib.djhuey",
    "anxin.core",
    "anxin.accounts",
    "anxin.catalog",
    "anxin.customers",
    "anxin.areas",
    "anxin.sla",
    "anxin.workorders",
    "anxin.intake",
    "anxin.notifications",
    "anxin.dispatch",
    "anxin.evidence",
    "anxin.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "anxin.core.middleware.RequestSizeLimitMiddleware",
    "anxin.core.middleware.ApiJsonErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anxin.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "anxin.urls"
WSGI_APPLICATION = "anxin.wsgi.application"

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

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "anxin.sqlite3",
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
                # "database is locked" upgrades from read to write inside transactions.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "anxin", "url": REDIS_URL, "immediate": False}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "anxin",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": False,
    }
    # Shared between web worker processes, so rate limits hold across them.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "anxin_cache"}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "anxin" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request until collectstatic has run
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("ANXIN_MEDIA_DIR", str(DATA_DIR / "media")))
MEDIA_URL = "media/"

# Bodies above this are refused with 413 before any parsing (API and forms).
ANXIN_MAX_BODY_BYTES = env_int("ANXIN_MAX_BODY_BYTES", 10 * 1024 * 1024)
ANXIN_MAX_JSON_BYTES = env_int("ANXIN_MAX_JSON_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = ANXIN_MAX_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Customer-data encryption. In production set ANXIN_ENCRYPTION_KEYS ("kid:base64key,...")
# ANXIN_ACTIVE_KEY_ID and ANXIN_BLIND_INDEX_KEY; otherwise keys are generated in DATA_DIR.
ANXIN_KEYRING_FILE = DATA_DIR / "keys.json"
ANXIN_ENCRYPTION_KEYS = env_str("ANXIN_ENCRYPTION_KEYS")
ANXIN_ACTIVE_KEY_ID = env_str("ANXIN_ACTIVE_KEY_ID")
ANXIN_BLIND_INDEX_KEY = env_str("ANXIN_BLIND_INDEX_KEY")

ANXIN_PUBLIC_FORM_RATE = env_str("ANXIN_PUBLIC_FORM_RATE", "10/m")
ANXIN_OTP_RATE = env_str("ANXIN_OTP_RATE", "5/m")
ANXIN_SMS_PROVIDER = env_str("ANXIN_SMS_PROVIDER", "anxin.notifications.providers.ConsoleSmsProvider")
ANXIN_SOCIAL_WEBHOOK_SECRET = env_str("ANXIN_SOCIAL_WEBHOOK_SECRET", "demo-social-secret")
ANXIN_MAIL_WEBHOOK_SECRET = env_str("ANXIN_MAIL_WEBHOOK_SECRET", "demo-mail-secret")
# Outbound mail (acknowledgements to e-mail customers). The embedded default prints to the console.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "anxin": {"handlers": ["console"], "level": env_str("ANXIN_LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}
