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

import functools
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings

from enlist.audit.chain import key_id
from enlist.core.envtools import env_secret
from enlist.vault.keyring import key_lines_parse, key_ring_text

VARIABLE = "ENLIST_AUDIT_SIGNING_KEY"
FILE_NAME = "audit-signing.key"
_RAW_BYTES = 32


def _parse(text: str, *, source: str) -> dict[int, Ed25519PrivateKey]:
    raw_keys = key_lines_parse(text, source=source, length=_RAW_BYTES)
    return {version: Ed25519PrivateKey.from_private_bytes(raw) for version, raw in raw_keys.items()}


def configured() -> bool:
    """Whether a signing key is available without generating one (for the system check)."""
    if env_secret(VARIABLE):
        return True
    return (Path(settings.ENLIST_KEY_DIR) / FILE_NAME).exists()


@functools.cache
def _load(key_dir: str) -> dict[int, Ed25519PrivateKey]:
    text, source = key_ring_text(
        VARIABLE, Path(key_dir) / FILE_NAME, fresh_key=_fresh_private_bytes
    )
    return _parse(text, source=source)


def _fresh_private_bytes() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


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
