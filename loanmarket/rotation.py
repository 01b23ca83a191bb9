"""Key rotation: every encrypted value under the first of FIELD_ENCRYPTION_KEYS, and every
blind index under the first of BLIND_INDEX_KEYS, so that the old keys can be removed.

What to rotate is found, not listed: every ``EncryptedTextField`` of every installed model;
the blind index beside one (a field ``<name>_index`` next to an encrypted ``<name>``, keyed
with the purpose ``<name>``, as ``applications.services.national_id_index`` does); and
allauth's MFA secrets (``Authenticator.data``, encrypted by our MFA adapter with the same
keys). Rows are read raw, so a value's key can be told: the first key alone decrypts a
current one.

``rotate`` works in batches by primary key, each committed on its own with its rows locked
(a write in between is not lost), and leaves current values alone, so it can be stopped and
run again at any time. ``check`` counts what is left under an old key; when it says none,
the old keys can go.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from . import crypto

INDEX_SUFFIX = "_index"
# allauth's MFA data: the TOTP secret, the recovery-code seed, and codes migrated from
# elsewhere (a list), each encrypted by the MFA adapter.
MFA_SECRETS = ("secret", "seed")
MFA_SECRET_LISTS = ("migrated_codes",)

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class EncryptedModel:
    """One model's encrypted fields, and those of them with a blind index beside."""

    model: type[models.Model]
    fields: tuple[str, ...]
    indexed: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


@dataclass
class Tally:
    """Values under an old key (rotated, when rotating) and values no key decrypts (left
    as they are), by ``app.Model.field``."""

    old: Counter = field(default_factory=Counter)
    undecryptable: Counter = field(default_factory=Counter)

    @property
    def remaining(self) -> int:
        return sum(self.old.values()) + sum(self.undecryptable.values())


def encrypted_models() -> list[EncryptedModel]:
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        fields = tuple(
            f.name for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedTextField)
        )
        if not fields:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        indexed = tuple(name for name in fields if name + INDEX_SUFFIX in names)
        found.append(EncryptedModel(model=model, fields=fields, indexed=indexed))
    return found


def check(*, batch_size: int = 1000) -> Tally:
    """Count the values still under an old key (and any no key decrypts); change nothing."""
    return _run(batch_size=batch_size, write=False, progress=None)


def rotate(*, batch_size: int = 500, progress: Progress | None = None) -> Tally:
    """Re-encrypt every value under an old key with the current one, and recompute every
    blind index under an old index key. ``progress(label, rows)`` is told after each batch."""
    return _run(batch_size=batch_size, write=True, progress=progress)


def _run(*, batch_size: int, write: bool, progress: Progress | None) -> Tally:
    tally = Tally()
    for encrypted in encrypted_models():
        _scan(
            encrypted.label,
            _raw_rows(encrypted, lock=write),
            lambda row, e=encrypted: _model_row(e, row, tally, write=write),
            batch_size=batch_size,
            progress=progress,
        )
    if apps.is_installed("allauth.mfa"):
        authenticator = apps.get_model("mfa", "Authenticator")
        rows = authenticator._base_manager.values("pk", "data")
        _scan(
            authenticator._meta.label,
            rows.select_for_update() if write else rows,
            lambda row: _authenticator_row(authenticator, row, tally, write=write),
            batch_size=batch_size,
            progress=progress,
        )
    return tally


def _raw_rows(encrypted: EncryptedModel, *, lock: bool) -> models.QuerySet:
    """Each row's ciphertext as stored (``Cast``: not decrypted on the way out)."""
    rows = encrypted.model._base_manager.annotate(
        **{_raw(name): Cast(name, models.TextField()) for name in encrypted.fields}
    ).values("pk", *map(_raw, encrypted.fields), *(n + INDEX_SUFFIX for n in encrypted.indexed))
    return rows.select_for_update() if lock else rows


def _raw(name: str) -> str:
    return f"stored_{name}"


def _scan(
    label: str,
    rows: models.QuerySet,
    handle: Callable[[dict], None],
    *,
    batch_size: int,
    progress: Progress | None,
) -> None:
    seen, last_pk = 0, None
    while True:
        with transaction.atomic():
            page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            batch = list(page.order_by("pk")[:batch_size])
            for row in batch:
                handle(row)
        if not batch:
            return
        seen += len(batch)
        last_pk = batch[-1]["pk"]
        if progress:
            progress(label, seen)


def _model_row(encrypted: EncryptedModel, row: dict, tally: Tally, *, write: bool) -> None:
    changes: dict = {}
    for name in encrypted.fields:
        token = row[_raw(name)]
        fresh = _fresh(token, f"{encrypted.label}.{name}", tally)
        if fresh is not None:
            changes[name] = models.Value(fresh, output_field=models.TextField())
    for name in encrypted.indexed:
        index_name = name + INDEX_SUFFIX
        index, token = row[index_name], row[_raw(name)]
        if not index or index.startswith(crypto.current_index_version() + ":"):
            continue
        try:
            value = crypto.decrypt(token) if token else ""
        except crypto.UndecryptableValue:
            continue  # counted with its field; the index stays until the value is restored
        tally.old[f"{encrypted.label}.{index_name}"] += 1
        changes[index_name] = crypto.blind_index(value, purpose=name) if value else ""
    if write and changes:
        encrypted.model._base_manager.filter(pk=row["pk"]).update(**changes)


def _authenticator_row(model: type[models.Model], row: dict, tally: Tally, *, write: bool) -> None:
    data = row["data"]
    if not isinstance(data, dict):
        return
    label = model._meta.label
    changed = dict(data)
    for key in MFA_SECRETS:
        if isinstance(data.get(key), str):
            fresh = _fresh(data[key], f"{label}.data.{key}", tally)
            changed[key] = data[key] if fresh is None else fresh
    for key in MFA_SECRET_LISTS:
        if isinstance(data.get(key), list):
            fresh = [_fresh(token, f"{label}.data.{key}", tally) for token in data[key]]
            changed[key] = [
                old if new is None else new for old, new in zip(data[key], fresh, strict=True)
            ]
    if write and changed != data:
        model._base_manager.filter(pk=row["pk"]).update(data=changed)


def _fresh(token: str | None, where: str, tally: Tally) -> str | None:
    """``token`` under the current key when an old key holds it (counted); None when it is
    empty, current already, or undecryptable (counted)."""
    if not token or crypto.under_current_key(token):
        return None
    try:
        fresh = crypto.reencrypt(token)
    except crypto.UndecryptableValue:
        tally.undecryptable[where] += 1
        return None
    tally.old[where] += 1
    return fresh
