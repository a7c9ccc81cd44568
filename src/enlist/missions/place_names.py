"""Place names in the reader's language that need no database: a country's from its ISO
code (the ISO 3166-1 translations shipped with pycountry), a mission's city from the catalog.
Below the models, so that a row can name itself (``Mission.__str__``)."""

from __future__ import annotations

import functools
import gettext as gnu_gettext

import pycountry
from django.utils import translation
from django.utils.translation import get_language, pgettext


@functools.cache
def _catalog(language: str) -> gnu_gettext.NullTranslations:
    return gnu_gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
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
