"""Django settings: one module, every value from the environment with a demo default."""

from __future__ import annotations

from datetime import timedelta
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
SQLITE_TIMEOUT = env_int(
    "OV_SQLITE_TIMEOUT",
    120,
    "Seconds a write to the embedded SQLite database waits for another one to finish.",
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database under concurrent use: readers never wait for a writer (WAL), and a
    # write transaction takes its lock when it begins (IMMEDIATE), so that a second writer
    # waits its turn (up to `timeout` seconds) instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_TIMEOUT,
    }
SECURE = env_bool(
    "OV_SECURE_COOKIES",
    False,
    "Serve over HTTPS only: secure cookies, HSTS and an https redirect. On in production.",
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE
if env_bool(
    "OV_ACHTER_PROXY",
    False,
    "Behind a TLS proxy that sets `X-Forwarded-Proto: https` (and strips it from clients) and "
    "appends the client's address to `X-Forwarded-For`: trust these to know a request came in "
    "over HTTPS, and from where (lockouts, audit log).",
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("OV_SESSION_AGE", 8 * 3600, "Seconds a log-in session lasts.")
SESSION_IDLE_MINUTES = env_int(
    "OV_INACTIEF_MINUTEN",
    30,
    "Minutes without a request after which a user is logged out (0: no idle time-out; the "
    "session still ends after OV_SESSION_AGE).",
)
DEFAULT_GEMEENTE = env_str(
    "OV_STANDAARDGEMEENTE",
    "",
    "CBS code of the gemeente shown first to a user who works for several and has not chosen "
    "one yet in this session (a regional installation's own gemeente); empty: the first by "
    "name that has a plan. The demo sets GM0014.",
)
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "openveiligheid.core",
    "openveiligheid.audit",
    "openveiligheid.accounts",
    "openveiligheid.areas",
    "openveiligheid.imports",
    "openveiligheid.figures",
    "openveiligheid.indicators",
    "openveiligheid.policy",
    "openveiligheid.ui",
    "openveiligheid.insight",
    "openveiligheid.cases",
    "openveiligheid.planning",
    "openveiligheid.reports",
    "openveiligheid.dashboard",
    "openveiligheid.demo",
    "openveiligheid.api",
    "openveiligheid.jobs",
    "openveiligheid.uploads",
    "django_tasks",
    "django_tasks_db",
]
MIDDLEWARE = [
    "openveiligheid.core.middleware.DebugOnlyLocallyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "openveiligheid.core.middleware.ContentSecurityPolicyMiddleware",
    "openveiligheid.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "openveiligheid.audit.context.CurrentUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "openveiligheid.accounts.middleware.LoginRequiredMiddleware",
    "openveiligheid.accounts.twofactor.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "openveiligheid.cases.context_processors.case_menu",
                "openveiligheid.reports.context_processors.plan_menu",
                "openveiligheid.accounts.context_processors.gemeente_choice",
                "openveiligheid.accounts.context_processors.single_sign_on",
            ]
        },
    }
]
WSGI_APPLICATION = "openveiligheid.wsgi.application"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user or address before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OpenID Connect); does nothing unless OV_OIDC_* is configured (below).
    "openveiligheid.accounts.oidc.SSOBackend",
]
# Log-in attempts (django-axes): after this many failures an account, and an address, is
# locked out for a while; a successful log-in resets the account's count.
AXES_FAILURE_LIMIT = env_int(
    "OV_INLOG_POGINGEN",
    10,
    "Failed log-ins after which an account, and separately an address, is locked out.",
)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int(
        "OV_INLOG_BLOKKADE_MINUTEN", 15, "Minutes a locked-out account or address has to wait."
    )
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "openveiligheid.core.addresses.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/geblokkeerd.html"
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        # NCSC: long passwords (passphrases) rather than complex short ones.
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:overzicht"
LOGOUT_REDIRECT_URL = "login"

# --- single sign-on: OpenID Connect (mozilla-django-oidc; docs/deployment.md, ADR 0013) ------
# On when a client id and the provider's issuer (or its endpoints) are set. The secret comes
# from the environment only.
OIDC_ISSUER = env_str(
    "OV_OIDC_ISSUER",
    "",
    "Single sign-on: the identity provider's issuer URL (OpenID Connect); its endpoints are read "
    "from `ISSUER/.well-known/openid-configuration`. Empty: no single sign-on, unless the "
    "authorization, token and JWKS endpoints are set.",
)
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "OV_OIDC_AUTHORIZATION_ENDPOINT",
    "",
    "Single sign-on: authorization endpoint (else discovered).",
)
OIDC_OP_TOKEN_ENDPOINT = env_str(
    "OV_OIDC_TOKEN_ENDPOINT", "", "Single sign-on: token endpoint (else discovered)."
)
OIDC_OP_USER_ENDPOINT = env_str(
    "OV_OIDC_USERINFO_ENDPOINT", "", "Single sign-on: userinfo endpoint (else discovered)."
)
OIDC_OP_JWKS_ENDPOINT = env_str(
    "OV_OIDC_JWKS_ENDPOINT",
    "",
    "Single sign-on: the provider's signing keys, JWKS (else discovered).",
)
OIDC_RP_CLIENT_ID = env_str(
    "OV_OIDC_CLIENT_ID", "", "Single sign-on: this application's client id at the provider."
)
OIDC_RP_CLIENT_SECRET = env_str(
    "OV_OIDC_CLIENT_SECRET",
    "",
    "Single sign-on: the client secret. Only from the environment (or a secrets store), never in "
    "a file in the repository.",
)
OIDC_RP_SCOPES = env_str(
    "OV_OIDC_SCOPES", "openid email profile", "Single sign-on: scopes asked for."
)
OIDC_USERNAME_CLAIM = env_str(
    "OV_OIDC_GEBRUIKERSNAAM_CLAIM",
    "preferred_username",
    "Single sign-on: the claim that gives the user name here (Entra ID and Keycloak: "
    "`preferred_username`; ADFS: `upn`).",
)
OIDC_GROUPS_CLAIM = env_str(
    "OV_OIDC_GROEPEN_CLAIM",
    "groups",
    "Single sign-on: the claim with the user's groups at the identity provider (from the ID "
    "token or the userinfo endpoint).",
)
OIDC_ROLES = env_list(
    "OV_OIDC_ROLLEN",
    [],
    "Single sign-on: identity-provider group = role, comma-separated "
    "(`GG-IV-Adviseurs=beleidsadviseur,GG-IV-Analisten=analist`). At every log-in a user gets "
    "exactly the roles of their groups; a role not mapped is removed.",
)
OIDC_ORGANISATIONS = env_list(
    "OV_OIDC_ORGANISATIES",
    [],
    "Single sign-on: identity-provider group = organisation, comma-separated "
    "(`GG-Gemeente-Breda=Gemeente Breda`). At every log-in a user becomes a member of the "
    "mapped organisations of their groups and stops being one of the other mapped ones; "
    "memberships of organisations that are not mapped are left alone.",
)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso-terug"
LOGIN_REDIRECT_URL_FAILURE = "/inloggen/?sso=mislukt"
# A failed callback is a failed log-in for django-axes too; it keeps no authorization code.
AXES_SENSITIVE_PARAMETERS = ["code", "code_verifier"]
OIDC_ENABLED = bool(
    OIDC_RP_CLIENT_ID
    and (
        OIDC_ISSUER
        or (OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT)
    )
)
if OIDC_ENABLED and not OIDC_RP_CLIENT_SECRET:
    raise ImproperlyConfigured("OV_OIDC_CLIENT_SECRET ontbreekt: zet het geheim van de client.")

# --- second factor for local accounts (django-otp, TOTP; ADR 0013) --------------------------
TWO_FACTOR_REQUIRED = env_bool(
    "OV_2FA_VERPLICHT",
    False,
    "Require a second factor (the code of an authenticator app, TOTP) of every local account. "
    "Users who log in through single sign-on get theirs from the identity provider.",
)
TWO_FACTOR_ROLES = env_list(
    "OV_2FA_ROLLEN",
    [  # the roles that see person-level data (accounts/roles.py; a test keeps them in step)
        "casusregisseur woonoverlast",
        "coördinator ondermijning",
        "PGA-procesregisseur",
        "jurist bestuurlijke maatregelen",
        "functionaris gegevensbescherming",
    ],
    "Roles whose local accounts must use a second factor (TOTP), comma-separated; by default "
    "the roles that see person-level data (the case registers, the audit log). Anyone may turn "
    "it on at /account/tweestaps/.",
)
OTP_TOTP_ISSUER = "Open Veiligheid"
OTP_TOTP_THROTTLE_FACTOR = 1  # after n wrong codes in a row, the next try waits 2^(n-1) seconds

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands")]  # the interface is Dutch, whatever the browser asks for
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # filled by `collectstatic` for production servers
STATIC_COLLECTED = env_bool(
    "OV_STATIC_COLLECTED",
    False,
    "Serve static files collected into OV_DATA_DIR/static with hashed names, compressed and "
    "cached for a year. Set by `openveiligheid serve`; off for the demo and the tests, which "
    "serve them straight from the apps.",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OV_LOG_LEVEL", "INFO", "Log level.")},
    # Two lines per task (RUNNING, SUCCESSFUL) would bury the CLI's progress: warnings only.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}

# --- the API (docs/api.md) -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "openveiligheid.api.permissions.MayViewDashboard",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "openveiligheid.api.renderers.SafeCSVRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "openveiligheid.api.schema.ApiSchema",
    "URL_FORMAT_OVERRIDE": "formaat",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Open Veiligheid API",
    "DESCRIPTION": (
        "Gebieden, maten, cijfers, plannen, indicatorwaarden met oordeel, hotspots en "
        "signalen van uw gemeenten; alleen lezen. JSON, of CSV met ?formaat=csv."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "openveiligheid.api.permissions.MayViewDashboard",
    ],
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
MAX_INPUT_BYTES = (
    1024
    * 1024
    * env_int(
        "OV_MAX_BESTAND_MB",
        500,
        "Largest input file in MB that the imports and file commands read; a larger file is "
        "refused, with a message, before it is read.",
    )
)

# --- case registers (issue #10; docs/privacy.md) ---------------------------------------------
BSN_KEY = env_str(
    "OV_BSN_SLEUTEL",
    "",
    "Key (Fernet, 44 characters; make one with `openveiligheid registers sleutel`) with which "
    "BSNs in the case registers are stored encrypted. Empty: no BSN is stored; files with a bsn "
    "column are refused. Keep it out of the repository and out of backups of the database.",
)
CASE_RETENTION_YEARS = {
    key: env_int(
        f"OV_BEWAARTERMIJN_{key.upper()}",
        years,
        f"Years after closing that a case of the register '{key}' is kept before it is "
        "anonymised (docs/privacy.md gives the default's legal basis).",
    )
    for key, years in [("woonoverlast", 5), ("ondermijning", 5), ("pga", 2), ("maatregelen", 10)]
}

# --- the worker (openveiligheid worker; jobs/services.py) -------------------------------------
WORKER_EXPECTED = env_bool(
    "OV_WERKER",
    False,
    "A worker process (`openveiligheid worker`) runs the scheduled jobs; /gezondheid/ then "
    "reports `werker`: ok or achter (no heartbeat in three intervals).",
)
WORKER_INTERVAL = env_int("OV_WERKER_INTERVAL", 300, "Seconds between two rounds of the worker.")
# --- background tasks (jobs/tasks.py; ADR 0020) --------------------------------------------------
TASK_QUEUE = env_str(
    "OV_TAKEN",
    "direct",
    "Where uploads and the analyses after an import run. `direct`: at once, in the process that "
    "asks (the embedded default; no worker needed). `database`: as tasks in the database, run by "
    "the worker process(es) (`openveiligheid worker`); the web shows their progress and can "
    "cancel them.",
)
if TASK_QUEUE not in {"direct", "database"}:
    raise ImproperlyConfigured(f"OV_TAKEN moet direct of database zijn, niet {TASK_QUEUE!r}.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASK_QUEUE == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
TASK_POLL_SECONDS = env_int(
    "OV_TAKEN_INTERVAL",
    1,
    "Seconds the worker waits before it looks for new tasks again when the queue is empty "
    "(with OV_TAKEN=database).",
)
