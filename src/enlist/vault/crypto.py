"""Authenticated encryption of single values and keyed blind indexes. No Django here.

Token layout (bytes): ``version (1) | key id (1) | nonce (12) | AES-256-GCM ciphertext+tag``.
The key id lets several keys be readable at once while one is used for writing, so keys can be
rotated without a flag day. The caller passes a *context* (for fields, "app.Model.field") that
is bound in as associated data: a ciphertext copied into another column fails to decrypt.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TOKEN_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_HEADER = 2 + NONCE_BYTES


class DecryptionError(Exception):
    """The token is malformed, was made with an unknown key, or was tampered with."""


@dataclass(frozen=True)
class FieldCipher:
    keys: Mapping[int, bytes]
    active_key_id: int
    _aeads: dict[int, AESGCM] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.active_key_id not in self.keys:
            raise ValueError("the active key id has no key")
        for key_id, key in self.keys.items():
            if not 0 <= key_id <= 255 or len(key) != KEY_BYTES:
                raise ValueError("keys must be 32 bytes with ids 0..255")
        # One AESGCM per key, made once: building it costs as much as sealing a short value.
        object.__setattr__(self, "_aeads", {kid: AESGCM(key) for kid, key in self.keys.items()})

    def encrypt(self, plaintext: bytes, *, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed: bytes = self._aeads[self.active_key_id].encrypt(nonce, plaintext, context)
        return bytes((TOKEN_VERSION, self.active_key_id)) + nonce + sealed

    def decrypt(self, token: bytes, *, context: bytes) -> bytes:
        if len(token) < _HEADER + 16 or token[0] != TOKEN_VERSION:
            raise DecryptionError("not an Enlist ciphertext")
        aead = self._aeads.get(token[1])
        if aead is None:
            raise DecryptionError(f"no key with id {token[1]}")
        try:
            plaintext: bytes = aead.decrypt(token[2:_HEADER], token[_HEADER:], context)
            return plaintext
        except InvalidTag as exc:
            raise DecryptionError("ciphertext failed authentication") from exc


@dataclass(frozen=True)
class BlindIndexer:
    """HMAC-SHA256 of a normalised value, with the kind of value bound in.

    Equal inputs give equal digests, so exact look-ups work; without the key the digests
    reveal nothing, and the kind prefix keeps an email digest from matching a name digest.
    """

    key: bytes

    def digest(self, kind: str, normalised: str) -> bytes:
        message = kind.encode("ascii") + b"\x00" + normalised.encode("utf-8")
        return hmac.new(self.key, message, hashlib.sha256).digest()
