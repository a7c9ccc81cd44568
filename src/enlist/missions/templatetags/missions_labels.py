"""Reference data in the reader's language, for templates: `{{ mission|mission_name }}`,
`{{ mission.city|city_name }}`, `{{ case.nationality|country_name }}` (a Country or a code),
`{{ case.languages|language_names }}` ("en, uk" → "англійська, українська")."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from enlist.missions import names, place_names
from enlist.missions.models import Country, Mission

register = template.Library()


@register.filter
def mission_name(mission: Mission | None) -> str:
    return names.mission_name(mission) if mission is not None else ""


@register.filter
def mission_code_name(code: str | None) -> str:
    """A mission's name from its code (one read; for pages that show one or two)."""
    if not code:
        return ""
    mission = Mission.objects.filter(code=code).first()
    return names.mission_name(mission) if mission is not None else code


@register.filter
def city_name(city: str | None) -> str:
    return place_names.city_name(city) if city else ""


@register.filter
def country_name(country: Country | str | None) -> str:
    """A country's name; a code without a row (or an empty one) is shown as it is."""
    if not country:
        return ""
    if isinstance(country, str):
        return place_names.country_name_from_code(country)
    return names.country_name(country)


@register.filter
def language_names(codes: Iterable[str] | None) -> str:
    return ", ".join(place_names.language_name(code) for code in codes or ())


@register.filter
def country_names(codes: Iterable[str] | None) -> str:
    return ", ".join(place_names.country_name_from_code(code) for code in codes or ())
