"""Settings for Blue Beret, read from environment variables with safe demo defaults.

Every setting that differs between a demo laptop and a department's server comes from the
environment (healthchecks' style), so one code base serves both without local patches.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


# The demo key is fine on a laptop; a real installation must set its own.
SECRET_KEY = os.getenv("SECRET_KEY", "blueberet-demo-key-change-me-in-production")
DEBUG = envbool("DEBUG", "True")
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Swagger UI from the package itself: no CDN on a closed network.
    "drf_spectacular_sidecar",
    "core",
    "people",
    "missions",
    "units",
    "deployments",
    "training",
    "planning",
    "stats",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the signed-in user on every audit-history entry made during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "blueberet.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "blueberet" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "blueberet.wsgi.application"

# SQLite is the embedded default so `make run` needs no server; PostgreSQL is production.
DB_ENGINE = os.getenv("DB_ENGINE", "sqlite")
if DB_ENGINE == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.getenv("DB_NAME", "blueberet"),
            "USER": os.getenv("DB_USER", "postgres"),
            "PASSWORD": os.getenv("DB_PASSWORD", ""),
            "HOST": os.getenv("DB_HOST", "127.0.0.1"),
            "PORT": os.getenv("DB_PORT", "5432"),
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "0"),
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.getenv("DB_NAME", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL;",
                # Take the write lock when a transaction begins, so two writers queue instead
                # of one failing with "database is locked" half-way through.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = os.getenv("LANGUAGE_CODE", "en")
# Only languages with a translated catalogue are offered: French joins once translated.
LANGUAGES = [("en", "English"), ("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "blueberet" / "static"]
# Serve straight from the app folders: no collectstatic step for `make run` or a small server.
WHITENOISE_USE_FINDERS = True

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# The country this installation serves: printed as nationality on UN nominal rolls.
BLUEBERET_COUNTRY = os.getenv("BLUEBERET_COUNTRY", "Viet Nam")
# Documents that expire within this many days are flagged on the home and person pages.
EXPIRY_WARNING_DAYS = envint("EXPIRY_WARNING_DAYS", "90")
PAGINATE_BY = envint("PAGINATE_BY", "50")

# The REST API (blueberet/api.py, each app's api.py). Scripts sign in with a token, the browser
# with its session; every view scopes its records itself (core.api_base.ScopedViewSet).
REST_FRAMEWORK = {
    # Token first, so that an anonymous call is answered 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Each view set names core.api_base's pagination (PAGINATE_BY a page) and schema classes
    # itself: naming them here would import that module while DRF still loads (a cycle).
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_base.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # A drop-down of 100,000 people in the browsable API's forms would be unreadable and slow.
    "HTML_SELECT_CUTOFF": 100,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Blue Beret API",
    "DESCRIPTION": (
        "People, missions, units, rotations, deployments and training of a peacekeeping "
        "department. Every list is scoped to the caller's organisations and paginated; "
        "writes need the record's ETag in If-Match. See docs/api.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No call to validator.swagger.io: the documentation works on a closed network.
    "SWAGGER_UI_SETTINGS": {
        "deepLinking": True,
        "persistAuthorization": True,
        "validatorUrl": None,
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    # One name for each choice set used by several fields (rank_min and rank_max, state and
    # to_state), instead of a name per field.
    "ENUM_NAME_OVERRIDES": {
        "GradeEnum": "people.models.Grade",
        "StateEnum": "deployments.models.State",
        "CEFRLevelEnum": "people.models.CEFRLevel",
        "ServiceEnum": "people.models.Service",
        "OrganisationKindEnum": "core.models.OrganisationKind",
        "MissionKindEnum": "missions.models.MissionKind",
        "PassportKindEnum": "people.models.PassportKind",
        "ScreeningKindEnum": "people.models.ScreeningKind",
        "RequirementKindEnum": "planning.models.RequirementKind",
        "CourseKindEnum": "training.models.CourseKind",
        "AssessmentKindEnum": "training.models.AssessmentKind",
    },
}
