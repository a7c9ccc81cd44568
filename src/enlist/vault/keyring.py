"""Where the running process gets its keys: the single source for data keys and indexes.

Two rings, each from the environment (base64, or a ``*_FILE`` path) or, in development only,
from a file under ``ENLIST_KEY_DIR`` created on first use:

- ``ENLIST_FIELD_KEY`` (``field.key``): the key-encryption keys (KEKs) that wrap every
  volunteer's data key (``vault.envelope``). One ``id:base64`` line per KEK version; the
  highest id wraps new and rotated data keys, all listed ids unwrap. The name is kept from
  the first release, when this key encrypted the fields directly.
- ``ENLIST_INDEX_KEY`` (``index.key``): the HMAC key of the blind indexes; the highest id is
  used. It is separate so that search digests reveal nothing to a holder of the KEKs alone.

Keys never live in the database, so a copy of the database or a backup without the key files
holds no readable personal data.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from enlist.core.envtools import env_secret
from enlist.vault.crypto import KEY_BYTES, BlindIndexer, FieldCipher
from enlist.vault.envelope import KeyEncryptionKeys, LocalKeyEncryptionKeys


def key_lines_parse(text: str, *, source: str, length: int) -> dict[int, bytes]:
    """The raw keys of ``id:base64`` lines (an id-less line is version 1), each ``length`` bytes.

    The one reader of every key ring the process holds: the data-key KEKs, the blind-index
    key and the audit signing key. ``source`` names the variable or file in the error, never
    the key itself.
    """
    keys: dict[int, bytes] = {}
    for line in text.split():
        key_id, _, encoded = line.rpartition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
            number = int(key_id) if key_id else 1
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"{source}: malformed key line") from exc
        if len(key) != length:
            raise ImproperlyConfigured(f"{source}: keys must be {length} bytes")
        keys[number] = key
    if not keys:
        raise ImproperlyConfigured(f"{source}: no key")
    return keys


def key_ring_text(variable: str, path: Path, *, fresh_key: Callable[[], bytes]) -> tuple[str, str]:
    """The key lines of ``variable`` (or its ``*_FILE``) and their source, else of ``path``.

    In development only (``ENLIST_GENERATE_KEYS``) a missing file is created, mode 0600, with
    one line of ``fresh_key()``; two processes racing to create it end up with the same key.
    """
    configured = env_secret(variable)
    if configured:
        return configured, variable
    if not path.exists():
        if not settings.ENLIST_GENERATE_KEYS:
            raise ImproperlyConfigured(f"{variable} (or {variable}_FILE) is required")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process generated it first: use theirs
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(f"1:{base64.b64encode(fresh_key()).decode('ascii')}\n")
    return path.read_text(encoding="ascii"), str(path)


def _load(name: str) -> dict[int, bytes]:
    text, source = key_ring_text(
        f"ENLIST_{name.upper()}_KEY",
        Path(settings.ENLIST_KEY_DIR) / f"{name}.key",
        fresh_key=lambda: os.urandom(KEY_BYTES),
    )
    return key_lines_parse(text, source=source, length=KEY_BYTES)


@functools.cache
def key_encryption_keys() -> KeyEncryptionKeys:
    """The KEK ring that wraps data keys (a KMS/HSM adapter would be returned from here)."""
    return LocalKeyEncryptionKeys(_load("field"))


def legacy_field_cipher() -> FieldCipher:
    """The same ring as a first-release field cipher: reads version-1 tokens in migrations."""
    keys = _load("field")
    return FieldCipher(keys=keys, active_key_id=max(keys))


@functools.cache
def blind_indexer() -> BlindIndexer:
    keys = _load("index")
    return BlindIndexer(key=keys[max(keys)])


def reset_caches() -> None:
    """Forget loaded keys (tests that switch key directories, a KEK line removed)."""
    key_encryption_keys.cache_clear()
    blind_indexer.cache_clear()
