"""The test suite: PostgreSQL (DATABASE_URL), Redis for tests that need a broker."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
DATABASES = {
    "default": {
        **env.db("DATABASE_URL", default="postgres://postgres:postgres@127.0.0.1:5432/loanmarket"),
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=0),
    }
}
CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://default"),
    "pages": env.cache("PAGE_CACHE_URL", default="locmemcache://pages"),
    "sessions": env.cache("SESSION_CACHE_URL", default="locmemcache://sessions"),
}
# Sandbox lenders in tests listen on loopback http:// (see base.py).
ALLOW_HTTP_LENDER_URLS = True
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Fixed keys so that tests are reproducible (never used anywhere else).
FIELD_ENCRYPTION_KEYS = ["ZmRlZmF1bHQtdGVzdC1rZXktZm9yLWxvYW5tYXJrZXQ="]
BLIND_INDEX_KEYS = ["v1:dGVzdC1ibGluZC1pbmRleC1rZXktZm9yLWxvYW5tYXJrZXQ="]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the finders; nothing is collected for tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
