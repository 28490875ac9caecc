"""Settings for the proposal-response tracker.

Everything that differs between a developer's laptop and production is read from the
environment here, and nowhere else. `.env.example` documents each variable.
"""

from pathlib import Path

import environ
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
    "proposals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
STATIC_ROOT = BASE_DIR / "staticfiles"

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

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
