"""The Ed25519 key that signs audit checkpoints, held outside the database.

From ``ENLIST_AUDIT_SIGNING_KEY`` (or ``ENLIST_AUDIT_SIGNING_KEY_FILE``): one ``id:base64``
line per key version, each the 32-byte raw private key; the highest id signs new
checkpoints, every listed key verifies old ones (so the key can be rotated without losing
the checkpoints it signed). In development only, a key file ``audit-signing.key`` is
generated under ``ENLIST_KEY_DIR`` on first use, as ``vault/keyring.py`` does for its keys.

Verification needs only the public halves (``verification_keys``); an auditor's off-site
copy of the checkpoints can be checked with them alone.
"""

from __future__ import annotations

import base64
import binascii
import functools
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from enlist.audit.chain import key_id
from enlist.core.envtools import env_secret

VARIABLE = "ENLIST_AUDIT_SIGNING_KEY"
FILE_NAME = "audit-signing.key"
_RAW_BYTES = 32


def _parse(text: str, *, source: str) -> dict[int, Ed25519PrivateKey]:
    keys: dict[int, Ed25519PrivateKey] = {}
    for line in text.split():
        number, _, encoded = line.rpartition(":")
        try:
            raw = base64.b64decode(encoded, validate=True)
            version = int(number) if number else 1
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"{source}: malformed key line") from exc
        if len(raw) != _RAW_BYTES:
            raise ImproperlyConfigured(f"{source}: Ed25519 private keys are {_RAW_BYTES} bytes")
        keys[version] = Ed25519PrivateKey.from_private_bytes(raw)
    if not keys:
        raise ImproperlyConfigured(f"{source}: no key")
    return keys


def configured() -> bool:
    """Whether a signing key is available without generating one (for the system check)."""
    if env_secret(VARIABLE):
        return True
    return (Path(settings.ENLIST_KEY_DIR) / FILE_NAME).exists()


@functools.cache
def _load(key_dir: str) -> dict[int, Ed25519PrivateKey]:
    value = env_secret(VARIABLE)
    if value:
        return _parse(value, source=VARIABLE)
    path = Path(key_dir) / FILE_NAME
    if not path.exists():
        if not settings.ENLIST_GENERATE_KEYS:
            raise ImproperlyConfigured(f"{VARIABLE} (or {VARIABLE}_FILE) is required")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        raw = Ed25519PrivateKey.generate().private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption()
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process generated it first: use theirs
        else:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(f"1:{base64.b64encode(raw).decode('ascii')}\n")
    return _parse(path.read_text(encoding="ascii"), source=str(path))


def _keys() -> dict[int, Ed25519PrivateKey]:
    # Cached per key directory, so tests that switch directories get their own key.
    return _load(str(settings.ENLIST_KEY_DIR))


def signing_key() -> Ed25519PrivateKey:
    keys = _keys()
    return keys[max(keys)]


def verification_keys() -> dict[str, Ed25519PublicKey]:
    """Every known public key by its id (``chain.key_id``)."""
    publics = (key.public_key() for key in _keys().values())
    return {key_id(public): public for public in publics}


def reset_caches() -> None:
    """Forget the loaded keys (tests that switch key directories)."""
    _load.cache_clear()
