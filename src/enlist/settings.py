"""Django settings for Enlist, read from the environment (see README, "Configuration").

Development is the default: SQLite and generated keys under ENLIST_DATA_DIR. Production
(`ENLIST_ENV=production`) refuses to start without explicit secrets and hosts.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from enlist.core.custody import check_key_custody
from enlist.core.envtools import env_bool, env_int, env_list, env_secret, env_str
from enlist.core.proxy import parse_networks

PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = env_str("ENLIST_ENV", "development")
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured("ENLIST_ENV must be development, production or test")
PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(env_str("ENLIST_DATA_DIR", "var")).resolve()
DEBUG = env_bool("ENLIST_DEBUG", default=False)


def _secret_key() -> str:
    configured = env_secret("ENLIST_SECRET_KEY")
    if configured:
        return configured
    if PRODUCTION:
        raise ImproperlyConfigured("ENLIST_SECRET_KEY (or ENLIST_SECRET_KEY_FILE) is required")
    # Development: one random key per data directory, so sessions survive restarts.
    path = DATA_DIR / "keys" / "django-secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ENLIST_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ENLIST_ALLOWED_HOSTS is required in production")
CSRF_TRUSTED_ORIGINS = env_list("ENLIST_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "enlist.accounts.apps.StaffAdminConfig",  # django.contrib.admin; its site needs the 2nd factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",  # second factors are our own devices (accounts/models.py)
    "axes",
    "ninja",  # serves the API docs' scripts from our own static files (CSP: 'self' only)
    "enlist.core",
    "enlist.vault",
    "enlist.accounts",
    "enlist.missions",
    "enlist.logistics",
    "enlist.cases",
    "enlist.intake",
    "enlist.interviews",
    "enlist.demo",
    "enlist.audit",
    "enlist.matching",
    "enlist.visas",
    "enlist.travel",
    "enlist.mailin",
    "enlist.reports",
    "enlist.jobs",
    "enlist.workspace",  # each role's start page (/staff/): reads every app, above them all
]

MIDDLEWARE = [
    # First: X-Forwarded-For/-Proto believed only from ENLIST_TRUSTED_PROXY_ADDRESSES.
    "enlist.core.proxy.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "enlist.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "enlist.core.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # before anything reads a form: a query string or form that is not UTF-8 is a 400
    "enlist.core.middleware.InvalidEncodingMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The staff session rules (idle timeout, second factor on every non-public page).
    "enlist.accounts.middleware.SessionTimeoutMiddleware",
    "enlist.accounts.middleware.StaffAccessMiddleware",
    # Domain errors out of pages (NotFound, NotPermitted) → the styled 404/403, mapped once.
    "enlist.core.error_pages.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into its 429 page
]

ROOT_URLCONF = "enlist.urls"
WSGI_APPLICATION = "enlist.wsgi.application"

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

_default_db = f"sqlite:///{DATA_DIR / 'enlist.sqlite3'}"
# Persistent connections (ENLIST_DB_CONN_MAX_AGE seconds, default 10 minutes; 0: one per
# request, e.g. behind a transaction-pooling PgBouncer): opening one costs a PostgreSQL
# backend a fork and authentication, and closing SQLite's last connection checkpoints the
# WAL, each several times the cost of a submission. Checked before reuse, so a database
# restart costs one failed health check, not a failed request.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or _default_db,
        conn_max_age=env_int("ENLIST_DB_CONN_MAX_AGE", 600, minimum=0),
        conn_health_checks=True,
    )
}
_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if _SQLITE:
    # Django's backend, with write transactions that queue on a file lock instead of
    # sleeping in SQLite's busy handler (core/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "enlist.core.sqlite"
    # WAL lets the server read while a long write (demo, import) is in progress.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": None}  # in-memory test database
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.StaffUser"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id for new and changed passwords; older hashes still verify and are upgraded at the
# next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username + address first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "staff-home"
# A refused form in the site's layout, with a way back (core/error_pages.py).
CSRF_FAILURE_VIEW = "enlist.core.error_pages.csrf_failure"
LOGOUT_REDIRECT_URL = "staff-login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("uk", _("Ukrainian")),
    ("es", _("Spanish")),
    ("pl", _("Polish")),
    ("ka", _("Georgian")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Collected only in production (`enlist serve`); development serves from the apps (finders).
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "enlist.vault.storage.EncryptedFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "uploads"
WHITENOISE_USE_FINDERS = not PRODUCTION

# Every JSON body (public intake and staff API, core/json_body.py): over 64 KiB refused with
# 413 before parsing; nested deeper than ENLIST_JSON_MAX_DEPTH arrays/objects, 400.
ENLIST_JSON_MAX_BODY = 64 * 1024
ENLIST_JSON_MAX_DEPTH = 32
ENLIST_DOCUMENT_MAX_BYTES = env_int("ENLIST_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = ENLIST_DOCUMENT_MAX_BYTES + 1024

# Keys: base64 in ENLIST_FIELD_KEY / ENLIST_INDEX_KEY (or *_FILE); generated under
# DATA_DIR/keys in development only.
ENLIST_KEY_DIR = DATA_DIR / "keys"
ENLIST_GENERATE_KEYS = not PRODUCTION
if PRODUCTION:  # keys apart from data (core/custody.py): refuse to start otherwise
    _database_dirs = [Path(DATABASES["default"]["NAME"]).resolve().parent] if _SQLITE else []
    check_key_custody(environ=os.environ, data_dirs=[DATA_DIR, *_database_dirs])

# Staff sessions (rules in accounts/middleware.py): signed out after ENLIST_IDLE_MINUTES
# without a request, and after ENLIST_SESSION_SECONDS in all however active; the cookie itself
# ends with the browser.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("ENLIST_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
ENLIST_IDLE_MINUTES = env_int("ENLIST_IDLE_MINUTES", 30, minimum=1)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every response by core/middleware.py. Our own files only: no inline script or style
# (templates use CSS classes), no framing, forms post only to us.
ENLIST_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("ENLIST_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes speak plain HTTP
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# Safe in every environment: core/proxy.py removes X-Forwarded-Proto unless a trusted proxy
# sent it, so only a TLS-terminating proxy of ours can make a request count as https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Matching on arrival (enlist.matching): a pair at or above this probability is flagged for
# HQ's review (ENLIST_MATCH_THRESHOLD, 0 < P < 1); at most this many earlier applications are
# decrypted and scored per new one, so a clerk never waits on a common name.
try:
    ENLIST_MATCH_THRESHOLD = float(env_str("ENLIST_MATCH_THRESHOLD", "0.9"))
except ValueError:
    ENLIST_MATCH_THRESHOLD = -1.0
if not 0 < ENLIST_MATCH_THRESHOLD < 1:
    raise ImproperlyConfigured("ENLIST_MATCH_THRESHOLD must be a probability between 0 and 1.")
ENLIST_MATCH_MAX_CANDIDATES = env_int("ENLIST_MATCH_MAX_CANDIDATES", 20, minimum=1)
# A pair at or above this probability *and* with every strong identifier equal (passport,
# email, phone and date of birth, none differing) is linked without review, audited and
# undoable; 1 turns automatic links off.
try:
    ENLIST_MATCH_AUTO_LINK = float(env_str("ENLIST_MATCH_AUTO_LINK", "0.9999"))
except ValueError:
    ENLIST_MATCH_AUTO_LINK = -1.0
if not ENLIST_MATCH_THRESHOLD < ENLIST_MATCH_AUTO_LINK <= 1:
    raise ImproperlyConfigured(
        "ENLIST_MATCH_AUTO_LINK must be a probability above ENLIST_MATCH_THRESHOLD, at most 1."
    )
# Learning from HQ's decisions: a new model version after this many new decisions (0: only
# by `enlist matching learn`); the current model counts as this many decisions (the guard).
ENLIST_MATCH_LEARN_EVERY = env_int("ENLIST_MATCH_LEARN_EVERY", 50, minimum=0)
ENLIST_MATCH_LEARN_STRENGTH = env_int("ENLIST_MATCH_LEARN_STRENGTH", 200, minimum=1)

# Second factor: mandatory for every staff sign-in (accounts/views.py): a passkey (WebAuthn),
# required for hq, attache, consul and admin once enrolled; an authenticator app (TOTP, its
# secret sealed by the vault) for the other roles and to recover; one-time recovery codes.
OTP_TOTP_ISSUER = env_str("ENLIST_OTP_ISSUER", "Enlist")  # the name shown in the phone's app
# Sensitive actions (erasure, staff changes, a prosecuted-country case's reveal, adding or
# removing a second factor) need a second factor from the last ENLIST_STEP_UP_MINUTES.
ENLIST_STEP_UP_MINUTES = env_int("ENLIST_STEP_UP_MINUTES", 5, minimum=1)

# Lockout (django-axes): ENLIST_LOGIN_FAILURE_LIMIT wrong passwords or codes for one username
# from one address lock that pair for ENLIST_LOCKOUT_MINUTES (each new try restarts the
# clock); a full sign-in clears the count. `enlist axes_reset_username NAME` lifts a lock.
AXES_FAILURE_LIMIT = env_int("ENLIST_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ENLIST_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "enlist.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "enlist.accounts.lockout.client_ip"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "next"]
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are in the audit trail
AXES_VERBOSE = False
# Reverse proxies in front of Enlist (addresses or CIDR networks, comma-separated): only
# when the peer is one of them are X-Forwarded-For and X-Forwarded-Proto believed
# (core/proxy.py). Lockouts and rate limits are per client address, so this must be right.
if env_str("ENLIST_TRUSTED_PROXIES").strip() not in ("", "0"):
    raise ImproperlyConfigured(
        "ENLIST_TRUSTED_PROXIES (a hop count) is replaced by ENLIST_TRUSTED_PROXY_ADDRESSES "
        "(the proxies' addresses or networks, e.g. 10.0.0.5,10.1.0.0/24)"
    )
ENLIST_TRUSTED_PROXY_ADDRESSES = parse_networks(
    env_list("ENLIST_TRUSTED_PROXY_ADDRESSES", []), source="ENLIST_TRUSTED_PROXY_ADDRESSES"
)

# Shared state (rate limits, counters): in the database by default, so that every process
# and every machine serving the same database counts together with no extra service; Redis
# when ENLIST_REDIS_URL is set (needs the `redis` package). The table is made by `migrate`
# (core/migrations/0001_cache_table.py).
ENLIST_CACHE_TABLE = "enlist_cache"
_redis_url = env_str("ENLIST_REDIS_URL")
# Rate limits and counters (core/counters.py): the same Redis when set, else the database.
ENLIST_REDIS_URL = _redis_url
CACHES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
    if _redis_url
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": ENLIST_CACHE_TABLE,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

# Logs are JSON lines (core/logging.py): time, level, logger, message and, per request,
# method, path (opaque ids only), status, duration and request id; never bodies or query
# strings. ENLIST_LOG_FORMAT=plain gives one readable line instead (a terminal).
_LOG_FORMAT = env_str("ENLIST_LOG_FORMAT", "json")
if _LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("ENLIST_LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "enlist.core.logging.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    # Every record that carries a request has its path masked as the access log's is.
    "filters": {"masked_paths": {"()": "enlist.core.logging.MaskedPathFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _LOG_FORMAT,
            "filters": ["masked_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        # Django's own request logger prints the full URL of failing requests; ours replaces it.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "propagate": False},
        # gunicorn's access log would repeat each request with its query string: ours
        # replaces it. Its error log (start, workers, signals) goes through the same handler.
        "gunicorn.access": {"handlers": [], "propagate": False},
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Every sign-in at INFO is noise; failures and lockouts are WARNING (audit has both).
        "axes": {"level": "WARNING"},
        # WeasyPrint's messages may quote what it renders (a travel packet: the meeting point,
        # the check-in code): silenced; a PDF that cannot be made raises instead.
        "weasyprint": {"level": "CRITICAL"},
        "fontTools": {"level": "CRITICAL"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Audit trail (enlist.audit): signed checkpoints go to a file outside the database, one every
# N entries and on `enlist audit checkpoint`. The signing key: ENLIST_AUDIT_SIGNING_KEY / _FILE
# (generated under ENLIST_KEY_DIR in development), read by enlist/audit/keys.py.
ENLIST_AUDIT_CHECKPOINT_FILE = Path(
    env_str("ENLIST_AUDIT_CHECKPOINT_FILE") or DATA_DIR / "audit-checkpoints.jsonl"
).resolve()
ENLIST_AUDIT_CHECKPOINT_EVERY = env_int("ENLIST_AUDIT_CHECKPOINT_EVERY", 1000, minimum=1)

# Retention (enlist/vault/retention.py): days a case keeps its personal data after reaching
# a final stage, then `enlist retention run` destroys its data key. One variable per entry
# overrides it, e.g. ENLIST_RETENTION_REJECTED_DAYS=60; high-risk nationalities (advisory
# prosecuted or warned) get the shortest of all these periods, whatever their final stage.
ENLIST_RETENTION_DAYS = {
    name: env_int(f"ENLIST_RETENTION_{name.upper()}_DAYS", days, minimum=0)
    for name, days in {"rejected": 90, "referred": 90, "withdrawn": 30, "enlisted": 30,
                       "high_risk": 7}.items()
}  # fmt: skip

# Need-to-know (cases/need_to_know.py, cases/gate.py). A reason given to open a case
# outside one's flow holds for ENLIST_NEED_TO_KNOW_MINUTES in that session. Case views per
# user per clock hour: past the soft threshold the user is flagged to auditors, past the hard
# limit their case views are refused until an administrator runs `enlist staff unblock`.
# ENLIST_VIEWS_SOFT_<ROLE> / ENLIST_VIEWS_HARD_<ROLE> override one role's numbers.
ENLIST_NEED_TO_KNOW_MINUTES = env_int("ENLIST_NEED_TO_KNOW_MINUTES", 30, minimum=1)
ENLIST_VIEW_LIMITS = {
    role: (
        env_int(f"ENLIST_VIEWS_SOFT_{role.upper()}", soft, minimum=1),
        env_int(f"ENLIST_VIEWS_HARD_{role.upper()}", soft * 2, minimum=1),
    )
    for role, soft in {"clerk": 60, "attache": 40, "consul": 40, "reception": 60, "hq": 150,
                       "auditor": 20, "admin": 20}.items()
}  # fmt: skip
# Subject access (intake/subject_access.py): how long the emailed link works, and how many
# requests one address may make per hour.
ENLIST_SUBJECT_ACCESS_HOURS = env_int("ENLIST_SUBJECT_ACCESS_HOURS", 48, minimum=1)
ENLIST_SUBJECT_ACCESS_PER_HOUR = env_int("ENLIST_SUBJECT_ACCESS_PER_HOUR", 5, minimum=1)

# Email. Mail to applicants is discreet (DESIGN: safety first): a neutral sender name and
# subject, never the legion, the military or a destination; details sit behind signed links
# (`enlist.core.links`). Every email is sent by the worker (`enlist worker`, enlist.jobs).
# SMTP whenever ENLIST_SMTP_HOST is set; production refuses to start without it (no silent
# fallback). Development writes each message to a file (mode 0600) in ENLIST_MAIL_DIR, which
# must lie outside the data directory: a seized data directory must not hold the addresses
# and working links that mail carries. Default: a directory beside it, "<data dir>-mail".
DEFAULT_FROM_EMAIL = env_str("ENLIST_MAIL_FROM", "Appointments Office <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("ENLIST_SMTP_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "enlist.core.mail.SMTPBackend"  # partial refusals raise (core/mail.py)
    EMAIL_PORT = env_int("ENLIST_SMTP_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("ENLIST_SMTP_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("ENLIST_SMTP_PASSWORD") or ""
    EMAIL_USE_TLS = env_bool("ENLIST_SMTP_STARTTLS", default=True)
    EMAIL_TIMEOUT = 30
elif PRODUCTION:
    raise ImproperlyConfigured(
        "ENLIST_SMTP_HOST is required in production (outgoing mail is never written to files)"
    )
else:
    EMAIL_BACKEND = "enlist.core.mail.PrivateFileBackend"
    EMAIL_FILE_PATH = Path(
        env_str("ENLIST_MAIL_DIR") or DATA_DIR.with_name(f"{DATA_DIR.name}-mail")
    ).resolve()
    if EMAIL_FILE_PATH == DATA_DIR or EMAIL_FILE_PATH.is_relative_to(DATA_DIR):
        raise ImproperlyConfigured("ENLIST_MAIL_DIR must lie outside ENLIST_DATA_DIR")

# Background jobs (enlist.jobs, `enlist worker`): a failing job is retried after
# ENLIST_JOB_BACKOFF_SECONDS, doubling each time (at most 6 hours), and is dead (the admin's
# dead-letter page) after ENLIST_JOB_MAX_ATTEMPTS. A worker holds a job for at most
# ENLIST_JOB_LEASE_SECONDS: if it dies mid-job, another claims the job after that (so the
# lease must exceed the longest job: the SMTP timeout is 30 s, a PDF a few seconds).
ENLIST_JOB_MAX_ATTEMPTS = env_int("ENLIST_JOB_MAX_ATTEMPTS", 8, minimum=1)
ENLIST_JOB_BACKOFF_SECONDS = env_int("ENLIST_JOB_BACKOFF_SECONDS", 30, minimum=1)
ENLIST_JOB_LEASE_SECONDS = env_int("ENLIST_JOB_LEASE_SECONDS", 600, minimum=1)
ENLIST_WORKER_POLL_SECONDS = env_int("ENLIST_WORKER_POLL_SECONDS", 1, minimum=1)
ENLIST_JOB_KEEP_DAYS = env_int("ENLIST_JOB_KEEP_DAYS", 30, minimum=1)
ENLIST_JOB_MODULES = env_list("ENLIST_JOB_MODULES", [])  # extra modules holding handlers
# Links in email point here (scheme and host the applicant can reach).
ENLIST_PUBLIC_URL = env_str("ENLIST_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Passkeys are bound to a domain (the relying party id) and accepted only from the public
# origin: an assertion made for a look-alike site is refused. Browsers refuse an IP address as
# the id: in development use http://localhost:8000 as ENLIST_PUBLIC_URL to try passkeys.
_public = urlsplit(ENLIST_PUBLIC_URL)
ENLIST_WEBAUTHN_ORIGIN = f"{_public.scheme}://{_public.netloc}"
ENLIST_WEBAUTHN_RP_ID = env_str("ENLIST_WEBAUTHN_RP_ID", _public.hostname or "localhost")
if not (
    _public.hostname == ENLIST_WEBAUTHN_RP_ID
    or (_public.hostname or "").endswith("." + ENLIST_WEBAUTHN_RP_ID)
):
    raise ImproperlyConfigured(
        "ENLIST_WEBAUTHN_RP_ID must be the host of ENLIST_PUBLIC_URL or a domain it is under."
    )
ENLIST_WEBAUTHN_RP_NAME = env_str("ENLIST_WEBAUTHN_RP_NAME", "Enlist")

# Channels (mail intake, spreadsheet import, consent per channel).
# The version of the consent wording the form shows and clerks read out; recorded per case.
ENLIST_CONSENT_WORDING = env_str("ENLIST_CONSENT_WORDING", "2026-1")
# A message over this size is kept for review (sealed), not turned into a draft.
ENLIST_MAIL_MAX_BYTES = env_int("ENLIST_MAIL_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
# Where `enlist mail serve` listens by default (loopback: the MTA in front relays to it).
ENLIST_MAIL_LISTEN = env_str("ENLIST_MAIL_LISTEN", "127.0.0.1:8025")
# Largest spreadsheet `enlist import` and the staff import page accept.
ENLIST_IMPORT_MAX_BYTES = env_int("ENLIST_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
# Uploads on the staff import page larger than this run in the worker, with a progress page;
# smaller ones are checked or imported within the request.
ENLIST_IMPORT_INLINE_BYTES = env_int("ENLIST_IMPORT_INLINE_BYTES", 256 * 1024, minimum=0)
# A finished import run's sealed upload, rejects file and problems are crypto-shredded after
# this many days (the imported cases are not: they follow the cases' own retention).
ENLIST_IMPORT_RUN_KEEP_DAYS = env_int("ENLIST_IMPORT_RUN_KEEP_DAYS", 14, minimum=0)
# A mail draft never completed into an application is crypto-shredded this many days after
# its last message (the volunteer may write again; a new draft starts then).
ENLIST_DRAFT_RETENTION_DAYS = env_int("ENLIST_DRAFT_RETENTION_DAYS", 90, minimum=1)
