"""One machine, no servers: the defaults of base.py, DEBUG on, keys kept under var/."""

import base64
import secrets

from cryptography.fernet import Fernet

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
# The sandbox lender answers on loopback http:// (see base.py).
ALLOW_HTTP_LENDER_URLS = DEBUG

for _folder in ("broker", "broker-control", "media"):
    (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)


def _generated_once(name: str) -> str:
    """A development secret generated on first use and kept in var/ (never in git)."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _generated_once("secret_key")


def _generated_keys(name: str, make) -> list[str]:
    """Development encryption keys, generated on first use and kept in var/ (never in git)."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return [key for key in path.read_text().split(",") if key]


FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[]) or _generated_keys(
    "field_encryption_keys", lambda: Fernet.generate_key().decode()
)
BLIND_INDEX_KEYS = env.list("BLIND_INDEX_KEYS", default=[]) or _generated_keys(
    "blind_index_keys", lambda: "v1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
)
