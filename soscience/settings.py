"""Settings for SoScience, read from the environment.

Local use needs no variable at all (SQLite, console mail, debug). Production is
selected by ``SOSCIENCE_ENV=production`` and then refuses to start with an unsafe
value (see ``_check_production``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = env_str("SOSCIENCE_ENV", "local") == "production"
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
_DEV_SECRET = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105  # nosec B105  # dev only; production requires SECRET_KEY
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "soscience.core",
    "soscience.accounts",
    "soscience.organisations",
    "soscience.needs",
    "soscience.volunteers",
    "soscience.missions",
    "soscience.applications",
    "soscience.matching",
    "soscience.notifications",
    "soscience.execution",
    "soscience.closing",
    "soscience.certificates",
    "soscience.cases",
    "soscience.impact",
    "soscience.network",
    "soscience.events",
    "soscience.groups",
    "soscience.prospects",
    "soscience.api",
    "soscience.privacy",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "django_countries",
    "django_htmx",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # allauth.usersessions' middleware, writing "last seen" every few minutes (see the module).
    "soscience.accounts.sessions.UserSessionsMiddleware",
    "soscience.accounts.middleware.UserLanguageMiddleware",
    "soscience.accounts.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "soscience.urls"
WSGI_APPLICATION = "soscience.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "soscience" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "soscience.core.context_processors.platform",
                "soscience.notifications.context_processors.notifications",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    },
    {
        # Plain-text mail: the same templates, without HTML escaping.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "builtins": ["django.templatetags.i18n"]},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the worker write while the server reads; the timeout absorbs short locks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        # ASVS 4.0.3 level 2, 2.1.1: at least 12 characters.
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

# django-allauth: the email address is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SoScience] "
ACCOUNT_ADAPTER = "soscience.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "soscience.accounts.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105  # a rate limit, not a password
}
# "Log out everywhere" (allauth.usersessions, /accounts/sessions/): the page shows when each
# session was last seen; soscience.accounts.sessions writes it every few minutes.
USERSESSIONS_TRACK_ACTIVITY = True
# Behind the reverse proxy (production) the client's address is the last X-Forwarded-For entry,
# as the API's rate limits read it: allauth's login throttle per address and the sessions page
# then see the client, not the proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if PRODUCTION else 0
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "SoScience"
# Roles for which a TOTP device is mandatory. Off by default on a developer's laptop
# (make run) so the demo accounts work at once; always on in production.
SOSCIENCE_MFA_REQUIRED_ROLES = env_list(
    "SOSCIENCE_MFA_REQUIRED_ROLES",
    [] if DEBUG and not PRODUCTION else ["coordinator", "supervisor"],
)

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "soscience" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "soscience" / "static", BASE_DIR / "var" / "assets"]
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
# Uploaded files are private: never under STATIC_ROOT and never served by the web
# server directly, only through views that check access.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
SOSCIENCE_MAX_UPLOAD_BYTES = env_int("SOSCIENCE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
SOSCIENCE_MAX_DELIVERABLE_BYTES = env_int("SOSCIENCE_MAX_DELIVERABLE_BYTES", 50 * 1024 * 1024)
# The matching index (volunteers laid out for ranking) is written here by the worker and
# read by every web process: on several machines this must be a shared directory.
MATCHING_INDEX_DIR = Path(env_str("MATCHING_INDEX_DIR", str(BASE_DIR / "var" / "matching")))

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Mail (Django 6.1 MAILERS). Locally it is printed by the worker; in production it goes
# to the SMTP server named by the EMAIL_* variables.
_MAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
_MAIL_OPTIONS: dict[str, object] = {}
if _MAIL_BACKEND.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SoScience <noreply@soscience.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail that could not be sent is retried after 1, 2, 4 ... minutes (at most 6 hours apart),
# then marked failed after this many attempts (12: about a day of outage).
SOSCIENCE_MAIL_RETRY_SECONDS = env_int("SOSCIENCE_MAIL_RETRY_SECONDS", 60)
SOSCIENCE_MAIL_MAX_ATTEMPTS = env_int("SOSCIENCE_MAIL_MAX_ATTEMPTS", 12)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache"
        if PRODUCTION
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "soscience_cache",
        # Past MAX_ENTRIES (300 by default) the database cache culls a third of its rows,
        # lowest keys first: allauth's and the API's rate counters, cached pages and figures
        # all live here.
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    # Visitors' whole pages (soscience.core.page_cache): their own table, so that thousands
    # of pages never cull the rate-limit counters and impact figures of "default".
    "pages": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache"
        if PRODUCTION
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "soscience_pages",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
# The impact figures' safety net: recomputed at least this often even without a change.
SOSCIENCE_IMPACT_CACHE_SECONDS = 3600

# Security headers. The policy allows no inline script or style: templates use the
# nonce only for the rare script that must be inline.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# The load balancer's health check talks plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
# The header only allows the domain onto browsers' preload list (submitting it is a separate,
# deliberate step at hstspreload.org); SECURE_HSTS_PRELOAD=false for a domain that must not.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None

COUNTRIES_FIRST = ["FR", "SN", "CI", "BF", "ML", "BJ", "TG", "CM", "PH"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs each rendering step at INFO: seven lines per PDF.
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Platform rules (principle 2: every mission is limited in time). Coordinators can
# change these in the platform settings page; these are the defaults.
SOSCIENCE_DEFAULT_MAX_MISSION_WEEKS = 12
SOSCIENCE_MAX_TEAM_SIZE = 12
SOSCIENCE_MAX_HOURS_PER_WEEK = 35
# API rate limits, requests per minute: per client address without a token, per token.
SOSCIENCE_API_RATE_ANON = env_int("SOSCIENCE_API_RATE_ANON", 60)
SOSCIENCE_API_RATE_TOKEN = env_int("SOSCIENCE_API_RATE_TOKEN", 600)


def _check_production() -> None:
    problems = []
    if DEBUG:
        problems.append("DEBUG must be false")
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must list the site's host names")
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append("DATABASE_URL must point to PostgreSQL")
    if not SITE_URL.startswith("https://"):
        problems.append("SITE_URL must be an https:// address")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")


if PRODUCTION:
    _check_production()
