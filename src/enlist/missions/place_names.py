"""Place and language names in the reader's language that need no database: a country's from
its ISO code (the ISO 3166-1 translations shipped with pycountry), a language's from its ISO
639 code (ISO 639-3's), a mission's city from the catalog.
Below the models, so that a row can name itself (``Mission.__str__``)."""

from __future__ import annotations

import functools
import gettext as gnu_gettext

import pycountry
from django.utils import translation
from django.utils.translation import get_language, pgettext


@functools.cache
def _catalog(language: str, domain: str = "iso3166-1") -> gnu_gettext.NullTranslations:
    """pycountry's translations of the ISO names: countries (3166-1), languages (639-3)."""
    return gnu_gettext.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name_from_code(code: str, language: str | None = None, *, stored: str = "") -> str:
    """A country's name from its ISO code alone (no database read: lists of cases show
    nationalities this way); `stored` is the English name to prefer when it is known."""
    language = (language or get_language() or "en").split("-")[0]
    entry = pycountry.countries.get(alpha_2=(code or "").upper())
    if entry is None:
        return stored or code
    # The common name first ("Taiwan", not the ISO "Taiwan, Province of China").
    english = getattr(entry, "common_name", None) or entry.name
    if language == "en":
        return stored or english
    for msgid in (getattr(entry, "common_name", None), entry.name):
        if msgid and (translated := _catalog(language).gettext(msgid)) != msgid:
            return translated
    return stored or english


def city_name(city: str, language: str | None = None) -> str:
    """A mission's city in `language`, from the catalog (`CITY_NAMES`), else as stored."""
    language = (language or get_language() or "en").split("-")[0]
    with translation.override(language):
        return pgettext("city", city)


def language_name(code: str, language: str | None = None) -> str:
    """A language's name from its ISO 639 code (the two letters the applications store, or
    three), in `language` (default: the active one): "ce" is "Chechen", "чеченська" in
    Ukrainian. A code ISO does not know is shown as stored, never an error."""
    language = (language or get_language() or "en").split("-")[0]
    lookup = {"alpha_2": code} if len(code or "") == 2 else {"alpha_3": code or ""}
    entry = pycountry.languages.get(**lookup)
    if entry is None:
        return code
    if language == "en":
        return str(entry.name)
    return _catalog(language, "iso639-3").gettext(entry.name)
