"""Django settings. Everything comes from the environment; see the README's table."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from apps.core.config import (
    ConfigError,
    MattermostConfig,
    database_from_url,
    file_storage_backend,
)
from apps.core.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ


def _env_bool(name: str, default: bool) -> bool:
    raw = ENV.get(name)
    if raw is None:
        return default
    if raw.strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.strip().lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _env_list(name: str, default: list[str]) -> list[str]:
    raw = ENV.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


MATTERMOST = MattermostConfig.from_environ(ENV)

DATA_DIR = Path(ENV.get("DATA_DIR") or BASE_DIR / "data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, or a random key kept in the data directory for single-node use."""
    if ENV.get("DJANGO_SECRET_KEY"):
        return ENV["DJANGO_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DJANGO_DEBUG", False)

_default_hosts = ["localhost", "127.0.0.1", "[::1]"]
if MATTERMOST.site_url:
    _site_host = urlsplit(MATTERMOST.site_url).hostname
    if _site_host:
        _default_hosts.append(_site_host)
ALLOWED_HOSTS = _env_list("DJANGO_ALLOWED_HOSTS", _default_hosts)
CSRF_TRUSTED_ORIGINS = _env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", [MATTERMOST.site_url] if MATTERMOST.site_url else []
)

INSTALLED_APPS = [
    "mattermost_py.apps.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.accounts",
    "apps.teams",
    "apps.channels",
    "apps.posts",
    "apps.integrations",
    "apps.oauth",
    "apps.realtime",
]

MIDDLEWARE = [
    "apps.core.middleware.ApiContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mattermost_py.middleware.AdminReferrerPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mattermost_py.urls"
WSGI_APPLICATION = "mattermost_py.wsgi.application"
# Mattermost's routes have no trailing slash and it never redirects to add one.
APPEND_SLASH = False

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

DATABASES = {
    "default": database_from_url(
        ENV.get("DATABASE_URL", ""), sqlite_default=str(DATA_DIR / "mattermost.sqlite3")
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = int(ENV.get("DJANGO_CONN_MAX_AGE", "600"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    # Tests use a file too, so they run with WAL and the busy timeout like production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-mattermost.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = ENV.get("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    # Shared by every process and host: rate-limit counters and the hot auth cache.
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "hot")
    }
else:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": alias,
            "OPTIONS": {"MAX_ENTRIES": 100000},
        }
        for alias in ("default", "hot")
    }

AUTH_USER_MODEL = "accounts.User"
# The admin site signs in with the chat credentials and their lockout (docs/admin.md).
AUTHENTICATION_BACKENDS = ["apps.accounts.backends.ChatCredentialsBackend"]
AUTH_PASSWORD_VALIDATORS: list[dict[str, str]] = []

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# "default" holds uploaded files (FileSettings): DATA_DIR/files or an S3 bucket.
STORAGES = {
    "default": file_storage_backend(MATTERMOST, str(DATA_DIR / "files")),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders when collectstatic has not run (development).
WHITENOISE_USE_FINDERS = True

# Uploads above this size are spooled to a temporary file, never held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
if _env_bool("DJANGO_SECURE", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(ENV.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = _env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.core.auth.MattermostTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.auth.SessionRequired"],
    "DEFAULT_THROTTLE_CLASSES": ["apps.core.throttling.MattermostRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["apps.core.parsers.MattermostJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "apps.core.parsers.MattermostContentNegotiation",
    "EXCEPTION_HANDLER": "apps.core.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.MattermostAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "mattermost_py API",
    "DESCRIPTION": "A Mattermost-compatible chat server.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The WebSocket hub (apps/realtime, docs/realtime.md): Mattermost's timings. They are no
# operator settings; tests shorten them.
WEBSOCKET_AUTH_TIMEOUT_SECONDS = 5.0  # an unauthenticated socket is closed after this
WEBSOCKET_RESUME_SECONDS = 300.0  # a dropped connection's events are kept this long
WEBSOCKET_SESSION_CHECK_SECONDS = 60.0  # sockets of ended or expired sessions close
WEBSOCKET_MEMBERSHIP_REFRESH_SECONDS = 1800.0  # memberships are reloaded this often

RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = True

# JSON lines tagged with the request id by default; LOG_FORMAT=plain for a terminal.
# Python warnings go through logging too, so every line has the same format.
logging.captureWarnings(True)
LOGGING = logging_config(
    level=ENV.get("LOG_LEVEL", "INFO").upper(),
    json_format=ENV.get("LOG_FORMAT", "json").lower() != "plain",
    access_log=ENV.get("GUNICORN_ACCESSLOG", "-"),
)
