"""Sigap settings. Everything that differs between machines comes from environment variables.

Variables (all optional in development):
- SIGAP_PRODUCTION=1       production mode: DEBUG off, secure cookies, HSTS, HTTPS redirect.
- SIGAP_SECRET_KEY         required in production; in development a key is kept in var/secret_key.
- SIGAP_DATABASE_URL       e.g. postgres://user@127.0.0.1:5432/sigap; default: SQLite in var/sigap.sqlite3.
- SIGAP_ALLOWED_HOSTS      comma-separated host names.
- SIGAP_CSRF_TRUSTED_ORIGINS comma-separated origins (https://sigap.example.go.id).
- SIGAP_EMAIL_HOST, SIGAP_EMAIL_PORT, SIGAP_EMAIL_USER, SIGAP_EMAIL_PASSWORD, SIGAP_EMAIL_USE_TLS,
  SIGAP_EMAIL_FROM         SMTP settings; without SIGAP_EMAIL_HOST mail is written to the console.
- SIGAP_BASE_URL           the address of this installation, for links in emails.
- SIGAP_DOCUMENTS_DIR      where uploaded case documents are kept (default var/documents; never under static).
- SIGAP_DOCUMENT_MAX_BYTES largest document accepted (default 10 MiB).
- SIGAP_ODK_IMPORT_MAX_BYTES largest ODK/Kobo export accepted for import (default 10 MiB).
- SIGAP_ODK_IMPORT_MAX_NEW new submissions stored per import; importing the file again continues (default 500).
- SIGAP_REGISTRY_MAX_BYTES largest registry file accepted on the upload page (default 2 GiB; larger: `manage.py screen`).
- SIGAP_SESSION_IDLE_MINUTES  idle session expiry (default 60).
- SIGAP_REPORT_RATE_LIMIT  public report submissions per client per hour (default 20; 0 disables).
- SIGAP_TRUSTED_PROXY_COUNT   number of reverse proxies whose X-Forwarded-For is trusted (default 0).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SIGAP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("SIGAP_PRODUCTION")
DEBUG = env_bool("SIGAP_DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = os.environ.get("SIGAP_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SIGAP_SECRET_KEY must be set when SIGAP_PRODUCTION=1.")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("SIGAP_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SIGAP_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "sigap.regions",
    "sigap.people",
    "sigap.audit",
    "sigap.intake",
    "sigap.identity",
    "sigap.cases",
    "sigap.assessments",
    "sigap.plans",
    "sigap.referrals",
    "sigap.legal",
    "sigap.documents",
    "sigap.inbox",
    "sigap.screening",
    "sigap.registry",
    "sigap.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sigap.audit.middleware.RequestContextMiddleware",
    "sigap.people.middleware.RequireTwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sigap.urls"
WSGI_APPLICATION = "sigap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sigap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sigap.inbox.context.inbox",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("SIGAP_DATABASE_URL", f"sqlite:///{VAR_DIR / 'sigap.sqlite3'}"),
        conn_max_age=int(os.environ.get("SIGAP_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write lock
    # up front so concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if DEBUG else DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sigap_cache",
    }
}

# --- People, passwords, sessions, two-factor, throttling -------------------------------------
AUTH_USER_MODEL = "people.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_AGE = int(os.environ.get("SIGAP_SESSION_IDLE_MINUTES", "60")) * 60
SESSION_SAVE_EVERY_REQUEST = True  # the age above is an idle timeout
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = int(os.environ.get("SIGAP_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SIGAP_LOGIN_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "people/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("SIGAP_TRUSTED_PROXY_COUNT", "0")) or None

OTP_TOTP_ISSUER = "Sigap"
SIGAP_TWO_FACTOR_REQUIRED_ROLES = ("supervisor", "org_admin", "system_admin")

# --- Intake ----------------------------------------------------------------------------------
SIGAP_REPORT_RATE_LIMIT = int(os.environ.get("SIGAP_REPORT_RATE_LIMIT", "20"))  # per client per hour
SIGAP_TRUSTED_PROXY_COUNT = int(os.environ.get("SIGAP_TRUSTED_PROXY_COUNT", "0"))
# Routing rules, organisations and clocks are cached per process for this long at most.
SIGAP_REFERENCE_CACHE_SECONDS = float(os.environ.get("SIGAP_REFERENCE_CACHE_SECONDS", "10"))

# --- Email -----------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("SIGAP_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("SIGAP_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("SIGAP_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SIGAP_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("SIGAP_EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("SIGAP_EMAIL_FROM", "Sigap <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach Sigap at, for links in notification emails.
SIGAP_BASE_URL = os.environ.get("SIGAP_BASE_URL", "http://127.0.0.1:8000")
# Uploaded case documents: outside the static/media paths, served only through an access-checked view.
SIGAP_DOCUMENTS_DIR = Path(os.environ.get("SIGAP_DOCUMENTS_DIR", str(VAR_DIR / "documents")))
SIGAP_DOCUMENT_MAX_BYTES = int(os.environ.get("SIGAP_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Screening: ODK / KoboToolbox imports ---------------------------------------------------------
SIGAP_ODK_IMPORT_MAX_BYTES = int(os.environ.get("SIGAP_ODK_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
SIGAP_ODK_IMPORT_MAX_NEW = int(os.environ.get("SIGAP_ODK_IMPORT_MAX_NEW", "500"))
SIGAP_REGISTRY_MAX_BYTES = int(os.environ.get("SIGAP_REGISTRY_MAX_BYTES", str(2 * 1024**3)))

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "sigap" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static files (front-end libraries come from npm into node_modules) ----------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "sigap" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if PRODUCTION:  # in development runserver serves static files itself
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "sigap.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sigap API",
    "DESCRIPTION": "Reports (pengaduan), tracking, regions and cases. Every read of personal data is audited.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Production hardening (manage.py check --deploy passes with SIGAP_PRODUCTION=1) ----------
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SIGAP_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SIGAP_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SIGAP_LOG_LEVEL", "WARNING")},
}
