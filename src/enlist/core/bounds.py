"""The ranges of integers that come from outside (query strings, path ids, form fields, JSON),
and one reader for an integer typed as text. Pure: no Django.

Every integer a request carries is range-checked at the edge, so that no later step can
overflow (a ``timedelta`` of a million years, a database integer past 64 bits): the API
declares these bounds in its schemas (``Field(ge=..., le=...)``, answered with 422 naming the
field) and pages read form and query integers with ``int_from_text`` (a form error naming
the field).
"""

from __future__ import annotations

from enlist.errors import FieldError, InvalidInput

# The largest primary key of any table (a 64-bit signed integer: BigAutoField, SQLite INTEGER).
ID_MAX = 2**63 - 1
# The largest page number a list accepts (at 25 to 50 rows a page, millions of rows).
PAGE_MAX = 100_000
# The longest a text may be to be read as an integer (ids have at most 19 digits).
_DIGITS_MAX = 20
# The longest reason staff may give, for anything that asks for one: a move (withdrawn,
# rejected, an override), a transfer, a unit override, opening a case outside one's flow. One
# length, so a reason written for one form fits every other; long enough for a paragraph a
# rejection may need. Reasons are sealed (EncryptedField, no column length): changing it
# needs no migration.
REASON_MAX_LENGTH = 2000


def reason_length_check(reason: str) -> None:
    """InvalidInput naming ``reason`` when it is longer than ``REASON_MAX_LENGTH``."""
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput([FieldError("reason", f"At most {REASON_MAX_LENGTH} characters.")])


def int_from_text(value: str | None, *, field: str, minimum: int, maximum: int) -> int:
    """`value` as an integer in [minimum, maximum]; InvalidInput naming `field` otherwise
    (not ASCII digits with an optional sign, or out of range)."""
    text = (value or "").strip()
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not (digits.isascii() and digits.isdigit() and len(digits) <= _DIGITS_MAX):
        raise InvalidInput([FieldError(field, "Enter a whole number.")])
    number = int(text)
    if not minimum <= number <= maximum:
        raise InvalidInput([FieldError(field, f"Enter a number from {minimum} to {maximum}.")])
    return number
