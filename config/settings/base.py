"""Settings, read from environment variables only.

One module for every environment: production values are the defaults, development opts in with
DEBUG=true. A bad value fails at start with a message that names the variable.
"""
import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Local settings may sit in a git-ignored `.env` (`make run` writes one: DEBUG off, a generated secret,
# plain HTTP on localhost); real environment variables always win, and production sets them instead.
# ENV_FILE names another file, or none (`ENV_FILE=/dev/null`: CI's production check ignores the demo's).
_ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if _ENV_FILE.is_file():
    environ.Env.read_env(_ENV_FILE, overwrite=False)


def _read(name, reader, default):
    try:
        return reader(name, default=default)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"环境变量 {name} 的值无效 / invalid value for {name}: {exc}") from exc


_BOOLEANS = {"true": True, "1": True, "yes": True, "on": True, "false": False, "0": False, "no": False, "off": False, "": False}


def _strict_bool(name, default):
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in _BOOLEANS:
        raise ValueError(f"expected true/false, got {raw!r}")
    return _BOOLEANS[raw]


DEBUG = _read("DEBUG", _strict_bool, False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("生产环境必须设置 SECRET_KEY / SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "development-only-key-not-for-production-use-0123456789abcdef"
elif len(SECRET_KEY) < 50 and not DEBUG:
    raise ImproperlyConfigured("SECRET_KEY 至少 50 个字符 / SECRET_KEY must be at least 50 characters")

ALLOWED_HOSTS = _read("ALLOWED_HOSTS", env.list, ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _read("CSRF_TRUSTED_ORIGINS", env.list, [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "ninja",
    "accounts.apps.LoginLockoutConfig",  # django-axes, named in Chinese
    "django_otp",
    "accounts.apps.TotpConfig",  # django_otp.plugins.otp_totp, named in Chinese
    "common",  # the ground floor: no models; its templates (the one form-field template)
    "accounts",
    "facilities",
    "residents",
    "staffing",
    "subsidies",
    "bench",  # on top: its seed_scale command builds a province for the benchmarks; nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.PrivateAnswersMiddleware",  # no-store below static files; Permissions-Policy
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.session_renewal.SessionRenewalMiddleware",  # the idle timeout's renewal, at most once a minute
    "config.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # Month, date, year, page and id query parameters in range, else a 400 (common.params). Last, so
    # every middleware above treats that error page like any other answer (CSP, no-store, …).
    "config.middleware.QueryParamsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

FORM_RENDERER = "common.forms.FormRenderer"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation",
                "facilities.context_processors.capabilities",  # `can`: what the user's role may reach
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": _read("DATABASE_URL", env.db_url, f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] not in ("django.db.backends.postgresql", "django.db.backends.sqlite3"):
    raise ImproperlyConfigured(
        "环境变量 DATABASE_URL 的值无效 / invalid value for DATABASE_URL: use postgres://… or sqlite:///…"
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    # PostgreSQL's JIT spends seconds compiling the big set-based queries (a province's census, a
    # month of claims) that then run in a fraction of that (bench/, README "Scale"): off by default.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A streaming replica of the primary (optional, PostgreSQL): the reads marked with
# common.replica.reads_from_replica (exports, dashboards, region reports) go there; every write and
# every other read stays on the primary, and so do a user's own reads for REPLICA_STICKY_SECONDS
# after they wrote. Without it nothing changes: no second alias, no router, no cookie.
REPLICA_STICKY_SECONDS = _read("REPLICA_STICKY_SECONDS", env.int, 5)
if not 0 <= REPLICA_STICKY_SECONDS <= 3600:
    raise ImproperlyConfigured(
        "环境变量 REPLICA_STICKY_SECONDS 的值无效 / invalid value for REPLICA_STICKY_SECONDS: 0 to 3600 seconds"
    )
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _read("DATABASE_REPLICA_URL", env.db_url, None)
    if {DATABASES["default"]["ENGINE"], DATABASES["replica"]["ENGINE"]} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured(
            "环境变量 DATABASE_REPLICA_URL 的值无效 / invalid value for DATABASE_REPLICA_URL: "
            "须为 PostgreSQL 主库（DATABASE_URL）的 PostgreSQL 备库 / "
            "a PostgreSQL replica (postgres://…) of a PostgreSQL DATABASE_URL"
        )
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASE_ROUTERS = ["common.replica.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("common.session_renewal.SessionRenewalMiddleware") + 1,
                      "common.replica.RecentWriteMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Lockout (django-axes): 5 failed logins lock the account, and the address they came from, for 15 minutes.
# Wrong second-factor codes and wrong API tokens count as failed logins (accounts/lockout.py); the
# count is cleared only when a whole login succeeds (password and, where enrolled, the code).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=_read("LOCKOUT_MINUTES", env.int, 15))
AXES_LOCKOUT_PARAMETERS = "accounts.lockout.lockout_parameters"  # address, and account or token prefix
AXES_RESET_ON_SUCCESS = False  # accounts.views.LoginView and the code step clear it instead
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # the page, or the API's JSON error
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "common.client_address.client_address"  # behind TRUSTED_PROXIES, the client's
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure, with its address, for the login log page
# Never copied into the attempt records administrators read in /admin/: searches (a whole ID number
# may be one), the page to return to (it can carry a search), second-factor codes.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "code", "q", "next", "id_number"]

# Second factor (django-otp, TOTP): optional per user, required per role by SecondFactorPolicy.
OTP_TOTP_ISSUER = "养老机构与特困供养管理系统"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin site never shows a device's secret key or QR code

# Content Security Policy: no inline scripts or styles, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Idle timeout: a session ends after this many idle minutes. It is renewed (saved with a fresh expiry)
# when its last renewal is older than SESSION_RENEW_SECONDS (common.session_renewal), not on every
# request: the timeout holds within a minute and a page view normally writes nothing.
SESSION_COOKIE_AGE = _read("SESSION_IDLE_MINUTES", env.int, 30) * 60
SESSION_RENEW_SECONDS = min(60, SESSION_COOKIE_AGE // 10)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Access records (reads of full ID numbers, exports) are kept this many days; 等保 level 3 asks for at least 183.
# Keys of the values kept encrypted (common.field_crypto): Fernet keys, comma-separated, the first encrypting.
# Without it one key is derived from SECRET_KEY, which then must never change; production sets its own
# (python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())").
FIELD_ENCRYPTION_KEYS = _read("FIELD_ENCRYPTION_KEYS", env.list, []) or [
    base64.urlsafe_b64encode(hashlib.sha256(f"field-encryption:{SECRET_KEY}".encode()).digest()).decode()
]
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        if len(base64.urlsafe_b64decode(_key.encode())) != 32:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            "环境变量 FIELD_ENCRYPTION_KEYS 的值无效 / invalid value for FIELD_ENCRYPTION_KEYS: Fernet keys "
            "(32 bytes, url-safe base64), comma-separated"
        ) from None
# Background jobs (imports, large exports) and their files are deleted after this many days; a user
# who waited longer than JOB_NOTIFY_AFTER_SECONDS for one is told when it ends.
JOB_RETENTION_DAYS = _read("JOB_RETENTION_DAYS", env.int, 7)
if not 1 <= JOB_RETENTION_DAYS <= 366:
    raise ImproperlyConfigured(
        "环境变量 JOB_RETENTION_DAYS 的值无效 / invalid value for JOB_RETENTION_DAYS: 1 to 366 days"
    )
JOB_NOTIFY_AFTER_SECONDS = 10
AUDIT_RETENTION_DAYS = _read("AUDIT_RETENTION_DAYS", env.int, 183)
if AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured(
        "环境变量 AUDIT_RETENTION_DAYS 的值无效 / invalid value for AUDIT_RETENTION_DAYS: at least 183 days"
    )

# Accounts (issues 16, 25): API tokens expire after this many days; the reverse proxies whose
# X-Forwarded-For is believed (addresses or networks), so lockout and the access log see the client.
API_TOKEN_DAYS = _read("API_TOKEN_DAYS", env.int, 90)
if not 1 <= API_TOKEN_DAYS <= 366:
    raise ImproperlyConfigured("环境变量 API_TOKEN_DAYS 的值无效 / invalid value for API_TOKEN_DAYS: 1 to 366 days")
TRUSTED_PROXIES = _read("TRUSTED_PROXIES", env.list, [])
# load_regions loads every township ("") unless a code prefix narrows it (tests use "62").
REGION_TOWNSHIPS_WITHIN = ""

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)


def _directory(name, default):
    """A folder from the environment: several web machines point it at one shared mount."""
    path = Path(env.str(name, default="") or default)
    if not path.is_absolute():
        raise ImproperlyConfigured(f"环境变量 {name} 的值无效 / invalid value for {name}: 须为绝对路径 / an absolute path")
    return path


# Uploads (photos, rating reports, rectification evidence).
MEDIA_ROOT = _directory("MEDIA_ROOT", VAR_DIR / "media")
MEDIA_URL = "media/"
# Uploaded sheets waiting between preview and confirmation: private, never served.
IMPORT_DIR = _directory("IMPORT_DIR", VAR_DIR / "imports")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_CONFIG = _read("EMAIL_URL", env.email_url, "consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="carehome@localhost")
# The address users reach the site at, for links in e-mail (the daily digest).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Hardening for production. Development (DEBUG) and the local demo of `make run` (DEBUG off, its .env
# turning these two off) run over plain HTTP on localhost.
SECURE_SSL_REDIRECT = _read("SECURE_SSL_REDIRECT", _strict_bool, not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _read("SECURE_COOKIES", _strict_bool, not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL_REDIRECT else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_SSL_REDIRECT
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _read("BEHIND_TLS_PROXY", _strict_bool, False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# django-tables2 / django-filter
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# django-ninja
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# Celery. Without a broker URL the embedded default runs every task in-process; `make run`
# still drives the periodic schedule through kombu's filesystem transport under var/.
# A generation run over several counties becomes one task per county (subsidies.tasks), retried this
# many times before the run is failed; CLAIMS_FAN_OUT=false generates a region in one task.
CLAIMS_FAN_OUT = _read("CLAIMS_FAN_OUT", _strict_bool, True)
CLAIMS_PART_RETRIES = _read("CLAIMS_PART_RETRIES", env.int, 2)
# On PostgreSQL a month is priced inside the database for every region that prices by month
# (subsidies.database_pricing); CLAIMS_PRICED_IN_DATABASE=false prices everyone in Python.
CLAIMS_PRICED_IN_DATABASE = _read("CLAIMS_PRICED_IN_DATABASE", _strict_bool, True)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    _queue = VAR_DIR / "celery" / "queue"
    _queue.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"  # a host name, which the transport ignores, keeps kombu quiet
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
else:
    # A task a dead worker left unacknowledged (acks_late) goes back to the queue after this many
    # seconds; keep it longer than the longest task (a province's month of claims: about a minute).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _read("CELERY_VISIBILITY_TIMEOUT", env.int, 3600),
        "socket_connect_timeout": _read("CELERY_BROKER_CONNECT_TIMEOUT", env.float, 2.0),
    }
    if not 1 <= CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= 86400:
        raise ImproperlyConfigured(
            "环境变量 CELERY_VISIBILITY_TIMEOUT 的值无效 / invalid value for CELERY_VISIBILITY_TIMEOUT: 1 to 86400 seconds"
        )
    if not 0 < CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] <= 60:
        raise ImproperlyConfigured(
            "环境变量 CELERY_BROKER_CONNECT_TIMEOUT 的值无效 / invalid value for CELERY_BROKER_CONNECT_TIMEOUT: 0 to 60 seconds"
        )
    CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"]
    CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending gives up soon when the broker is unreachable (common/enqueue.py logs it and the work is
# caught up later), so a request never hangs on it: one retry after the connect timeout.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "staffing-compliance": {
        "task": "staffing.tasks.compliance_nightly",
        "schedule": crontab(hour=1, minute=0),
    },
    "recount-provisional-deadlines": {
        "task": "facilities.tasks.recount_working_day_deadlines",
        "schedule": crontab(hour=1, minute=10),
    },
    "scan-facilities": {
        "task": "facilities.tasks.scan_facilities",
        "schedule": crontab(hour=1, minute=15),
    },
    "scan-residents": {
        "task": "residents.tasks.scan_residents",
        "schedule": crontab(hour=1, minute=30),
    },
    "scan-complaints": {
        "task": "facilities.tasks.scan_complaints",
        "schedule": crontab(hour=1, minute=20),
    },
    "relative-review-scan": {
        "task": "staffing.tasks.relative_review_scan",
        "schedule": crontab(hour=2, minute=0),
    },
    "purge-expired-sessions": {
        "task": "accounts.tasks.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=30),
    },
    "prune-access-records": {
        "task": "accounts.tasks.prune_access_records",
        "schedule": crontab(hour=3, minute=45),
    },
    "prune-background-jobs": {
        "task": "accounts.tasks.prune_background_jobs",
        "schedule": crontab(hour=3, minute=50),
    },
    "daily-digests": {
        "task": "facilities.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    "requeue-generation-runs": {
        "task": "subsidies.tasks.requeue_queued_runs",
        "schedule": crontab(minute="*/5"),
    },
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"celery.app.trace": {"level": "WARNING"}},
}

SITE_TITLE = _("养老机构与特困供养管理系统")
