"""Production: every secret from the environment, HTTPS only; passes ``check --deploy``."""

import re

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: it is required when DEBUG is off.")

if not (FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEYS):  # noqa: F405
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEYS: personal data is encrypted at rest."
    )

# Demo data, benchmarks and test helpers are never installed here: no command of theirs can
# run in production, whatever DEBUG says.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "devtools"]  # noqa: F405

# allauth's rate-limit counters must be shared by every process and never evicted by traffic.
if not env.str("CACHE_URL", default=""):
    raise ImproperlyConfigured(
        "Set CACHE_URL to a shared cache (a Redis that never evicts): login rate limits and "
        "lockouts live there."
    )
if not env.list("ADMINS", default=[]):
    raise ImproperlyConfigured(
        "Set ADMINS (comma-separated addresses): staff are mailed when an application cannot "
        "be delivered to its lender."
    )

# The admin lives at a path of the operator's choosing, not at the /admin/ every scanner
# tries first (it still signs in through allauth, with TOTP).
ADMIN_URL = env.str("ADMIN_URL", default="").strip("/")
if not re.fullmatch(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*", ADMIN_URL) or ADMIN_URL == "admin":
    raise ImproperlyConfigured(
        "Set ADMIN_URL to a path of your own, e.g. manage-7f3a/ (letters, digits, - and _): "
        "in production the admin is not served at /admin/."
    )
ADMIN_URL += "/"

# Behind our proxy REMOTE_ADDR is the proxy's own address: rate limits and consent records
# need the client's (loanmarket/http.py). Say how our proxies pass it on: how many of them
# append to X-Forwarded-For, or the one header ours sets. TRUSTED_PROXY_COUNT=0 states
# that clients connect directly.
if not (
    env.str("TRUSTED_PROXY_COUNT", default="") or env.str("TRUSTED_CLIENT_IP_HEADER", default="")
):
    raise ImproperlyConfigured(
        "Set TRUSTED_PROXY_COUNT (how many proxies of ours append to X-Forwarded-For; 0 if "
        "clients connect directly) or TRUSTED_CLIENT_IP_HEADER (e.g. X-Real-IP): otherwise "
        "every client has the proxy's address, for rate limits and consent records alike."
    )

# The proxy's word that a request came over HTTPS is believed only when there is a proxy of
# ours; with clients connecting directly anyone could send the header.
if env.int("TRUSTED_PROXY_COUNT", default=0) or env.str("TRUSTED_CLIENT_IP_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
CSRF_COOKIE_HTTPONLY = True
