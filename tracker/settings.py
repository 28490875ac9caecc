"""Settings for the proposal-response tracker.

Everything that differs between a developer's laptop and production is read from the
environment here, and nowhere else. `.env.example` documents each variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# Development is the default so that a fresh clone runs with nothing set; production is
# DEBUG=false, which refuses to start on the development key.
DEBUG = env.bool("DEBUG", default=True)
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is missing or too short: set SECRET_KEY to a random string "
        "of at least 32 characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "tracker.apps.WorkbenchAdminConfig",  # django.contrib.admin, its site in tracker/admin.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "django_tasks",  # background jobs (the django.tasks interface of Django 6)
    "django_tasks_db",  # jobs kept in the database; `manage.py db_worker` runs them
    "proposals",
    "tracker.lockout.LoginProtectionConfig",  # django-axes, named in Chinese (tracker/lockout.py)
    "csp",
]

MIDDLEWARE = [
    # First, so that the time it logs is the whole request's (tracker/observability.py).
    "tracker.observability.SlowRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Production serves static files from STATIC_ROOT (after collectstatic) before anything
    # reads the session; development's server and the tests' live server serve their own.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every login before the password is: it must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tracker.urls"

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
                "proposals.context_processors.reader",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"
# Pages for signed-in users only (exports, statistics) send visitors to the admin's login.
LOGIN_URL = "admin:login"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while an import writes; IMMEDIATE takes the write lock up front
    # instead of failing with "database is locked" halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A bureau's or a session's rows are a few thousand index probes among a million; with
    # PostgreSQL's default cost of a random read (4, for spinning disks) the planner read
    # every proposal instead: 206 -> 43 ms for a bureau officer's count at a million. 1.1 is
    # the usual figure for SSDs; PG_RANDOM_PAGE_COST sets the server's own.
    # JIT compiling a query costs 0.4 s, more than any of this application's queries gains
    # from it: the statistics' one query per proposal took 0.66 s with it, 0.27 s without.
    random_page_cost = env.float("PG_RANDOM_PAGE_COST", default=1.1)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c random_page_cost={random_page_cost} -c jit=off"
    )
# CI and developers share one PostgreSQL server: TEST_DATABASE_NAME keeps test runs apart.
if test_database_name := env("TEST_DATABASE_NAME", default=None):
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# locale/ rewords a few of the admin's stock Chinese messages (see its django.po).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# One date format wherever a clerk looks or types: 2026-01-15, as letters and registers write
# it. Django always localises, so zh-hans' own formats (2026年1月15日, input 2026/01/15) would
# win over these; tracker/formats/zh_Hans repeats them for the locale. These still apply where
# localisation is off ({% localize off %}, no active language).
DATE_FORMAT = SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# The first is how date inputs show a date; the others are accepted as typed.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"]
FORMAT_MODULE_PATH = ["tracker.formats"]
# A list filter left empty reads 全部 (all), not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = "全部"

STATIC_URL = "static/"
# `manage.py collectstatic` copies every app's static files here; whitenoise serves them.
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# In production the collected files carry a hash of their content in their names and
# whitenoise serves them compressed with a one-year cache header: a browser fetches
# tracker.css again exactly when it has changed, never a stale copy. Those names exist only
# after collectstatic, so development and the tests (which load these settings with DEBUG on)
# keep the plain names, served from each app's own folder.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# HTTPS. With DEBUG off each of these defaults to the safe value; with DEBUG on (development on
# one machine, plain HTTP) to off. Behind a proxy that ends HTTPS (README, Deployment), set
# SECURE_PROXY_SSL_HEADER to the header it sets on every request, e.g. X-Forwarded-Proto:
# without it every request looks like plain HTTP and SECURE_SSL_REDIRECT redirects forever.
# Opt-in, because the header is believed: only when the proxy always sets it and nothing else
# can reach the application server.
if proxy_ssl_header := env("SECURE_PROXY_SSL_HEADER", default=""):
    meta_name = proxy_ssl_header.upper().replace("-", "_").removeprefix("HTTP_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{meta_name}", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A browser that has seen the site over HTTPS refuses plain HTTP for this long (a year). The
# subdomains are this host's own; preload is acted on only if someone submits the domain to
# the browsers' preload list. Start lower (3600) on a first deployment if unsure of HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)

# Logs go to stderr (systemd's journal, or the terminal), one line per record: JSON in
# production for a log collector to read, plain text with DEBUG. Errors (a 500 with its
# traceback, from django.request) and requests slower than SLOW_REQUEST_MS (logger
# tracker.slow) are logged; see tracker/observability.py.
SLOW_REQUEST_MS = env.int("SLOW_REQUEST_MS", default=1000)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tracker.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": env("LOG_FORMAT", default="text" if DEBUG else "json"),
        },
    },
    "root": {"handlers": ["stderr"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own records (django.request's 500s among them) once, through the handler above.
        "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # 5xx only: a 404 or 403 is in the proxy's access log, and scanners make thousands.
        "django.request": {"level": "ERROR"},
        # Failed sign-ins and lockouts (WARNING), not axes' banner on every command.
        "axes": {"level": "WARNING"},
    },
}

# Login protection (django-axes). After LOGIN_FAILURE_LIMIT failed sign-ins a login is refused
# for LOGIN_LOCKOUT_MINUTES, counted per user name (one clerk's password guessed from any
# number of machines) and per address (one machine trying many user names): each count alone
# leaves the other attack open. The price of the second: colleagues behind one office address
# (NAT) share its count; LOGIN_LOCKOUT_PARAMETERS=username drops it where that hurts. A clerk
# unlocks in the workbench (登录保护 → 登录失败记录, tracker/lockout.py), or
# `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = env.list("LOGIN_LOCKOUT_PARAMETERS", default=["username", "ip_address"])
# A colleague who mistyped and then got in starts from zero again.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tracker.lockout.lockout_response"
# The workbench lists lockouts on tracker/lockout.py's page instead of axes' three English
# ones. Successful sign-ins are not logged by axes: Django keeps each user's last_login.
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
# Failures and lockouts are logged with the address (as the proxy logs it anyway); the user name
# stays masked there, since now and then it is a password typed into the wrong box.
AXES_SENSITIVE_PARAMETERS = ["username"]
# The client's address. Directly exposed, it is the connection's: X-Forwarded-For is ignored,
# since any client can write it. Behind PROXY_COUNT reverse proxies (nginx alone: 1) it is the
# address the outermost proxy saw, read from the right of X-Forwarded-For, where each proxy
# appends the address it received the request from (what a client wrote stays on the left).
# django-ipware counts only the proxies listed inside the header: the nearest one is the
# connection itself, hence the - 1.
if proxy_count := env.int("PROXY_COUNT", default=0):
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    AXES_IPWARE_PROXY_COUNT = proxy_count - 1
    # Not strict: a header longer than expected (a client's own entries) still gives the
    # right-hand address instead of none.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site only,
# no inline script and no inline style (the templates use classes from tracker.css), so an
# injected <script> or style="" does nothing. Django's admin itself needs none (tested in
# tests/browser/test_csp.py, page by page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Changes go through the services, which check them; reverting from history would not.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Django's own CSRF page is English and for developers; ours tells a clerk what to do next.
CSRF_FAILURE_VIEW = "tracker.errors.csrf_failure"

# Handling rules (calendar months or days). A lead bureau replies within REPLY_PERIOD_MONTHS of
# assignment (the common rule is three); a co-handler gives its opinion to the lead within
# CO_HANDLER_OPINION_MONTHS; a bureau may ask to return an assignment within RETURN_WINDOW_DAYS;
# a proposal re-handled after 不满意 is due REHANDLING_PERIOD_MONTHS later; no extension reaches
# past EXTENSION_CAP_MONTHS after assignment. "Due soon" starts DUE_SOON_DAYS before a due date.
REPLY_PERIOD_MONTHS = env.int("REPLY_PERIOD_MONTHS", default=3)
CO_HANDLER_OPINION_MONTHS = env.int("CO_HANDLER_OPINION_MONTHS", default=1)
RETURN_WINDOW_DAYS = env.int("RETURN_WINDOW_DAYS", default=10)
REHANDLING_PERIOD_MONTHS = env.int("REHANDLING_PERIOD_MONTHS", default=1)
EXTENSION_CAP_MONTHS = env.int("EXTENSION_CAP_MONTHS", default=6)
DUE_SOON_DAYS = env.int("DUE_SOON_DAYS", default=14)

# The statistics report compares each bureau's on-time rate with this target (0.95 = 95%),
# and shows bureaus with fewer lead items than STATISTICS_MIN_ITEMS without ranking them.
STATISTICS_ON_TIME_TARGET = env.float("STATISTICS_ON_TIME_TARGET", default=0.95)
STATISTICS_MIN_ITEMS = env.int("STATISTICS_MIN_ITEMS", default=5)

# Uploads and background jobs. The files a workbench upload keeps for its preview (letters,
# registers) live under MEDIA_ROOT/uploads/ and big exports under MEDIA_ROOT/exports/, never
# served directly (their pages check who asks). The web server and every worker machine must
# share this folder (or STORAGES["default"] must point at shared object storage).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Past this size an upload is written to a temporary file as it arrives, never held in memory,
# and proposals/uploads.py stops it at the limits before it is read whole.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
# A clerk may pick up to 1,000 letters at once (MAX_FILES in proposals/services/imports.py):
# one more reaches the upload handler, which refuses it in Chinese instead of a bare 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 1001
# Unconfirmed previews and their files are deleted after this many hours (purge_previews).
PREVIEW_RETENTION_HOURS = env.int("PREVIEW_RETENTION_HOURS", default=72)
# Background jobs (django-tasks): stored in the database and run by `manage.py db_worker`, as
# many workers on as many machines as needed. TASKS_BACKEND=django_tasks.backends.immediate.
# ImmediateBackend runs them inside the request instead (no worker; for trying things out).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# An XLSX export of more proposals than this is written by a job, with a page to wait on.
EXPORT_INLINE_ROWS = env.int("EXPORT_INLINE_ROWS", default=5000)
