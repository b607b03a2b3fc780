"""Django settings, built from the typed configuration in `xinyong.config`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from xinyong.config import CONFIG

BASE_DIR = Path(__file__).resolve().parent

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
XINYONG_DATA_KEY = CONFIG.data_key
XINYONG_SIGNING_KEY = CONFIG.signing_key
XINYONG_VAR_DIR = CONFIG.var_dir
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves its own Swagger UI files for /api/docs (no CDN: offline by design)
    "xinyong.core",
    "xinyong.accounts",
    "xinyong.catalog",
    "xinyong.subjects",
    "xinyong.records",
    "xinyong.lists",
    "xinyong.checks",
    "xinyong.rights",
    "xinyong.objections",
    "xinyong.repairs",
    "xinyong.commitments",
    "xinyong.agencies",
    "xinyong.consents",
    "xinyong.financing",
    "xinyong.tipoffs",
    "xinyong.evaluation",
    "xinyong.reports",
    "xinyong.api",
    "xinyong.office",
    "xinyong.portal",
    "xinyong.synth",
    "xinyong.demo",
]

MIDDLEWARE = [
    "xinyong.api.lane.ApiLaneMiddleware",  # API routes skip the page middleware
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "xinyong.core.bodylimit.BodyLimitMiddleware",  # before CSRF, which would read the body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinyong.core.middleware.RequestIdMiddleware",
]

ROOT_URLCONF = "xinyong.urls"
WSGI_APPLICATION = "xinyong.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "office:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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


def _database(url: str) -> dict[str, Any]:
    """Database settings; SQLite gets WAL, sane pragmas and immediate transactions.

    SQLite's page cache (64 MB) and memory map (64 MB) are what a process may keep of the
    database file: mapped pages count in the process's resident memory, and a bulk load must
    stay under its memory bound however large the database grows."""
    db: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        db["CONN_MAX_AGE"] = 0
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA temp_store=MEMORY;"
                "PRAGMA cache_size=-65536;"
                "PRAGMA mmap_size=67108864"
            ),
        }
    else:
        # Test databases are created from template0 so their ctype is the cluster's UTF-8 one.
        db["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
        # psycopg's default, which Django turns off: it prepares only server-bound statements,
        # i.e. the hot written-out reads of `core.rows.prepared_cursor`.
        db["OPTIONS"] = {"prepare_threshold": 5}
    return db


DATABASES = {"default": _database(CONFIG.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache(redis_url: str) -> dict[str, Any]:
    """One cache for every gunicorn worker (rate-limit counters must be shared): a table in
    the database by default (created by core's migration), Redis when one is configured."""
    if redis_url:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "xinyong_cache",
        # Every write counts the table: room for a minute of counters of many addresses.
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    }


CACHES = {"default": _cache(CONFIG.redis_url)}
XINYONG_RATE_LIMITS = {
    "search": CONFIG.search_rate,
    "api": CONFIG.api_rate,
    "api_token": CONFIG.token_api_rate,
    "sign_in": 10,
    "tipoff": 10,  # the public report form (shown and posted) per address
    "tipoff_status": 10,  # receipt-code lookups per address
    "public_report": 5,  # the portal's 下载信用报告 button (a report is signed and stored)
    "report_verify": 30,  # /verify/ code lookups and PDF uploads per address
}
"""Requests per minute (0: no limit): portal searches and read API calls per anonymous
client address, read API calls per token (`xinyong.core.ratelimit`)."""
XINYONG_TRUSTED_PROXIES = CONFIG.trusted_proxies
XINYONG_PUBLIC_URL = CONFIG.public_url
"""The public site address (`XINYONG_PUBLIC_URL`) that report QR codes link to."""
XINYONG_REPORT_PROCESSES = CONFIG.report_processes
"""Processes that draw a batch's PDFs side by side (`XINYONG_REPORT_PROCESSES`, default one
per CPU; 0 or 1 draws them in the worker itself)."""
XINYONG_SUBJECT_VERIFIER = os.environ.get(
    "XINYONG_SUBJECT_VERIFIER", "xinyong.rights.verification.DemoVerifier"
)
"""How a subject proves who it is when signing in (`xinyong.rights.verification`). The demo
verifier lets a credit office operator read the code out; a production site names its own."""

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
XINYONG_DAILY_JOBS: dict[str, str] = {
    "records.expire": "xinyong.records.expiry.daily",
    "lists.expire": "xinyong.lists.services.daily",
    "objections.escalate": "xinyong.objections.services.daily",
    "repairs.deadlines": "xinyong.repairs.services.daily",
    "evaluation.schedule": "xinyong.evaluation.services.daily",
}
"""Daily jobs, job name → function (`core.schedules`); the worker runs them at XINYONG_DAILY_AT
(local time), after midnight so that "ends on day D" is applied on the morning of D."""
XINYONG_DAILY_AT = "00:30"
XINYONG_WORKER_STARTUP: list[str] = ["xinyong.evaluation.tasks.ensure_scheduled"]
"""Functions the worker calls when it starts, besides queueing the daily runner: apps queue
their own recurring tasks (the minute re-evaluation)."""

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.var_dir / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = CONFIG.var_dir / "media"

# Safe defaults: secure cookies unless the operator says the site is plain HTTP (the local
# demo), no debug pages, HSTS ready to switch on with XINYONG_HSTS_SECONDS behind TLS.
SESSION_COOKIE_SECURE = CONFIG.https
CSRF_COOKIE_SECURE = CONFIG.https
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CONFIG.https else None
SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.hsts_seconds > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"mask_ids": {"()": "xinyong.core.privacy.MaskPersonalIdentifiers"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_ids"],
        }
    },
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    # WeasyPrint and fontTools report every rendering step at INFO: only their warnings matter.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
