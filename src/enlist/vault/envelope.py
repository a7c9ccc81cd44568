"""Envelope encryption: one data key per volunteer, wrapped by a key-encryption key. No Django.

    key-encryption keys (KEKs)      held outside the database: environment, key file, or
         │ wrap / unwrap            later a KMS or HSM (anything implementing KeyEncryptionKeys)
         ▼
    data key (256 bits, random)     one per volunteer, stored only wrapped (``vault.DataKey``)
         │ seal / open
         ▼
    field values and files          AES-256-GCM; associated data names the field and the row

Destroying a volunteer's wrapped data key makes every value and file sealed with it unreadable,
whatever copies of the ciphertext exist (crypto-shredding). Re-wrapping a data key under a new
KEK version (rotation) touches one small row per volunteer and no ciphertext.

Value token layout (bytes): ``version 2 (1) | nonce (12) | ciphertext + tag``. Version 1 was
the single field key of the first release (``crypto.FieldCipher``); it is never accepted here.
A wrapped data key is ``nonce (12) | ciphertext (32) + tag (16)``; its KEK version is stored
beside it, and the associated data binds the version and the data key's id, so a wrapped key
copied onto another row does not unwrap.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from enlist.vault.crypto import KEY_BYTES, NONCE_BYTES, DecryptionError

DATA_KEY_BYTES = 32
TOKEN_VERSION = 2
TAG_BYTES = 16
WRAPPED_BYTES = NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES
_WRAP_LABEL = b"enlist.datakey\x00"
_FIELD_LABEL = b"enlist.field\x00"
_FILE_LABEL = b"enlist.file\x00"


class KeyUnavailable(DecryptionError):
    """The KEK version a data key was wrapped with is not in the ring (removed too early?)."""


class DataErased(DecryptionError):
    """The data key was destroyed: the volunteer's data is gone for good (crypto-shredded)."""


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_BYTES)


def field_context(*, field: str, row: str) -> bytes:
    """Associated data of one stored value: ``app.Model.field`` and the row's id."""
    return _FIELD_LABEL + field.encode("ascii") + b"\x00" + row.encode("ascii")


def file_context(*, field: str, row: str, name: str) -> bytes:
    """Associated data of one stored file: the field, the row and the storage name."""
    return (
        _FILE_LABEL
        + field.encode("ascii")
        + b"\x00"
        + row.encode("ascii")
        + b"\x00"
        + name.encode()
    )


class DataKeyCipher:
    """Seals and opens values with one volunteer's data key."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if len(key) != DATA_KEY_BYTES:
            raise ValueError(f"a data key is {DATA_KEY_BYTES} bytes")
        self._aead = AESGCM(key)

    def __repr__(self) -> str:
        return "<DataKeyCipher>"

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return bytes((TOKEN_VERSION,)) + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, token: bytes, *, context: bytes) -> bytes:
        if len(token) < 1 + NONCE_BYTES + TAG_BYTES or token[0] != TOKEN_VERSION:
            raise DecryptionError("not an Enlist data-key ciphertext")
        try:
            return self._aead.decrypt(token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :], context)
        except InvalidTag as exc:
            raise DecryptionError("ciphertext failed authentication") from exc


@dataclass(frozen=True)
class WrappedKey:
    version: int  # the KEK version that wrapped it
    wrapped: bytes


@runtime_checkable
class KeyEncryptionKeys(Protocol):
    """What the vault needs from a holder of KEKs; a KMS or HSM client can implement it.

    ``key_id`` is the data key's own id (bytes), bound in so a wrapped key only unwraps for
    the row it was made for. Implementations raise KeyUnavailable for an unknown version and
    DecryptionError when the wrapped bytes do not authenticate.
    """

    @property
    def active_version(self) -> int: ...

    @property
    def versions(self) -> frozenset[int]: ...

    def wrap(self, data_key: bytes, *, key_id: bytes) -> WrappedKey: ...

    def unwrap(self, wrapped: WrappedKey, *, key_id: bytes) -> bytes: ...


def _wrap_context(version: int, key_id: bytes) -> bytes:
    return _WRAP_LABEL + version.to_bytes(2, "big") + key_id


class LocalKeyEncryptionKeys:
    """KEKs held in this process (from the environment or a key file), AES-256-GCM wrapping.

    Versions are 0..255 as in the key-file lines ``id:base64``; the highest is active.
    """

    def __init__(self, keys: Mapping[int, bytes]) -> None:
        if not keys:
            raise ValueError("no key-encryption key")
        for version, key in keys.items():
            if not 0 <= version <= 255 or len(key) != KEY_BYTES:
                raise ValueError("key-encryption keys must be 32 bytes with versions 0..255")
        self._aeads = {version: AESGCM(key) for version, key in keys.items()}
        self._active = max(keys)

    def __repr__(self) -> str:
        return f"<LocalKeyEncryptionKeys versions={sorted(self._aeads)} active={self._active}>"

    @property
    def active_version(self) -> int:
        return self._active

    @property
    def versions(self) -> frozenset[int]:
        return frozenset(self._aeads)

    def wrap(self, data_key: bytes, *, key_id: bytes) -> WrappedKey:
        if len(data_key) != DATA_KEY_BYTES:
            raise ValueError(f"a data key is {DATA_KEY_BYTES} bytes")
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aeads[self._active].encrypt(
            nonce, data_key, _wrap_context(self._active, key_id)
        )
        return WrappedKey(version=self._active, wrapped=nonce + sealed)

    def unwrap(self, wrapped: WrappedKey, *, key_id: bytes) -> bytes:
        aead = self._aeads.get(wrapped.version)
        if aead is None:
            raise KeyUnavailable(f"no key-encryption key with version {wrapped.version}")
        blob = wrapped.wrapped
        if len(blob) != WRAPPED_BYTES:
            raise DecryptionError("not a wrapped data key")
        try:
            return aead.decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], _wrap_context(wrapped.version, key_id)
            )
        except InvalidTag as exc:
            raise DecryptionError("wrapped data key failed authentication") from exc


def rewrap(keks: KeyEncryptionKeys, wrapped: WrappedKey, *, key_id: bytes) -> WrappedKey:
    """The same data key wrapped under the active KEK version (rotation)."""
    return keks.wrap(keks.unwrap(wrapped, key_id=key_id), key_id=key_id)
