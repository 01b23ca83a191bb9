"""Settings shared by every environment, read from the environment (django-environ).

The defaults run the whole site on one machine with no servers: SQLite (WAL) and a
filesystem Celery broker under ``var/``, the database cache and the console mailer.
"""

import operator
from decimal import Decimal
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Local state of the one-machine setup: SQLite, the filesystem broker, generated keys.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
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
    "csp",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "loanmarket",
    "lenders",
    "applications",
    "partners",
    "devtools",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outermost after static files, so that it marks every answer of a page, redirects,
    # 403s and allauth's 429s included: no-store, private unless the page is public.
    "loanmarket.privacy.PrivateByDefaultMiddleware",
    # Before anything reads the query string or the form: too many fields is a plain 400.
    "loanmarket.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "loanmarket.middleware.MessagesLastOnePageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "loanmarket.mfa.RequireMFAMiddleware",
    "applications.middleware.AcquisitionChannelMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "loanmarket.urls"
# Where the admin is served (loanmarket/urls.py); production sets a path of its own.
ADMIN_URL = env.str("ADMIN_URL", default="admin/")
WSGI_APPLICATION = "loanmarket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loanmarket.context_processors.operator",
                "partners.context_processors.portal",
            ],
        },
    },
]

# Database: PostgreSQL in production (DATABASE_URL), SQLite in WAL mode by default.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'loanmarket.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches every local process shares (database tables by default, Redis in production), kept
# apart so that traffic anyone can send never evicts what must stay:
# - "default": allauth's rate-limit counters (allauth always uses this alias), the catalogue
#   version and the worker heartbeat. Nothing an anonymous page view sends adds to it. In
#   production, a Redis that never evicts (maxmemory-policy noeviction).
# - "pages": rendered public pages (lenders/pagecache.py); a flood only evicts other pages.
# - "sessions": copies of sessions (SESSION_ENGINE is cached_db, which reads the database on a
#   miss), one per new visitor. None by default: sessions are then read from the database.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://django_cache"),
    "pages": {
        "KEY_PREFIX": "pages",
        **env.cache("PAGE_CACHE_URL", default="dbcache://django_page_cache"),
    },
    "sessions": {
        "KEY_PREFIX": "sessions",
        **env.cache("SESSION_CACHE_URL", default="dummycache://"),
    },
}
for _cache in CACHES.values():
    if _cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        _cache["BACKEND"] = "loanmarket.cache.RedisCache"
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # A table culls a third of itself past MAX_ENTRIES (300 by default): failed logins and
    # password resets for made-up emails would push a real account's lock out. Counters
    # expire within minutes, and expired rows are culled first.
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 1_000_000)
SESSION_CACHE_ALIAS = "sessions"

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# The sender is named in both languages: a Chinese reader's inbox shows 贷款超市 first.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="贷款超市 LoanMarket <noreply@loanmarket.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who is mailed when an application cannot be delivered (and Django's error mail):
# comma-separated addresses.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese by default, English selectable; the browser's choice is honoured.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Content-Security-Policy: 'self' only, no inline script or style, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The client's address behind our proxies (loanmarket/http.py): how many proxies of ours
# append to X-Forwarded-For, or the one header our proxy sets. Neither: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="")

# Personal data at rest (see loanmarket/crypto.py): Fernet keys, the first encrypts; blind
# index keys "v1:<base64>", the first indexes. Required in production; generated into var/
# for development.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEYS = env.list("BLIND_INDEX_KEYS", default=[])

# Accounts (django-allauth): email and password, verified email, TOTP (required for the
# roles loanmarket/mfa.py names, optional for borrowers). The admin signs in through
# allauth too (loanmarket/urls.py), with these rate limits.
# Django's and allauth's backends, loading each account with its lender membership.
AUTHENTICATION_BACKENDS = [
    "partners.backends.MemberModelBackend",
    "partners.backends.MemberAllauthBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "applications:profile"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
# allauth names the person by their email ("signed in as …"), never by the username it
# derived from it.
ACCOUNT_USER_DISPLAY = operator.attrgetter("email")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The adapter names the site in allauth's emails (subject and body), not the request's host.
ACCOUNT_ADAPTER = "applications.adapters.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    # The profile's identity step (applications.views.profile): each save may test whether
    # a national ID number is registered, so few per account and per address.
    "save_identity": "5/h/user,20/h/ip",
}
MFA_ADAPTER = "applications.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "LoanMarket"
# A code from a phone whose clock is a few seconds off still works; each code is accepted
# once (allauth marks it used for the whole window).
MFA_TOTP_TOLERANCE = 1

# Celery: delivery state lives in the database; the broker only carries "look at row N".
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
else:
    # Hard time limits stay well under the visibility timeout (see DESIGN.md, "Stack").
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Celery's Django fixup closes the database connection after every task unless told to
# reuse it; a new PostgreSQL connection per delivery costs more than the delivery itself.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "record-worker-heartbeat": {
        "task": "loanmarket.tasks.record_heartbeat",
        "schedule": 60.0,
    },
    # Sends what is due and what a dead worker left behind: no application is lost.
    "sweep-deliveries": {
        "task": "applications.tasks.sweep_deliveries",
        "schedule": env.float("DELIVERY_SWEEP_SECONDS", default=60.0),
    },
}

# Where the demo's sandbox lender listens (manage.py sandbox_lender; make run starts it).
SANDBOX_LENDER_URL = env.str("SANDBOX_LENDER_URL", default="http://127.0.0.1:8100")
# A lender's API address is https://; plain http:// to a loopback address (such as the sandbox
# lender's) only where this is on: with DEBUG in local settings, and in tests. Never in production.
ALLOW_HTTP_LENDER_URLS = False

# The site's address, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Who runs the site, as every page's footer says, and where a person answers borrowers. The
# defaults are neutral demo values (the ICP filing is a placeholder); production sets its own.
OPERATOR_NAME = env.str("OPERATOR_NAME", default="示例科技有限公司")
OPERATOR_NAME_EN = env.str("OPERATOR_NAME_EN", default="Example Technology Co., Ltd.")
ICP_FILING = env.str("ICP_FILING", default="京ICP备00000000号-0")
ICP_FILING_URL = env.str("ICP_FILING_URL", default="https://beian.miit.gov.cn/")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="support@loanmarket.test")
COMPLAINTS_EMAIL = env.str("COMPLAINTS_EMAIL", default="complaints@loanmarket.test")
# When a person reads and answers mail, Beijing time (weekdays, public holidays excepted).
SUPPORT_HOURS = env.str("SUPPORT_HOURS", default="09:00–18:00")

# How long a lender's API may take to answer before the attempt counts as failed, and how
# long a worker holds a delivery (longer: a delivery whose worker died is retried after it).
LENDER_TIMEOUT_SECONDS = env.float("LENDER_TIMEOUT_SECONDS", default=10.0)
DELIVERY_LEASE_SECONDS = env.float("DELIVERY_LEASE_SECONDS", default=60.0)

# The platform never publishes a product whose APR (percent) exceeds this, anywhere in its range.
PLATFORM_MAX_APR = Decimal(env.str("PLATFORM_MAX_APR", default="24"))
# Affordability (percent): an offer is eligible only if its largest monthly payment plus the
# borrower's declared monthly debt payments stay within this share of their monthly income.
MAX_DEBT_SERVICE_RATIO = Decimal(env.str("MAX_DEBT_SERVICE_RATIO", default="50"))
# How long rendered catalogue and product fragments stay cached (seconds); any product or
# lender change invalidates them at once.
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
