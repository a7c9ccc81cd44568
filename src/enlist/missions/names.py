"""Country names in the reader's language (ISO 3166-1 translations shipped with pycountry)."""

from __future__ import annotations

import functools
import gettext

import pycountry
from django.db.models import Exists, OuterRef
from django.utils.translation import get_language

from enlist.missions.models import Country


@functools.cache
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(country: Country, language: str | None = None) -> str:
    """The country's name in `language` (default: the active one), else its stored name."""
    language = (language or get_language() or "en").split("-")[0]
    if language == "en":
        return country.name
    entry = pycountry.countries.get(alpha_2=country.code)
    if entry is None:
        return country.name
    # The common name first ("Taiwan", not the ISO "Taiwan, Province of China").
    for msgid in (getattr(entry, "common_name", None), entry.name):
        if msgid and (translated := _catalog(language).gettext(msgid)) != msgid:
            return translated
    return country.name


def country_choices(
    language: str | None = None, *, with_applications: bool = False
) -> list[tuple[str, str]]:
    """(code, name) for every country (or those with applications), sorted as the reader sees."""
    countries = Country.objects.all()
    if with_applications:
        # One index probe per country (EXISTS on the nationality index), not a DISTINCT over
        # every application: the case list renders this filter on each page.
        from enlist.cases.models import Application

        countries = countries.filter(Exists(Application.objects.filter(nationality=OuterRef("pk"))))
    names = [(c.code, country_name(c, language)) for c in countries]
    return sorted(names, key=lambda pair: pair[1].casefold())
