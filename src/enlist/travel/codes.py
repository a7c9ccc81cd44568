"""Check-in codes: short, signed, typeable. Pure Python (no Django).

A code is 12 random base32 characters (60 bits) followed by 8 characters of an HMAC-SHA256
signature over them, shown in groups of four: ``ABCD-EFGH-JKLM-NPQR-STUV``. The QR code of a
packet carries exactly this string — no URL (a server address found on a phone or paper at a
border would betray the volunteer), no name, no reference. The signature lets the check-in
page refuse a mistyped or invented code before any database look-up; the database holds
only a SHA-256 hash of the random part, with its expiry, use and revocation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

RANDOM_CHARS = 12
SIGNATURE_CHARS = 8
GROUP = 4
# Typed by hand from paper: letters and digits that are easily confused map to base32.
_CONFUSABLE = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})
_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def _signature(secret: str, key: bytes) -> str:
    digest = hmac.new(key, b"enlist.travel.checkin:" + secret.encode("ascii"), hashlib.sha256)
    return _b32(digest.digest())[:SIGNATURE_CHARS]


def code_new(key: bytes) -> str:
    """A fresh signed code, grouped for reading aloud."""
    secret = _b32(secrets.token_bytes(10))[:RANDOM_CHARS]
    raw = secret + _signature(secret, key)
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalise(code: str) -> str:
    """Upper case, separators and spaces removed, confusable characters mapped."""
    return "".join(c for c in code.upper().translate(_CONFUSABLE) if c.isalnum())


def code_secret(code: str, key: bytes) -> str | None:
    """The random part of a well-signed code, or None (mistyped, altered, not ours)."""
    raw = normalise(code)
    if len(raw) != RANDOM_CHARS + SIGNATURE_CHARS or not set(raw) <= _ALPHABET:
        return None
    secret, signature = raw[:RANDOM_CHARS], raw[RANDOM_CHARS:]
    if not hmac.compare_digest(signature, _signature(secret, key)):
        return None
    return secret


def secret_hash(secret: str) -> str:
    """What the database keeps of a code: SHA-256 of its random part, hex."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()
