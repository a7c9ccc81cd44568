"""Human references for applications, like ``IL-7K4Q-92``. No Django.

Short enough to read over the phone, from an alphabet without look-alikes (no 0/O, 1/I/L,
S/5), and the last character is a check character, so one mistyped or swapped character is
caught before a clerk opens the wrong case.
"""

from __future__ import annotations

import secrets

# 29 characters: a prime count makes the weighted check catch every single substitution
# and every swap of neighbours. No 0/O, 1/I/L, S/5, U/V pairs left to confuse.
ALPHABET = "23456789ABCDEFGHJKMNPQRTVWXYZ"
_BODY_LENGTH = 5  # 29**5 ≈ 20 million references; collisions are retried by the caller
PREFIX = "IL"


def _check_character(body: str) -> str:
    total = sum((index + 2) * ALPHABET.index(ch) for index, ch in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def new_reference() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(_BODY_LENGTH))
    full = body + _check_character(body)
    return f"{PREFIX}-{full[:4]}-{full[4:]}"


def parse_reference(text: str) -> str | None:
    """The canonical form of a typed reference, or None if it cannot be one."""
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    if len(compact) != _BODY_LENGTH + 1 or any(ch not in ALPHABET for ch in compact):
        return None
    if _check_character(compact[:-1]) != compact[-1]:
        return None
    return f"{PREFIX}-{compact[:4]}-{compact[4:]}"
