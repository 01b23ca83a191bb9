"""One machine, no servers: the defaults of base.py, DEBUG on, keys kept under var/."""

import secrets

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)

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
