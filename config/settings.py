"""Settings read from the environment.

The defaults are the embedded mode a district office tries first: SQLite and Celery
tasks run in-process. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY and
ALLOWED_HOSTS (see README).
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    # django-csp: its system checks catch a policy written in the old CSP_* settings.
    "csp",
    # Bottom to top: an app imports only from those above it in this list (import-linter
    # checks it; see the README's layout).
    "common",
    "units",
    "campaign",
    "study",
    "ledgers",
    "supervision",
    "reports",
    "todos",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.RequestSizeLimit",
    "common.middleware.PermissionsPolicy",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.SessionIdleTimeout",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and the messages are known: a form sent twice is saved once.
    "common.submissions.OncePerSubmission",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into units.lockouts' page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "units.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file. WAL lets readers go on while one writes;
    # IMMEDIATE takes the write lock when a transaction begins, so that two transactions
    # that read and then write queue for up to `timeout` seconds instead of one failing
    # at once with "database is locked" (the busy timeout can't help a read lock that
    # must become a write lock).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Login throttling (django-axes): five wrong passwords for one user name from one address
# lock that pair for half an hour; the office can unlock it sooner (units.lockouts).
# Counted in the database, so every worker and node sees the same counts.
AUTHENTICATION_BACKENDS = [
    "units.lockouts.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A try during the lockout doesn't start it again: the time the login page gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "units.lockouts.lockout_response"
# The same client address as the survey's limit (CLIENT_IP_HEADER behind the proxy).
AXES_CLIENT_IP_CALLABLE = "common.throttle.client_address"
# No banner in every manage.py command's output.
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session ends after a working day without use (common.middleware.SessionIdleTimeout
# moves its expiry forward while it is used).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=9 * 60 * 60)

# The largest upload is an activity's five photos or scans of 5 MB each
# (ledgers.services.practice); a whole request may be somewhat more, and no more
# (common.middleware.RequestSizeLimit; nginx's client_max_body_size in the README matches).
# Form fields other than files stay within Django's default 2.5 MB.
REQUEST_MAX_BYTES = 30 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Members scan the sign-in QR code with the phone's own camera app, which opens the link;
# no page asks for the camera, location or the like (common.middleware.PermissionsPolicy).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Content-Security-Policy (django-csp): the pages run only the app's own static files.
# No inline <script>, <style>, style="…" or on…="…" handler in a template: behaviour is
# in static/js, loaded with <script src>, and looks in static/css
# (tests/common/test_csp_header.py fails on a new one). Bootstrap's CSS draws its icons
# as data: SVGs, hence img-src data:. The PDFs' templates (the briefing, the survey
# poster) keep their <style>: WeasyPrint reads them, no browser does.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The briefing's typefaces cut down to GB 2312 (reports.fonts; `manage.py briefing_fonts`
# writes them once a machine, and every worker rendering briefings reads them).
BRIEFING_FONTS_DIR = env.path("BRIEFING_FONTS_DIR", default=BASE_DIR / "var" / "fonts")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The public survey's rate limit and the sign-in codes' count of wrong guesses are kept in
# the cache (common.throttle): shared by all workers only when it is Redis
# (CACHE_URL=redis://host:6379/1); the default is per process.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # An unreachable Redis costs a request a second at most (common.throttle then
            # counts in the process).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
# The request header the TLS proxy puts the client's address in (e.g. HTTP_X_REAL_IP).
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# Public survey opinions a unit's inbox holds waiting (待核实); past it one is not kept.
SURVEY_PENDING_CAP = env.int("SURVEY_PENDING_CAP", default=200)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: without a broker the tasks run in-process, so the app works with nothing else
# installed; production points CELERY_BROKER_URL at Redis and runs a worker and beat.
_BROKER = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not _BROKER
# In-process mode still names a broker; an in-memory one keeps kombu from looking for AMQP.
CELERY_BROKER_URL = _BROKER or "memory://localhost/"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_BROKER or None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Nobody reads a task's result. Kept, a Redis result backend made every send subscribe to
# it first, and with Redis down retry that 20 times: the 19 s a request hung (issue 12).
CELERY_TASK_IGNORE_RESULT = True
# With Redis down or unreachable a send fails within a second or two, not after retrying:
# the job waits in the outbox (common.outbox) and goes once Redis is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    # A message taken by a worker that died before acknowledging it (acks late: killed
    # mid-task) goes back to the queue after this many seconds; Redis's default is an hour.
    # It must outlast any task still alive: a briefing renders in seconds (2,090 units: 2 s,
    # benchmarks/README.md) and is stopped at 4 minutes (briefings.TIME_LIMIT); the retries'
    # countdowns are under a minute. 5 minutes.
    "visibility_timeout": 300,
}
# The district's weekly 简报, Friday afternoon Beijing time (CELERY_TIMEZONE), for the
# office's Saturday meeting; it lands in the same list as the requested ones.
CELERY_BEAT_SCHEDULE = {
    "weekly-briefing": {
        "task": "reports.tasks.briefing_weekly",
        "schedule": crontab(day_of_week="fri", hour=16, minute=0),
    },
    "stalled-briefings": {
        "task": "reports.tasks.briefing_sweep",
        "schedule": crontab(minute="*/10"),
    },
    # Jobs whose sending failed (Redis was down) are sent again (common.outbox).
    "outbox": {
        "task": "common.tasks.outbox_flush",
        "schedule": 60.0,
    },
    # Each secretary's and each lagging member's 每周待办提醒, Monday 8:00 Beijing time.
    "weekly-reminders": {
        "task": "todos.tasks.digest_weekly",
        "schedule": crontab(day_of_week="mon", hour=8, minute=0),
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="xjxjy@localhost")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# The address users reach the app at, for links in e-mails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Behind a TLS-terminating proxy in production; an intranet served over plain HTTP can
# turn these off explicitly (SECURE_SSL_REDIRECT=false etc.).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Shown on the login page and printed by `make run`; the demo district only.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="xianjinxing2005")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # In-process (eager) tasks would otherwise report every run in the server's output.
    "loggers": {
        "celery": {"level": "WARNING"},
        "common.tasks": {"level": "WARNING"},
        # WeasyPrint reports every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes reports every successful login at INFO; failures and lockouts are
        # warnings.
        "axes": {"level": "WARNING"},
    },
}
