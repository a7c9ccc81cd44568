"""Normal forms of identifiers, so that look-ups match however the value was typed.

Pure functions, no Django. Each returns "" when nothing identifying is left.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

_SPACES = re.compile(r"\s+")
_NAME_PUNCTUATION = re.compile(r"[\-‐‑‒–—'’ʼ`´.,]")
_PASSPORT_NOISE = re.compile(r"[\s\-./]")


# Letters NFKD does not decompose (stroke, ligature): "Łukasz" must find "Lukasz", "Ø" "O".
_UNDECOMPOSABLE = str.maketrans("ŁłØøĐđĦħı", "LlOoDdHhi") | str.maketrans(
    {"Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe"}
)


def fold_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(value: str) -> str:
    """Case, diacritics, hyphens, apostrophes and spacing do not matter.

    "O'Brien-Šimkus" and "obrien simkus" have the same normal form.
    """
    folded = fold_diacritics(value).casefold()
    folded = _NAME_PUNCTUATION.sub(lambda m: " " if m.group() in "-‐‑‒–—" else "", folded)
    return _SPACES.sub(" ", folded).strip()


def normalise_email(value: str) -> str:
    return value.strip().casefold()


def normalise_passport(value: str) -> str:
    return _PASSPORT_NOISE.sub("", value).upper()


def normalise_phone(value: str, *, region: str | None = None) -> str:
    """E.164 when the number parses (with the country as default region), else its digits."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", value)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_reference(value: str) -> str:
    return re.sub(r"[\s\-]", "", value).upper()
