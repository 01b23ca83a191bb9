"""A lender's API address: https://, or http:// to this machine only where settings allow it.

One rule for the admin form (through the model field's validator) and for
``services.save_lender``: a lender's applications carry personal data, so they never travel
over plain HTTP to another host. The sandbox lender listens on loopback http://, which
``ALLOW_HTTP_LENDER_URLS`` permits in local settings (with DEBUG) and in tests, never in
production.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from .exceptions import InsecureApiUrl


def _is_loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def check_api_base_url(url: str) -> None:
    """Raise ``InsecureApiUrl`` unless ``url`` is empty (no API: the partner portal's inbox),
    https://, or allowed loopback http://."""
    if not url:
        return
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise InsecureApiUrl(allow_http=settings.ALLOW_HTTP_LENDER_URLS) from None
    scheme = parts.scheme.lower()
    if scheme == "https" and host:
        return
    if scheme == "http" and settings.ALLOW_HTTP_LENDER_URLS and _is_loopback(host):
        return
    raise InsecureApiUrl(allow_http=settings.ALLOW_HTTP_LENDER_URLS)


def validate_api_base_url(value: str) -> None:
    """The model field's validator (admin and ``full_clean``)."""
    try:
        check_api_base_url(value)
    except InsecureApiUrl as exc:
        raise ValidationError(exc.message, code=exc.code) from None
