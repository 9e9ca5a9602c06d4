"""Settings for Blue Beret, read from environment variables with safe demo defaults.

Every setting that differs between a demo laptop and a department's server comes from the
environment (healthchecks' style), so one code base serves both without local patches.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


# The demo key is published in this repository: fine on a laptop, refused by the production
# server (blueberet/wsgi.py), which needs a real installation to set its own.
DEMO_SECRET_KEY = "blueberet-demo-key-change-me-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", DEMO_SECRET_KEY)
# Off unless asked for: `make run` and the tests turn it on; a server never shows tracebacks.
DEBUG = envbool("DEBUG", "False")
ALLOWED_HOSTS = os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# --- HTTPS, behind the department's TLS proxy (docs/deployment.md) ---------------------------
# Off by default so that `make run` works over plain http on a laptop; a server sets them.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
# The health check is asked over plain http by the proxy on loopback (core/views/health.py).
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "False")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")
# The proxy says the browser came over https (X-Forwarded-Proto: https); trust it only where a
# proxy that sets it sits in front, or any client could claim https.
if envbool("SECURE_PROXY_SSL_HEADER", "False"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request (core/sessions.py), after
# SESSION_COOKIE_AGE seconds whatever happens (a long working day), and when the
# browser closes: an office computer left signed in is not a way into the register for long.
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", str(30 * 60))
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(12 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", "True")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Content-Security-Policy (django-csp) ----------------------------------------------------
# Every script and style sheet comes from this site's own files: no inline script, no inline
# style attribute, nothing from elsewhere (a closed network has no elsewhere anyway). Scripts
# that must be inline (none today) would take the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

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
    # API tokens hashed at rest and expiring (core/tokens.py).
    "knox",
    # One-time codes after the password: authenticator apps (TOTP) and recovery codes
    # (core/second_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Long work (imports, the planner, workbook builds, nightly recounts) runs as tasks on a
    # queue kept in the database (django-tasks, Django 6's own API; core/jobs.py).
    "django_tasks",
    "django_tasks_db",
    "drf_spectacular",
    # Swagger UI from the package itself: no CDN on a closed network.
    "drf_spectacular_sidecar",
    "csp",
    # Lockout of repeated failed sign-ins, counted in the database (core/signin.py).
    "axes",
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
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a one-time code.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_COOKIE_AGE.
    "core.sessions.SessionTimeoutMiddleware",
    # Sends a user whose role must use a one-time code to set one up before anything else.
    "core.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records the signed-in user on every audit-history entry made during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Pages carry personal data: no browser or proxy keeps a copy (static files are served
    # by WhiteNoise above, before this, and stay cacheable).
    "core.middleware.NoStoreMiddleware",
    # Every download and every read of personal data, with who, when and from where.
    "core.access_log.AccessLogMiddleware",
    # A PDF asked for where WeasyPrint's system libraries are missing: 503 and what to install.
    "core.pdf.PdfUnavailableMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during the request into the sign-in
    # page that says when to try again (core.signin.lockout_response).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes refuses a locked-out account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # A user's permissions are those of the roles of their grants (role over an organisation
    # subtree), not of groups held everywhere: see core/backends.py.
    "core.backends.GrantBackend",
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

# runserver builds its own application: blueberet/wsgi.py is the production server's, and it
# refuses the demo key that `make run` uses.
WSGI_APPLICATION = None

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
            "CONN_HEALTH_CHECKS": True,
        }
    }
    # An optional streaming replica of the primary, read by the statistics pages only (they
    # tolerate a second of lag; everything else reads what it has just written). The router
    # sends nothing there unless a page asks for it (core/replica.py).
    if os.getenv("DB_REPLICA_HOST"):
        DATABASES["replica"] = {
            **DATABASES["default"],
            "HOST": os.environ["DB_REPLICA_HOST"],
            "PORT": os.getenv("DB_REPLICA_PORT", DATABASES["default"]["PORT"]),
            # A replica whose machine is gone must not hold a page until TCP gives up: after
            # 3 s the page reads from the primary (core/replica.py).
            "OPTIONS": {"connect_timeout": 3},
        }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
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

# --- Shared state: several app servers behind one proxy (docs/deployment.md) -----------------
# Nothing a second server would need is kept in one process's memory: sessions are in the
# database (Django's default), the cache is a database table (made by core's migrations), and
# stored files (uploads waiting for a task, task results such as workbooks) live in
# STORAGE_DIR, which must be one folder shared by every app server and worker (NFS or equal).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "blueberet_cache",
    }
}
STORAGE_DIR = Path(os.getenv("STORAGE_DIR", str(BASE_DIR / "storage")))
MEDIA_ROOT = STORAGE_DIR
# Stored files are personal data: no URL serves the folder (MEDIA_URL stays unset); a user
# downloads a file only through a view that checks who asks (core.views.jobs).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `make serve` collects the static files once, with hashed names that browsers may keep
    # for a year, and compressed (gzip, brotli); `make run` and the tests serve them from the
    # apps' folders as they are (STATIC_COLLECTED off).
    "staticfiles": {
        "BACKEND": (
            "core.staticfiles.CompressedManifestStorage"
            if envbool("STATIC_COLLECTED", "False")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# S3-compatible object storage instead of the shared folder (docs/deployment.md): needs
# `pip install django-storages[s3]`; the bucket and keys come from AWS_* variables.
if os.getenv("STORAGE_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["STORAGE_S3_BUCKET"],
            "endpoint_url": os.getenv("STORAGE_S3_ENDPOINT") or None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }

# --- Background work (django-tasks with its database backend; core/jobs.py) ------------------
# The queue is a table of the application's own database: no broker to install or back up.
# `make run` starts a worker beside the development server; a server runs `manage.py
# worker` under systemd (docs/deployment.md). TASKS_IMMEDIATE runs each task inside the
# request that starts it (the tests, and a one-process demo if wanted).
TASKS_IMMEDIATE = envbool("TASKS_IMMEDIATE", "False")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TASKS_IMMEDIATE
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# A running job writes a sign of life this often (seconds); one silent for JOB_STALE_SECONDS
# belonged to a worker that died, and is marked failed (its work was one transaction, so
# nothing of it was written).
JOB_HEARTBEAT_SECONDS = envint("JOB_HEARTBEAT_SECONDS", "10")
JOB_STALE_SECONDS = envint("JOB_STALE_SECONDS", "120")
# Finished jobs and their files are removed after this many days (`manage.py purge_jobs`).
JOB_RETENTION_DAYS = envint("JOB_RETENTION_DAYS", "30")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Sign-in: lockout after repeated failures (django-axes, docs/security.md) -----------------
# Failures are counted per account and per address over the cool-off period; at the limit,
# sign-in is refused (even with the right password) until the cool-off has passed since the
# last failure, or an administrator unlocks the account. An unknown user name is counted and
# locked like a real one, so the answer never tells whether an account exists. An address gets
# more tries than an account: a whole office may sign in from behind one address.
SIGNIN_FAILURES_PER_ACCOUNT = envint("SIGNIN_FAILURES_PER_ACCOUNT", "5")
SIGNIN_FAILURES_PER_ADDRESS = envint("SIGNIN_FAILURES_PER_ADDRESS", "20")
SIGNIN_COOLOFF_MINUTES = envint("SIGNIN_COOLOFF_MINUTES", "15")
# The number of proxies in front of the application that append the client's address to
# X-Forwarded-For (the TLS proxy: 1). 0 trusts no such header: REMOTE_ADDR is the client.
SIGNIN_TRUSTED_PROXIES = envint("SIGNIN_TRUSTED_PROXIES", "0")
AXES_HANDLER = "core.signin.LockoutHandler"
# Two separate counts: the account's (any address) and the address's (any account).
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
# axes compares with one limit, the account's; core.signin.LockoutHandler scales the address's
# count to it. Both read the settings above when called, so a test may override them.
AXES_FAILURE_LIMIT = "core.signin.failure_limit"
AXES_COOLOFF_TIME = "core.signin.cool_off"
# Tries while locked out are refused without being counted, so the time the page gives stays
# true however often an impatient user retries.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in clears the account's failures only (LockoutHandler), not the address's:
# otherwise anyone with one account could reset the address's count between guesses.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "core.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.signin.client_address"
# Lockouts are listed and lifted on our own scoped page (core/views/signin_admin.py), not in
# an admin that would show every organisation's sign-ins to any staff user.
AXES_ENABLE_ADMIN = False

# How long the access log keeps its entries (core/access_log.py); `manage.py purge_access_log`
# removes older ones (run it daily).
ACCESS_LOG_RETENTION_DAYS = envint("ACCESS_LOG_RETENTION_DAYS", "730")

# --- Sign-in: one-time codes (django-otp, docs/security.md) -----------------------------------
# The roles whose users must sign in with a code from an authenticator app, by name, comma
# separated ("Administrator,Approver"; a superuser counts as an Administrator). Empty by
# default, so that the demo and the tests sign in with a password alone; anyone may still turn
# it on for himself on his account page.
OTP_REQUIRED_ROLES = [r.strip() for r in os.getenv("OTP_REQUIRED_ROLES", "").split(",")]
OTP_REQUIRED_ROLES = [r for r in OTP_REQUIRED_ROLES if r]
# The name authenticator apps show next to the code: which installation it is for.
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "Blue Beret")
# The QR code and the secret are shown to their user only, never in an admin page.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

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
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "blueberet" / "static"]
# `make run` and the tests serve straight from the app folders (no collectstatic step);
# `make serve` collects them first (STATIC_COLLECTED) and serves only the collected,
# compressed, hashed files, which browsers keep for a year.
WHITENOISE_USE_FINDERS = not envbool("STATIC_COLLECTED", "False")

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
    # The tokens are django-rest-knox's (hashed, expiring), read as core.tokens explains.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's browsable pages are a developer's tool (`make run`): their templates style inline,
    # which the Content-Security-Policy refuses; people read /api/docs/ instead.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # Each view set names core.api_base's pagination (PAGINATE_BY a page) and schema classes
    # itself: naming them here would import that module while DRF still loads (a cycle).
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_base.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # A drop-down of 100,000 people in the browsable API's forms would be unreadable and slow.
    "HTML_SELECT_CUTOFF": 100,
}

# API tokens (django-rest-knox): a token lasts API_TOKEN_TTL_HOURS, 10 by default: a working
# day for a script someone runs, after which a key left in a shell history, a copied script or
# a log is worthless. A scheduled job on the server gets a longer one from an administrator
# (`manage.py issue_token USER --expiry-hours N`), a choice made knowingly, once.
API_TOKEN_TTL_HOURS = envint("API_TOKEN_TTL_HOURS", "10")
# Tokens that have not expired, per user: a script that asks for a new token on every run is
# stopped before it piles them up (the user revokes old ones on the account page).
API_TOKENS_PER_USER = envint("API_TOKENS_PER_USER", "20")
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    # The same header as before the move to knox: `Authorization: Token <key>`.
    "AUTH_HEADER_PREFIX": "Token",
    # A token's expiry is fixed when it is made: using it does not stretch it.
    "AUTO_REFRESH": False,
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
