"""Reference data in the reader's language: country names (the ISO 3166-1 translations
shipped with pycountry), mission and city names and the legal advisories (catalog entries,
see docs/adr/0022-translated-reference-data.md)."""

from __future__ import annotations

import functools
import gettext as gnu_gettext

import pycountry
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import (
    get_language,
    gettext,
    pgettext,
    pgettext_lazy,
)

from enlist.missions.models import Country, Mission, MissionKind


@functools.cache
def _catalog(language: str, domain: str = "iso3166-1") -> gnu_gettext.NullTranslations:
    """pycountry's translations of the ISO names: countries (3166-1), languages (639-3)."""
    return gnu_gettext.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(country: Country, language: str | None = None) -> str:
    """The country's name in `language` (default: the active one), else its stored name."""
    return country_name_from_code(country.code, language, stored=country.name)


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


def country_choices(
    language: str | None = None, *, countries: QuerySet[Country] | None = None
) -> list[tuple[str, str]]:
    """(code, name) for every country (or those of `countries`), sorted as the reader sees."""
    countries = Country.objects.all() if countries is None else countries
    names = [(c.code, country_name(c, language)) for c in countries]
    return sorted(names, key=lambda pair: pair[1].casefold())


def mission_name(mission: Mission, language: str | None = None) -> str:
    """The mission's name in `language` (default: the active one). The stored name is the
    English one; elsewhere the name is built from the kind of mission and its country (an
    embassy) or city (a consulate), each in that language, so a mission added later reads
    right without a new translation."""
    language = (language or get_language() or "en").split("-")[0]
    if language == "en":
        return mission.name
    with translation.override(language):
        if mission.kind == MissionKind.CONSULATE:
            pattern = pgettext("mission name", "Consulate General of Ukraine in %(city)s")
        else:
            pattern = pgettext("mission name", "Embassy of Ukraine in %(country)s")
        return pattern % {
            "country": country_name_from_code(mission.country_id, language),
            "city": city_name(mission.city, language),
        }


def city_name(city: str, language: str | None = None) -> str:
    """A mission's city in `language`, from the catalog (`CITY_NAMES`), else as stored."""
    language = (language or get_language() or "en").split("-")[0]
    with translation.override(language):
        return pgettext("city", city)


def advisory_text(country: Country, language: str | None = None) -> str:
    """The country's legal advisory in `language`. The seeded advisories are catalog entries
    (``missions/seed.py``); a text an administrator rewrote has none until it is translated,
    and is shown as written rather than as an outdated translation."""
    language = (language or get_language() or "en").split("-")[0]
    with translation.override(language):
        return gettext(country.advisory_text)


# The cities of the consulates the demo and the first deployments know, so that the
# catalogs carry their names (`city_name` looks them up by the stored English name).
CITY_NAMES = (
    pgettext_lazy("city", "New York"),
    pgettext_lazy("city", "Chicago"),
    pgettext_lazy("city", "San Francisco"),
    pgettext_lazy("city", "Toronto"),
    pgettext_lazy("city", "Edmonton"),
    pgettext_lazy("city", "Vancouver"),
    pgettext_lazy("city", "Edinburgh"),
    pgettext_lazy("city", "Kraków"),
    pgettext_lazy("city", "Gdańsk"),
    pgettext_lazy("city", "Lublin"),
    pgettext_lazy("city", "Munich"),
    pgettext_lazy("city", "Hamburg"),
    pgettext_lazy("city", "Frankfurt am Main"),
    pgettext_lazy("city", "Düsseldorf"),
    pgettext_lazy("city", "Brno"),
    pgettext_lazy("city", "Barcelona"),
    pgettext_lazy("city", "Milan"),
    pgettext_lazy("city", "Naples"),
    pgettext_lazy("city", "Istanbul"),
    pgettext_lazy("city", "Batumi"),
    pgettext_lazy("city", "Curitiba"),
)


def mission_choices(
    language: str | None = None, *, missions: QuerySet[Mission] | None = None
) -> list[tuple[str, str]]:
    """(code, name) of every active mission (or those of `missions`) in `language`; in
    English the city is added (the English names of embassies name only the country)."""
    language = (language or get_language() or "en").split("-")[0]
    if missions is None:
        missions = Mission.objects.filter(is_active=True)
    missions = missions.select_related("country")
    if language == "en":
        return [(m.code, f"{m.name} ({m.city})") for m in missions]
    names = [(m.code, mission_name(m, language)) for m in missions]
    return sorted(names, key=lambda pair: pair[1].casefold())


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
