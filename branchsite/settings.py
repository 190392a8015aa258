"""Settings for branchsite, driven by environment variables.

Variables (all optional unless noted):
  DEBUG          1/0, default 0. The Makefile's development targets set DEBUG=1.
  SECRET_KEY     required when DEBUG is off.
  ALLOWED_HOSTS  comma-separated, default "127.0.0.1,localhost" (any host when DEBUG is on).
  CSRF_TRUSTED_ORIGINS  comma-separated origins (https://party.school.example), default none.
  DATABASE_URL   default: the SQLite file db.sqlite3 in the project folder.
                 PostgreSQL: postgres://USER:PASSWORD@HOST:5432/NAME
                 Connections are kept for DATABASE_CONN_MAX_AGE seconds (default 60) and,
                 with DATABASE_HEALTH_CHECKS=1 (the default), checked before a request
                 reuses one, so a restarted PostgreSQL costs no failed request.
  DATABASE_REPLICA_URL  a read replica (PostgreSQL streaming replication) of DATABASE_URL:
                 the district pages (/districts/) read the organisation's data from it;
                 every write and every other page use DATABASE_URL (branchsite.replica,
                 docs/scaling.md). Default none.
  REDIS_URL      redis://HOST:6379/0: the cache in Redis (Django's RedisCache) and, unless
                 SESSION_STORE says otherwise, sessions "cached_db" (read from Redis, written
                 to both, so a restart or flush of Redis signs nobody out). Default none:
                 Django's local-memory cache, sessions in the database. docs/scaling.md.
  CACHE_KEY_PREFIX  prefix of every cache key in Redis, default "branchsite" (two sites
                 sharing one Redis database set different ones).
  SESSION_STORE  "db" (default without REDIS_URL), "cached_db" (default with it) or "cache"
                 (Redis only: faster writes, but a flush of Redis signs everyone out;
                 needs REDIS_URL).
  TIME_ZONE      default Asia/Shanghai.
  MEDIA_ROOT     where uploads are kept on disk, default ./media.
  STATIC_ROOT    where collectstatic puts the static files, default ./staticfiles.
  TRASH_KEEP_DAYS  days a deleted record stays in the recycle bin, default 90.
  BACKUP_DIR     where `manage.py backup` writes its archives, default ./backups.

Uploads on S3-compatible storage instead of MEDIA_ROOT (see docs/deploy.md; needs
`pip install "django-storages[s3]==1.14.6"`, which the product does not install):
  MEDIA_STORAGE            "local" (default: MEDIA_ROOT) or "s3".
  AWS_STORAGE_BUCKET_NAME  the bucket, required with s3; private: uploads are served only
                           through the access-checked views, never from the bucket.
  AWS_S3_ENDPOINT_URL      the service's address when it is not Amazon's (MinIO, a cloud's).
  AWS_S3_REGION_NAME       the bucket's region, when the service needs one.
  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY  the credentials (boto3 reads them itself).
  AWS_LOCATION             a folder inside the bucket, default none.
  AWS_S3_ADDRESSING_STYLE  "path" for services that need it (MinIO), default automatic.

HTTPS (see docs/deploy.md):
  HTTPS          1 turns on the redirect to HTTPS, secure cookies and HSTS.
                 Each can be set apart: SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE,
                 CSRF_COOKIE_SECURE, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS,
                 SECURE_HSTS_PRELOAD.
  SECURE_PROXY_SSL_HEADER  behind a proxy that ends HTTPS, its header (X-Forwarded-Proto).
  CSP_REPORT_ONLY  1 makes the Content-Security-Policy only report, default 0 (enforced).

Signing in (see docs/deploy.md):
  LOGIN_FAILURE_LIMIT          wrong passwords before an account is locked, default 5.
  LOGIN_ADDRESS_FAILURE_LIMIT  wrong passwords from one address before it is, default 30.
  LOGIN_LOCKOUT_MINUTES        how long a lock lasts, default 30.
  CLIENT_ADDRESS_HEADER        behind a reverse proxy, the header it sets to the client's
                               address (X-Forwarded-For); unset, the connection's address.
  SESSION_IDLE_MINUTES         a session ends after this long without a request, default 480.
  SESSION_EXPIRE_AT_BROWSER_CLOSE  1 ends every session when the browser closes, default 0
                               (the login page offers it per sign-in: 公用电脑).

Uploads (each refused above its size; nginx's client_max_body_size must allow them):
  ROSTER_IMPORT_MAX_ROWS        rows of a roster or payroll file, default 5000.
  ROSTER_IMPORT_MAX_BYTES       a roster or payroll file, default 10485760 (10 MiB).
  MEETING_ATTACHMENT_MAX_BYTES  a meeting photo or scan, default 10485760.
  RECRUITMENT_DOCUMENT_MAX_BYTES  a recruitment step's document, default 10485760.

Logs (see docs/deploy.md):
  LOG_FORMAT     "json" (one JSON object per line on stderr) or "text"; default json when
                 DEBUG is off, text when it is on.
  LOG_LEVEL      default INFO.

Background work (exports, document bundles: branchsite.jobs; see docs/deploy.md):
  TASKS_BACKEND  "database" (default: the queue is a table of the site's database, run by
                 `manage.py db_worker`, deploy/branchsite-worker.service), "immediate" (the
                 work runs inside the request that asks for it: for trying things only), or
                 the dotted path of another django-tasks backend class.
  JOB_STALE_MINUTES  a running job with no progress for this long lost its worker and is
                 failed, default 30.
  JOB_KEEP_DAYS  days a finished job's file stays in 我的下载, default 7.

deploy/gunicorn.conf.py reads GUNICORN_BIND, GUNICORN_WORKERS and GUNICORN_TIMEOUT.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from xstatic.pkg import bootstrap as xstatic_bootstrap

from branchsite.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. For development run through the "
            "Makefile (it sets DEBUG=1) or export DEBUG=1."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
if DEBUG:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, "*"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "branchsite.apps.BranchsiteAdminConfig",
    "branchsite.apps.BranchsiteConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the widgets' own templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",  # the queue's table, and `manage.py db_worker`
    "groups",
    "members",
    "activities",
    "reports",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "branchsite.accounts.IdleSessionExpiry",
    "branchsite.accounts.PasswordChangeRequired",
    "branchsite.submissions.SubmitOnce",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "branchsite.urls"

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
                "groups.context_processors.roles",
                "reports.navigation.navigation",
            ],
            "libraries": {"people": "branchsite.templatetags.people"},
            # {% submit_once %}, in every form that changes something.
            "builtins": ["branchsite.templatetags.submissions"],
        },
    },
]

# Widgets render through the project's templates, so templates/django/forms/ can restyle
# them everywhere, the workbench included (the empty choice reads 请选择…).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "branchsite.wsgi.application"

# Connections are reused across requests (a new PostgreSQL connection costs milliseconds of
# set-up) and checked before each reuse, so one PostgreSQL closed meanwhile is replaced.
_DB_OPTIONS = {
    "conn_max_age": env_int("DATABASE_CONN_MAX_AGE", 60),
    "conn_health_checks": env_bool("DATABASE_HEALTH_CHECKS", True),
}
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), **_DB_OPTIONS
    )
}
# A read replica for the district pages (branchsite.replica): its reads of the organisation's
# data go there, everything else to the primary. In tests it mirrors the test database.
if replica_url := env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(replica_url, **_DB_OPTIONS),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["branchsite.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1,
        "branchsite.replica.ReplicaReads",
    )

# The cache, and sessions (docs/scaling.md). Without Redis: each process's own memory, and
# sessions in the database (a query per request to read one). With REDIS_URL: one cache for
# every worker and every app server, and sessions read from it.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "branchsite"),
        }
    }
SESSION_ENGINES = {
    "db": "django.contrib.sessions.backends.db",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "cache": "django.contrib.sessions.backends.cache",
}
SESSION_STORE = env_str("SESSION_STORE", "cached_db" if REDIS_URL else "db").strip().lower()
if SESSION_STORE not in SESSION_ENGINES:
    raise ImproperlyConfigured(
        f"Environment variable SESSION_STORE={SESSION_STORE!r} is not one of db, cached_db, cache."
    )
if SESSION_STORE != "db" and not REDIS_URL:
    # Each worker's memory is its own: a session kept there is lost at the next worker.
    raise ImproperlyConfigured(f"SESSION_STORE={SESSION_STORE} needs REDIS_URL.")
SESSION_ENGINE = SESSION_ENGINES[SESSION_STORE]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Secretaries and committee members get their permissions from the organisation
    # data (who holds which post now), not from hand-maintained permission groups.
    "groups.access.OrganisationRoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "branchsite.passwords.DemoPasswordValidator"},
]

# Login lockout (django-axes, with branchsite.lockout's limit per account and per address).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "branchsite.lockout.BranchLockoutHandler"
AXES_LOCKOUT_CALLABLE = "branchsite.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "branchsite.lockout.client_address"
CLIENT_ADDRESS_HEADER = env_str("CLIENT_ADDRESS_HEADER")
AXES_RESET_ON_SUCCESS = True
# The workbench is one branch's; a lock is lifted from the member's page (解除登录锁定) or,
# for an address, by the site administrator (manage.py axes_reset_ip).
AXES_ENABLE_ADMIN = False

# A session ends after a working day without a request (branchsite.accounts.IdleSessionExpiry).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 8 * 60) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap 5 comes from the XStatic-Bootstrap package: no CDN, schools run offline.
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# `manage.py backup` (branchsite/backups.py); keep a copy of it off this machine too.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "backups")))

# Uploads on S3-compatible storage (docs/deploy.md). django-storages is imported only when
# configured, so the product runs without it; the files are still read only through the
# storage API by the access-checked views (branchsite.downloads), never linked to the bucket.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local").strip().lower() or "local"
if MEDIA_STORAGE == "s3":
    missing = [name for name in ("storages", "boto3") if importlib.util.find_spec(name) is None]
    if missing:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs django-storages with boto3, which are not installed: "
            'pip install "django-storages[s3]==1.14.6"'
        )
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": env_str("AWS_LOCATION"),
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            # Like the disk: a second upload of the same name gets a name of its own.
            "file_overwrite": False,
            # The bucket's own (private) access; never a public-read object.
            "default_acl": None,
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(
        f"Environment variable MEDIA_STORAGE={MEDIA_STORAGE!r} is not one of local, s3."
    )

# Background work (branchsite.jobs). The database backend needs nothing but the site's own
# database, SQLite included: a deployment runs `manage.py db_worker` beside the site
# (deploy/branchsite-worker.service; `make run` starts one), several on PostgreSQL.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "database").strip() or "database"
if TASKS_BACKEND not in TASK_BACKENDS and "." not in TASKS_BACKEND:
    raise ImproperlyConfigured(
        f"Environment variable TASKS_BACKEND={TASKS_BACKEND!r} is not one of "
        "database, immediate or a backend's dotted path."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Background jobs (branchsite.jobs): a running job with no progress for this long has lost
# its worker and is failed; a finished job and its file are deleted after this many days.
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 30)
JOB_KEEP_DAYS = env_int("JOB_KEEP_DAYS", 7)

# How long a deleted record stays in the branch's recycle bin (branchsite.trash).
TRASH_KEEP_DAYS = env_int("TRASH_KEEP_DAYS", 90)

# The Content-Security-Policy: pages load scripts, styles, fonts and images from this site
# only, run no inline script and apply no inline style (the print stylesheet carries a
# nonce), are framed by no one and send forms only here. Pages ask for behaviour through
# data- attributes (static/js/site.js). CSP_REPORT_ONLY=1 only reports what it would
# block (in the browser's console), e.g. to read Django's own error page while developing.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        # Bootstrap draws its check marks and select arrows as data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if env_bool("CSP_REPORT_ONLY", False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# HTTPS (docs/deploy.md). HTTPS=1 turns on all of these; each can be set apart, e.g.
# SECURE_HSTS_INCLUDE_SUBDOMAINS=0 when other sites under the domain still speak plain HTTP.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
# Behind a reverse proxy that ends HTTPS, the header it sets to say so (X-Forwarded-Proto);
# only ever set when the proxy overwrites that header on every request.
if proxy_ssl_header := env_str("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
# The health check answers a local probe over plain HTTP too (branchsite.health).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs go to stderr (journald under systemd). In production one JSON object per line, with
# the request's path, status and user id where a record has them (branchsite.logs); with
# DEBUG on, readable lines. Errors in views are logged by django.request with the traceback.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json").strip().lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(
        f"Environment variable LOG_FORMAT={LOG_FORMAT!r} is not one of json, text."
    )
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").strip().upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "branchsite.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": LOG_FORMAT,
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Without Django's own handlers (console only with DEBUG on, mail to ADMINS): its
        # records go up to the root's, like everyone's (and to pytest's caplog).
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # Each PDF's steps, and django-axes' banner at every start, are noise; their
        # warnings are not.
        "weasyprint": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},
    },
}

# Roster import (党员花名册): a file larger than this is refused before it is opened, one with
# more data rows is refused after reading its dimensions. A branch has ≤50 members; the
# limits leave room for a whole school district's file.
ROSTER_IMPORT_MAX_ROWS = env_int("ROSTER_IMPORT_MAX_ROWS", 5000)
ROSTER_IMPORT_MAX_BYTES = env_int("ROSTER_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# Meeting photos and scanned sign-in sheets.
MEETING_ATTACHMENT_MAX_BYTES = env_int("MEETING_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# The documents of the recruitment steps (scans, Word files).
RECRUITMENT_DOCUMENT_MAX_BYTES = env_int("RECRUITMENT_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
