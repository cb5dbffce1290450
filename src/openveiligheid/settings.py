"""Django settings: one module, every value from the environment with a demo default."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from django.core.exceptions import ImproperlyConfigured

from openveiligheid.config import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent

DEBUG = env_bool("OV_DEBUG", False, "Django debug mode. Never on in production.")
_DEMO_KEY = "demo-only-insecure-key-change-me"
SECRET_KEY = env_str(
    "OV_SECRET_KEY",
    _DEMO_KEY,
    "Secret key for sessions and CSRF. The default only works for the local demo "
    "(`OV_DEMO=true`); production refuses to start without a real one.",
)
DEMO_MODE = env_bool(
    "OV_DEMO",
    False,
    "Demo mode: allows the built-in insecure secret key. Set by `openveiligheid demo`.",
)
if SECRET_KEY == _DEMO_KEY and not (DEBUG or DEMO_MODE):
    raise ImproperlyConfigured(
        "OV_SECRET_KEY ontbreekt: zet een eigen geheime sleutel in de omgeving "
        "(alleen de demo, OV_DEMO=true, mag zonder)."
    )
ALLOWED_HOSTS = env_list(
    "OV_ALLOWED_HOSTS", ["127.0.0.1", "localhost"], "Host names this server answers to."
)
CSRF_TRUSTED_ORIGINS = env_list(
    "OV_CSRF_TRUSTED_ORIGINS", [], "Origins (https://host) trusted for CSRF behind a proxy."
)
DATA_DIR = Path(
    env_str(
        "OV_DATA_DIR",
        "var",
        "Folder for the embedded SQLite database and other local state; a relative path is "
        "taken from the repository root.",
    )
)
if not DATA_DIR.is_absolute():
    DATA_DIR = BASE_DIR / DATA_DIR
DATABASES = {
    "default": dj_database_url.parse(
        env_str(
            "OV_DATABASE_URL",
            "",
            "Database URL, e.g. `postgres://user:pw@localhost:5432/ov`. Empty: an embedded "
            "SQLite file `openveiligheid.sqlite3` in OV_DATA_DIR.",
        )
        or f"sqlite:///{DATA_DIR / 'openveiligheid.sqlite3'}",
        conn_max_age=env_int(
            "OV_DB_CONN_MAX_AGE", 0, "Seconds a database connection is kept open (0: per request)."
        ),
    )
}
SECURE = env_bool(
    "OV_SECURE_COOKIES",
    False,
    "Serve over HTTPS only: secure cookies, HSTS and an https redirect. On in production.",
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("OV_SESSION_AGE", 8 * 3600, "Seconds a log-in session lasts.")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "openveiligheid.core",
    "openveiligheid.accounts",
    "openveiligheid.areas",
    "openveiligheid.imports",
    "openveiligheid.figures",
    "openveiligheid.indicators",
    "openveiligheid.policy",
    "openveiligheid.insight",
    "openveiligheid.dashboard",
    "openveiligheid.demo",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openveiligheid.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openveiligheid.accounts.middleware.LoginRequiredMiddleware",
]
ROOT_URLCONF = "openveiligheid.urls"
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
                "openveiligheid.dashboard.context_processors.main_menu",
            ]
        },
    }
]
WSGI_APPLICATION = "openveiligheid.wsgi.application"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:overzicht"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]  # the interface is Dutch, whatever the browser asks for
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # filled by `collectstatic` for production servers
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OV_LOG_LEVEL", "INFO", "Log level.")},
}

# --- the dashboard -------------------------------------------------------------------------------
MIN_POPULATION_FOR_RATE = env_int(
    "OV_MIN_INWONERS",
    200,
    "Areas with fewer inhabitants get no rate colour on maps (marked 'te weinig inwoners').",
)

# --- analyses --------------------------------------------------------------------------------
ANALYSE_AFTER_IMPORT = env_bool(
    "OV_ANALYSE_NA_IMPORT",
    True,
    "Recompute hotspots, signals and the incident grid after every import (takes seconds).",
)
