"""Signing and verifying messages both ways, by the Standard Webhooks scheme.

Headers ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (``v1,<base64
HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>``), so any lender can verify ours, and we
theirs, with any Standard Webhooks library. A timestamp more than 300 s away is refused.
"""

import base64
import datetime
import secrets

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's prefix, not a secret


class InvalidSignature(Exception):
    """No secret verifies the message, or its timestamp is too far from now."""


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime.datetime) -> dict:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


def verify(*, secrets_to_try: list[str], headers: dict[str, str], body: bytes) -> None:
    """Accept the message if any of the secrets (current, then previous) verifies it."""
    for secret in secrets_to_try:
        try:
            Webhook(secret).verify(body, headers, json_parse=False)
        except (WebhookVerificationError, ValueError):
            # ValueError: the library's own parsing of a malformed signature header, bad
            # base64 or a body that is not UTF-8; all of them are a message we cannot verify.
            continue
        return
    raise InvalidSignature
