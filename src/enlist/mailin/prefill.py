"""What a volunteer's own words in a mail can fill on the form (pure: no Django).

Only values stated plainly are taken (a passport number after the word "passport", a date
after "born", "N years" of service, an international phone number); the clerk checks each
one. Nothing is guessed from context.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

_PASSPORT = re.compile(
    r"(?:passport|паспорт\w*|pasaporte)(?:\s+(?:number|no\.?|№|номер|número))?(?:\s+(?:is|es|—|-))?\s*[:#№]?\s*"
    r"([A-Z]{1,3}\s?\d{5,9})",
    re.IGNORECASE,
)
_BORN = re.compile(
    r"(?:born|date of birth|народи\w*|дата народження|nac[ií]\w*|fecha de nacimiento)"
    r"[^0-9]{0,20}(\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4})",
    re.IGNORECASE,
)
_YEARS = re.compile(
    r"(\d{1,2})\s*(?:years?|рок\w*|лет|años)\b(?:[^.\n]{0,40})"
    r"(?:army|military|service|served|military|арм\w*|служб\w*|ejército|servicio|marines|navy)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(\+\d[\d\s\-()]{7,18}\d)")


def _date(text: str) -> str | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date().isoformat()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def prefill(*, sender: str, sender_name: str, text: str, language: str) -> dict[str, Any]:
    """Initial form values: the sender's address and name, and what the text states."""
    values: dict[str, Any] = {}
    if sender:
        values["email"] = sender
    parts = sender_name.replace('"', "").split()
    if len(parts) >= 2 and all(p.isalpha() for p in parts):
        latin = all(p.isascii() for p in parts)
        given, family = " ".join(parts[:-1]), parts[-1]
        if latin:
            values["given_name"], values["family_name"] = given, family
        else:
            values["given_name_native"], values["family_name_native"] = given, family
    if found := _PASSPORT.search(text):
        values["passport_number"] = found.group(1).replace(" ", "").upper()
    if (found := _BORN.search(text)) and (born := _date(found.group(1))):
        values["date_of_birth"] = born
    if found := _YEARS.search(text):
        values["years"] = found.group(1)
    if found := _PHONE.search(text):
        values["phone"] = re.sub(r"[\s\-()]+", " ", found.group(1)).strip()
    if language:
        values["languages"] = language
    return values
