"""Writes on data keys: create one, destroy one, shred what it sealed, re-wrap them all under
the active KEK.

The application-level operations (erasing a case, the retention run) are in
``cases.erasure``; these functions know nothing of cases. ``data_key_shred`` is the one
crypto-shredding of a key's data, used by the case erasure, the purge of import runs and the
retention of mail drafts.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from enlist.core.bulk import rows_insert
from enlist.core.progress import progress_bar
from enlist.vault.envelope import DataKeyCipher, WrappedKey, new_data_key, rewrap
from enlist.vault.fields import EncryptedField, KeyBinding, Sealed
from enlist.vault.keyring import key_encryption_keys
from enlist.vault.models import DataKey, Destruction
from enlist.vault.storage import EncryptedFileField

ROTATE_BATCH_SIZE = 200


def data_key_create() -> DataKey:
    """A fresh data key, stored wrapped by the active KEK; its cipher is ready on the instance."""
    data_key = data_key_new()
    data_key.save(force_insert=True)
    return data_key


def data_key_new() -> DataKey:
    """A fresh data key, wrapped by the active KEK but not stored yet (the caller saves it,
    with ``force_insert``, in the transaction that stores what it seals: intake makes and
    wraps it before its transaction, so the write lock is not held for that work)."""
    key = new_data_key()
    key_id = uuid.uuid4()
    wrapped = key_encryption_keys().wrap(key, key_id=key_id.bytes)
    data_key = DataKey(id=key_id, wrapped=wrapped.wrapped, kek_version=wrapped.version)
    data_key.__dict__["_cipher"] = DataKeyCipher(key)  # no need to unwrap what we just made
    return data_key


def data_keys_create(count: int) -> list[DataKey]:
    """``count`` fresh data keys in one bulk insert (a batch import: one key per volunteer)."""
    data_keys = [data_key_new() for _ in range(count)]
    rows_insert(DataKey, data_keys)
    return data_keys


def data_key_destroy(*, data_key: DataKey, destruction: Destruction) -> bool:
    """Wipe the wrapped key (crypto-shredding). Returns False when it was already destroyed.

    The row is locked first, so a concurrent rotation either re-wrapped it before (and the
    wipe removes that) or sees it destroyed and skips it.
    """
    with transaction.atomic():
        locked = DataKey.objects.select_for_update().get(pk=data_key.pk)
        if locked.is_destroyed:
            return False
        locked.wrapped = None
        locked.kek_version = None
        locked.destroyed_at = timezone.now()
        locked.destruction = destruction
        locked.save(update_fields=["wrapped", "kek_version", "destroyed_at", "destruction"])
    data_key.forget()
    data_key.wrapped, data_key.kek_version = None, None
    data_key.destroyed_at, data_key.destruction = locked.destroyed_at, locked.destruction
    return True


def data_key_shred(*, data_key: DataKey, destruction: Destruction) -> None:
    """Crypto-shred everything sealed with `data_key`, in the caller's transaction: every
    sealed value and file bound to it wiped (``sealed_values_wipe``), then the key destroyed.
    The rows themselves are the caller's to keep (a case stays in the statistics) or delete."""
    sealed_values_wipe(data_key_id=data_key.pk)
    data_key_destroy(data_key=data_key, destruction=destruction)


# A wiped value: an empty token where the ciphertext was (a non-null column cannot be NULL).
WIPED = Sealed(b"")


def sealed_values_wipe(*, data_key_id: uuid.UUID) -> None:
    """Delete every ciphertext sealed with this data key, in every model that declares a
    ``vault_binding``: nullable columns become NULL, others an empty token, files are
    deleted (after commit) and their names cleared. Rows sealed with another key (a meeting
    point's own key) are not touched."""
    files: list[tuple[Any, str]] = []
    for model in django_apps.get_models():
        binding = getattr(model, "vault_binding", None)
        if not isinstance(binding, KeyBinding):
            continue
        rows = model._base_manager.filter(**{binding.key.replace(".", "__"): data_key_id})
        values: dict[str, Any] = {}
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, EncryptedField):
                values[model_field.attname] = None if model_field.null else WIPED
            elif isinstance(model_field, EncryptedFileField):
                storage = model_field.storage
                names = rows.exclude(**{model_field.attname: ""}).values_list(
                    model_field.attname, flat=True
                )
                files += [(storage, name) for name in names if name]
                values[model_field.attname] = ""
        if values:
            rows.update(**values)
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


@dataclass
class KeyStatus:
    active_version: int
    ring_versions: list[int]
    live_by_version: Counter[int] = field(default_factory=Counter)
    destroyed: int = 0

    @property
    def to_rotate(self) -> int:
        return sum(n for v, n in self.live_by_version.items() if v != self.active_version)

    @property
    def missing_versions(self) -> list[int]:
        """Versions data keys are wrapped with that the ring no longer holds (unreadable)."""
        return sorted(set(self.live_by_version) - set(self.ring_versions))

    @property
    def removable_versions(self) -> list[int]:
        """Ring versions no live data key needs any more: their lines can be deleted."""
        return sorted(
            v
            for v in self.ring_versions
            if v != self.active_version and not self.live_by_version[v]
        )


def data_key_status() -> KeyStatus:
    keks = key_encryption_keys()
    rows = (
        DataKey.objects.filter(kek_version__isnull=False)
        .values_list("kek_version")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return KeyStatus(
        active_version=keks.active_version,
        ring_versions=sorted(keks.versions),
        live_by_version=Counter(dict(rows)),
        destroyed=DataKey.objects.filter(destroyed_at__isnull=False).count(),
    )


@dataclass(frozen=True)
class RotationReport:
    active_version: int
    rewrapped: int
    remaining: int  # still under another version (their KEK is missing from the ring)


def data_keys_rotate(
    *,
    batch_size: int = ROTATE_BATCH_SIZE,
    progress: bool | None = None,
    after_batch: Callable[[int], None] | None = None,
) -> RotationReport:
    """Re-wrap every live data key not under the active KEK version, in short transactions.

    Each batch locks its rows (SELECT ... FOR UPDATE), re-wraps them and commits, so the
    server keeps serving: a reader holding a key wrapped the old way still unwraps it while
    the old KEK is in the ring, and the data key itself never changes, so no ciphertext is
    touched. Stopping at any point loses nothing; a rerun continues with what is left.
    Keys whose KEK version is missing from the ring are left alone and counted in `remaining`.
    `after_batch(n)` is called after each committed batch (tests use it to interrupt).
    """
    keks = key_encryption_keys()
    active = keks.active_version
    readable = sorted(keks.versions - {active})
    pending = DataKey.objects.filter(kek_version__in=readable)
    total = pending.count()
    rewrapped = 0
    with progress_bar(
        total=total, unit="key", desc=f"Re-wrapping data keys under KEK {active}", progress=progress
    ) as bar:
        while True:
            with transaction.atomic():
                batch = list(
                    pending.select_for_update().only("pk", "wrapped", "kek_version")[:batch_size]
                )
                for data_key in batch:
                    # a KEK version means a live key: wrapped too (datakey_live_or_destroyed)
                    assert data_key.kek_version is not None and data_key.wrapped is not None  # nosec B101
                    new = rewrap(
                        keks,
                        WrappedKey(version=data_key.kek_version, wrapped=bytes(data_key.wrapped)),
                        key_id=data_key.pk.bytes,
                    )
                    data_key.wrapped, data_key.kek_version = new.wrapped, new.version
                    data_key.save(update_fields=["wrapped", "kek_version"])
            if not batch:
                break
            rewrapped += len(batch)
            bar.update(len(batch))
            if after_batch is not None:
                after_batch(len(batch))
    remaining = DataKey.objects.filter(kek_version__isnull=False).exclude(kek_version=active)
    return RotationReport(active_version=active, rewrapped=rewrapped, remaining=remaining.count())
