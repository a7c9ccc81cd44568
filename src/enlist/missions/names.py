"""Reference data in the reader's language: country names (the ISO 3166-1 translations
shipped with pycountry), mission and city names and the legal advisories (catalog entries,
see docs/adr/0022-translated-reference-data.md)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import (
    get_language,
    gettext,
    pgettext_lazy,
)

from enlist.missions.models import Country, Mission
from enlist.missions.place_names import country_name_from_code


def country_name(country: Country, language: str | None = None) -> str:
    """The country's name in `language` (default: the active one), else its stored name."""
    return country_name_from_code(country.code, language, stored=country.name)


def country_choices(
    language: str | None = None, *, countries: QuerySet[Country] | None = None
) -> list[tuple[str, str]]:
    """(code, name) for every country (or those of `countries`), sorted as the reader sees."""
    countries = Country.objects.all() if countries is None else countries
    names = [(c.code, country_name(c, language)) for c in countries]
    return sorted(names, key=lambda pair: pair[1].casefold())


def mission_name(mission: Mission, language: str | None = None) -> str:
    """The mission's name in `language` (default: the active one): `Mission.name_in`."""
    return mission.name_in(language)


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
