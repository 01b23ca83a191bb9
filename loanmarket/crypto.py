"""Encryption at rest for personal data and secrets, and keyed blind indexes.

``FIELD_ENCRYPTION_KEYS`` is a list of Fernet keys: the first encrypts, every one decrypts
(so keys rotate without downtime; ``loanmarket.rotation`` re-encrypts old rows).
``BLIND_INDEX_KEYS`` are HMAC keys of their own, each with a version (``v2:<key>``): the
first computes new indexes, every one is tried on look-ups. A value no key can decrypt is
an error (``UndecryptableValue``), never shown as if it were the value.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class UndecryptableValue(Exception):
    """Stored ciphertext that none of FIELD_ENCRYPTION_KEYS decrypts."""


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (one or more Fernet keys).")
    return MultiFernet([Fernet(key) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue("a stored value could not be decrypted with any key") from None


def reencrypt(token: str) -> str:
    """The same value under the first (current) key."""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue("a stored value could not be decrypted with any key") from None


@functools.cache
def _current(key: str) -> Fernet:
    return Fernet(key)


def under_current_key(token: str) -> bool:
    """Whether the first key alone decrypts ``token`` (an older key, or none, does not)."""
    keys = settings.FIELD_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("Set FIELD_ENCRYPTION_KEYS (one or more Fernet keys).")
    try:
        _current(keys[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@functools.cache
def _index_keys(keys: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    parsed = []
    for entry in keys:
        version, _, key = entry.partition(":")
        if not version or not key:
            raise ImproperlyConfigured("BLIND_INDEX_KEYS entries look like 'v1:<base64 key>'.")
        parsed.append((version, base64.urlsafe_b64decode(key)))
    if not parsed:
        raise ImproperlyConfigured("Set BLIND_INDEX_KEYS (one or more 'v1:<key>').")
    return tuple(parsed)


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of ``value`` under the current index key, for equality look-ups."""
    return blind_indexes(value, purpose=purpose)[0]


def current_index_version() -> str:
    """The version of the key new blind indexes are computed with (``v2`` of ``v2:…``)."""
    return _index_keys(tuple(settings.BLIND_INDEX_KEYS))[0][0]


def blind_indexes(value: str, *, purpose: str) -> list[str]:
    """The value's index under every key, newest first (to find rows not yet rotated)."""
    return [
        f"{version}:" + hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
        for version, key in _index_keys(tuple(settings.BLIND_INDEX_KEYS))
    ]


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; reads decrypt, writes encrypt with the current key.

    Ciphertext differs on every write, so equality look-ups need a blind index beside it.
    """

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
