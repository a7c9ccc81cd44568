"""Reference facts the system starts with (public reporting of February–June 2022), kept as data.

The advisory texts and unit names are catalog entries (`gettext_noop`): pages translate
them by their English text (`missions/names.py: advisory_text`). Used by the initial data
migrations, so every database (production, demo, tests) starts
with every ISO 3166-1 country and its advisory, and with the national units named in
public reporting. Staff edit them later in the admin.
"""

from __future__ import annotations

import pycountry
from django.utils.translation import gettext_noop

# What home governments said in 2022 about their citizens joining (public reporting).
ADVISORIES: dict[str, tuple[str, str]] = {
    "LV": (
        "permitted",
        gettext_noop("Latvia's government has backed citizens who want to help defend Ukraine."),
    ),
    "DK": (
        "permitted",
        gettext_noop('Denmark\'s Prime Minister called volunteering "a choice anyone can make".'),
    ),
    "CA": (
        "individual_decision",
        gettext_noop(
            "Canada's government said Canadians can decide for themselves. Check your "
            "insurance, pension and travel advice before you go."
        ),
    ),
    "GB": (
        "unclear",
        gettext_noop(
            "The UK's position is divided: the Chief of the Defence Staff called it illegal and "
            "pointless, while the Foreign Secretary said she would support it. Seek independent "
            "legal advice before you apply."
        ),
    ),
    "AU": (
        "warned",
        gettext_noop(
            "Australia has warned of repercussions under Australian law for citizens who fight "
            "abroad. Seek legal advice before you apply."
        ),
    ),
    "US": (
        "discouraged",
        gettext_noop(
            "US officials advise citizens to engage with humanitarian agencies instead of "
            "travelling to fight."
        ),
    ),
    "BY": (
        "prosecuted",
        gettext_noop(
            "Belarus persecutes any attempt to assist Ukraine. Applying may put you and your "
            "family at risk: think about who can see your messages and devices."
        ),
    ),
}
DEFAULT_ADVISORY = (
    "unknown",
    gettext_noop(
        "In some states it is illegal to serve in a foreign armed force. We do not know the "
        "position of your country: seek legal advice before you apply."
    ),
)


def country_rows() -> list[dict[str, str]]:
    rows = []
    for country in pycountry.countries:
        status, text = ADVISORIES.get(country.alpha_2, DEFAULT_ADVISORY)
        name = getattr(country, "common_name", None) or country.name
        rows.append(
            {
                "code": country.alpha_2,
                "name": name,
                "advisory_status": status,
                "advisory_text": text,
            }
        )
    return rows


# National units inside the legion named in public reporting (2022). Capacities are
# planning figures for the demo; HQ sets real ones in the admin.
UNITS: list[dict[str, object]] = [
    {
        "code": "pahonia",
        "name": gettext_noop("Pahonia regiment"),
        "languages": ["be", "ru"],
        "capacity": 400,
        "description": gettext_noop("Belarusian volunteers."),
    },
    {
        "code": "georgian-legion",
        "name": gettext_noop("Georgian Legion"),
        "languages": ["ka", "en", "ru"],
        "capacity": 500,
        "description": gettext_noop(
            "Georgian volunteers and foreign volunteers serving with them."
        ),
    },
    {
        "code": "canadian-ukrainian-brigade",
        "name": gettext_noop("Canadian-Ukrainian brigade"),
        "languages": ["en", "uk", "fr"],
        "capacity": 300,
        "description": gettext_noop("Volunteers from Canada."),
    },
    {
        "code": "dudayev-battalion",
        "name": gettext_noop("Dzhokhar Dudayev battalion"),
        "languages": ["ce", "ru"],
        "capacity": 300,
        "description": gettext_noop("Mostly Chechen volunteers."),
    },
    {
        "code": "sheikh-mansur-battalion",
        "name": gettext_noop("Sheikh Mansur battalion"),
        "languages": ["ce", "ru"],
        "capacity": 300,
        "description": gettext_noop("Mostly Chechen volunteers."),
    },
    {
        "code": "freedom-of-russia-legion",
        "name": gettext_noop("Freedom of Russia Legion"),
        "languages": ["ru"],
        "capacity": 400,
        "description": gettext_noop("Russian citizens fighting for Ukraine."),
    },
]
