"""A second, hostile generator of applicants with known truth, independent of the engine.

``synthetic`` was written beside the engine and shares its view of the world (its name
tables, its spelling systems). This one is written against it: it takes its names from
Faker's per-locale lists (not the engine's nickname or transliteration tables), romanises
with Faker's own ``unidecode`` port plus spelling habits the engine was never told about,
and builds the situations that make record linkage hard:

Hard negatives (different people who look alike)
- Names drawn with Zipf-like frequencies per nationality: the commonest surname is borne by
  about 1.5 % of a country, the commonest given name by about 4 %; so at 100,000 records
  many people share a full name.
- Cities drawn the same way (the capital holds a quarter of a country), so namesakes live in
  the same city; some people are deliberately given an earlier compatriot's full name in the
  same city.
- Households: relatives share the family name (in its gendered form), the city, often a home
  phone and sometimes one family mailbox; twins share a date of birth too.

Realistic repeats (one person applying again)
- Renewed passports (same country, a new number), a different mailbox per channel, phones in
  national, international and ``00`` formats, missing fields, one-character typos, day/month
  swaps (and US month-first dates), names in the native script (Cyrillic, Georgian, Greek,
  Armenian, Latin with diacritics) or in one of several romanisations, given/family swapped.

``generate_hostile(n, seed)`` returns columns like ``synthetic.generate_applicants`` does
(the input CSV columns plus ``person_id``, the truth). Needs Faker (``dev`` and ``bench``
extras); it is never imported by the engine.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TypeVar

T = TypeVar("T")

COLUMNS = ("id", "person_id", "given_name", "family_name", "date_of_birth", "nationality",
           "passport_number", "email", "phone", "city")  # fmt: skip


@dataclass(frozen=True)
class _Country:
    code: str
    names: tuple[str, ...]  # how a nationality gets written: ISO-2, ISO-3, English name
    locale: str
    share: float
    calling: str
    trunk: str  # national trunk prefix ("0" for Ukraine, "8" for Russia, "" for Greece)
    mobile: tuple[str, ...]
    subscriber: int  # digits after the mobile prefix
    passport: str  # pattern: L letter, D digit
    cities: tuple[tuple[str, ...], ...]  # each city: its spellings, first the usual one
    providers: tuple[str, ...]


_COUNTRIES = (
    _Country("UA", ("UA", "UKR", "Ukraine"), "uk_UA", 0.34, "380", "0",
             ("50", "63", "66", "67", "68", "73", "93", "95", "96", "97", "98"), 7, "LLDDDDDD",
             (("Kyiv", "Kiev", "Київ"), ("Kharkiv", "Kharkov"), ("Odesa", "Odessa"),
              ("Dnipro",), ("Lviv", "Lvov", "Львів"), ("Zaporizhzhia", "Zaporozhye"),
              ("Vinnytsia", "Vinnitsa"), ("Poltava",), ("Chernihiv",), ("Sumy",),
              ("Rivne", "Rovno"), ("Ternopil",), ("Lutsk",), ("Uzhhorod",)),
             ("ukr.net", "gmail.com", "i.ua", "meta.ua")),
    _Country("RU", ("RU", "RUS", "Russia"), "ru_RU", 0.14, "7", "8",
             ("903", "905", "916", "925", "926", "985"), 7, "DDDDDDDDD",
             (("Moscow", "Moskva", "Москва"), ("Saint Petersburg", "St. Petersburg"),
              ("Novosibirsk",), ("Yekaterinburg", "Ekaterinburg"), ("Kazan",),
              ("Nizhny Novgorod",), ("Samara",), ("Omsk",), ("Rostov-on-Don",), ("Ufa",)),
             ("mail.ru", "yandex.ru", "gmail.com", "rambler.ru")),
    _Country("GE", ("GE", "GEO", "Georgia"), "ka_GE", 0.10, "995", "0",
             ("555", "577", "591", "599"), 6, "DDLLDDDDD",
             (("Tbilisi", "Tiflis", "თბილისი"), ("Batumi",), ("Kutaisi",), ("Rustavi",),
              ("Gori",), ("Zugdidi",), ("Poti",)),
             ("gmail.com", "yahoo.com", "mail.ru")),
    _Country("GR", ("GR", "GRC", "Greece"), "el_GR", 0.10, "30", "",
             ("690", "693", "694", "697", "698", "699"), 7, "LLDDDDDDD",
             (("Athens", "Athina", "Αθήνα"), ("Thessaloniki", "Salonica"), ("Patras",),
              ("Heraklion", "Iraklio"), ("Larissa",), ("Volos",), ("Ioannina",)),
             ("gmail.com", "yahoo.gr", "hotmail.com", "otenet.gr")),
    _Country("AM", ("AM", "ARM", "Armenia"), "hy_AM", 0.10, "374", "0",
             ("55", "77", "91", "93", "94", "98"), 6, "LLDDDDDDD",
             (("Yerevan", "Erevan", "Երևան"), ("Gyumri",), ("Vanadzor",), ("Vagharshapat",),
              ("Abovyan",), ("Kapan",)),
             ("gmail.com", "mail.ru", "yandex.ru")),
    _Country("PL", ("PL", "POL", "Poland"), "pl_PL", 0.11, "48", "",
             ("501", "502", "600", "601", "660", "691", "720", "790"), 6, "LLDDDDDDD",
             (("Warszawa", "Warsaw"), ("Kraków", "Krakow", "Cracow"), ("Łódź", "Lodz"),
              ("Wrocław", "Wroclaw"), ("Poznań", "Poznan"), ("Gdańsk", "Gdansk"),
              ("Szczecin",), ("Lublin",), ("Rzeszów", "Rzeszow")),
             ("wp.pl", "onet.pl", "gmail.com", "o2.pl", "interia.pl")),
    _Country("ES", ("ES", "ESP", "Spain"), "es_ES", 0.11, "34", "",
             ("600", "610", "620", "630", "650", "660", "690"), 6, "LLLDDDDDD",
             (("Madrid",), ("Barcelona",), ("Valencia", "València"), ("Sevilla", "Seville"),
              ("Zaragoza",), ("Málaga", "Malaga"), ("Murcia",), ("Bilbao",), ("Alicante",)),
             ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net")),
)  # fmt: skip

# Romanisation habits beside unidecode's: (what unidecode writes, what people also write).
_HABITS = {
    "uk_UA": (("y", "i"), ("i", "y"), ("kh", "h"), ("h", "g"), ("ia", "ya"), ("iu", "yu"),
              ("zh", "j"), ("ch", "tch"), ("shch", "sch"), ("'", ""), ("ii", "iy"),
              ("ts", "tz"), ("ie", "ye"), ("v", "w"), ("ks", "x")),
    "ru_RU": (("y", "i"), ("kh", "h"), ("ia", "ya"), ("iu", "yu"), ("zh", "j"), ("e", "ye"),
              ("ch", "tch"), ("ii", "iy"), ("ei", "ey"), ("v", "w"), ("ts", "tz"), ("ks", "x"),
              ("'", ""), ("sh", "ch"), ("u", "ou")),
    "ka_GE": (("kh", "x"), ("t", "t'"), ("k", "k'"), ("p", "p'"), ("ts", "c"), ("ch", "ch'"),
              ("sh", "s"), ("dz", "z"), ("gh", "g")),
    "el_GR": (("ou", "u"), ("ch", "h"), ("ch", "kh"), ("y", "i"), ("i", "y"), ("th", "t"),
              ("ph", "f"), ("ks", "x"), ("mp", "b"), ("nt", "d"), ("os", "as")),
    "hy_AM": (("ts", "c"), ("yan", "ian"), ("kh", "x"), ("gh", "x"), ("ch", "tch"),
              ("o", "vo"), ("e", "ye"), ("h", "kh")),
    "pl_PL": (("l", "ł"), ("sz", "sh"), ("cz", "ch"), ("w", "v")),
    "es_ES": (("v", "b"), ("b", "v"), ("ll", "y"), ("z", "s"), ("j", "h"), ("x", "j")),
}  # fmt: skip
# Modern Greek as passports write it (ELOT 743), not unidecode's classical reading (β → b).
_GREEK_DIGRAPHS = (("ου", "ou"), ("ού", "ou"), ("αι", "ai"), ("ει", "ei"), ("οι", "oi"),
                   ("μπ", "mp"), ("ντ", "nt"), ("γγ", "ng"), ("γκ", "gk"), ("αυ", "av"),
                   ("ευ", "ev"))  # fmt: skip
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰ",
                  ("a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o",
                   "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o", "a", "e", "i", "i", "o",
                   "y", "o", "i", "y", "i", "y"), strict=True))  # fmt: skip
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_LATIN_LOCALES = {"pl_PL", "es_ES"}


def _zipf_weights(count: int, top_share: float) -> list[float]:
    """Weights 1/(rank + q) with q chosen so that the first carries about ``top_share``."""
    lo, hi = 0.0, 10_000.0
    for _ in range(60):
        q = (lo + hi) / 2
        weights = [1.0 / (r + 1 + q) for r in range(count)]
        share = weights[0] / sum(weights)
        lo, hi = (q, hi) if share > top_share else (lo, q)
    return [1.0 / (r + 1 + (lo + hi) / 2) for r in range(count)]


def _female_surname(name: str, locale: str) -> str:
    if locale in ("uk_UA", "ru_RU"):
        for male, female in (("ський", "ська"), ("ский", "ская"), ("цкий", "цкая"),
                             ("цький", "цька"), ("ой", "ая"), ("ов", "ова"), ("ев", "ева"),
                             ("єв", "єва"), ("ин", "іна" if locale == "uk_UA" else "ина"),
                             ("ын", "ына")):  # fmt: skip
            if name.endswith(male):
                return name[: -len(male)] + female
    elif locale == "el_GR":
        for male, female in (("ος", "ου"), ("ός", "ού"), ("ης", "η"), ("ής", "ή"),
                             ("ας", "α"), ("άς", "ά")):  # fmt: skip
            if name.endswith(male):
                return name[: -len(male)] + female
    elif locale == "pl_PL":
        for male, female in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
            if name.endswith(male):
                return name[: -len(male)] + female
    return name


@dataclass
class _Names:
    male: list[str]
    female: list[str]
    family: list[str]
    w_male: list[float]
    w_female: list[float]
    w_family: list[float]


def _load_names(locale: str, rng: random.Random) -> _Names:
    import importlib

    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    male = list(dict.fromkeys(provider.first_names_male))
    female = list(dict.fromkeys(provider.first_names_female))
    if locale == "pl_PL":
        family = list(dict.fromkeys((*provider.male_last_names, *provider.unisex_last_names)))
    elif locale in ("ru_RU", "el_GR", "uk_UA"):
        family = list(dict.fromkeys(provider.last_names_male))
    else:
        family = list(dict.fromkeys(provider.last_names))
    family = [f for f in family if " " not in f] or family
    # Which names are common is the generator's own draw, not the order of Faker's lists.
    for names in (male, female, family):
        rng.shuffle(names)
    return _Names(
        male, female, family,
        _zipf_weights(len(male), 0.04), _zipf_weights(len(female), 0.04),
        _zipf_weights(len(family), 0.015),
    )  # fmt: skip


@dataclass
class _Person:
    pid: int
    country: _Country
    male: bool
    given: str
    family: str
    birth: tuple[int, int, int]
    city: int
    passports: list[str]
    emails: list[str]
    phones: list[str]
    household_phone: str = ""
    household_email: str = ""
    copies: int = 1
    extra: dict[str, str] = field(default_factory=dict)


_COUNTRY_SHARES = tuple(c.share for c in _COUNTRIES)
_HOUSEHOLD_SIZES = (0.6, 0.22, 0.12, 0.06)  # people per household: 1, 2, 3, 4
_COPIES = (0.6, 0.25, 0.1, 0.05)  # applications per person: 1, 2, 3, 4


class _Generator:
    def __init__(self, seed: int) -> None:
        from faker.decode import unidecode

        self.unidecode = unidecode
        self.rng = random.Random(seed)  # noqa: S311 - test data, not secrets
        self.names = {c.locale: _load_names(c.locale, self.rng) for c in _COUNTRIES}
        self.city_weights = {
            c.code: _zipf_weights(len(c.cities), 0.25 if len(c.cities) > 8 else 0.3)
            for c in _COUNTRIES
        }
        self.people: list[_Person] = []
        self._sums: dict[int, tuple[Sequence[float], list[float]]] = {}
        self._latin_of: dict[str, str] = {}
        self.by_place: dict[tuple[str, int], list[_Person]] = {}
        self.used_passports: set[str] = set()
        self.used_mailboxes: set[str] = set()

    def _pick(self, population: Sequence[T], weights: Sequence[float]) -> T:
        """``rng.choices(population, weights)[0]`` with the running sums computed once per
        weight list (the same draws: ``choices`` sums the weights itself otherwise)."""
        sums = self._sums.get(id(weights))
        if sums is None or sums[0] is not weights:
            sums = self._sums[id(weights)] = (weights, list(accumulate(weights)))
        return self.rng.choices(population, cum_weights=sums[1])[0]

    # -- people ------------------------------------------------------------------------
    def _latin(self, text: str) -> str:
        known = self._latin_of.get(text)
        if known is None:
            known = self._latin_of[text] = self._romanised(text)
        return known

    def _romanised(self, text: str) -> str:
        if any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in text):
            low = text.lower()
            for greek, latin in _GREEK_DIGRAPHS:
                low = low.replace(greek, latin)
            text = "".join(_GREEK.get(ch, ch) for ch in low).capitalize()
        elif any("\u0530" <= ch <= "\u058f" for ch in text):
            text = text.replace("ու", "u").replace("ՈՒ", "U").replace("Ու", "U")
        latin = re.sub(r"['`\u02bc\u2019]", "", self.unidecode(text))
        return latin.upper() if text.isupper() else latin

    def _passport(self, country: _Country) -> str:
        rng = self.rng
        while True:
            number = "".join(
                rng.choice("ABCEHKMPTX") if ch == "L" else str(rng.randrange(10))
                for ch in country.passport
            )
            if number not in self.used_passports:
                self.used_passports.add(number)
                return number

    def _mobile(self, country: _Country) -> str:
        rng = self.rng
        digits = "".join(str(rng.randrange(10)) for _ in range(country.subscriber))
        return rng.choice(country.mobile) + digits

    def _mailbox(self, given: str, family: str, year: int, country: _Country) -> str:
        rng = self.rng
        g = self._latin(given).lower().replace(" ", "")
        f = self._latin(family).lower().replace(" ", "")
        style = rng.random()
        if style < 0.3:
            local = f"{g}.{f}"
        elif style < 0.5:
            local = f"{g}{f}{year % 100:02d}"
        elif style < 0.65:
            local = f"{g[:1]}{f}"
        elif style < 0.8:
            local = f"{f}.{g}{rng.randrange(1, 999)}"
        else:
            local = f"{g}_{rng.randrange(1000, 9999)}"
        address = f"{local}@{rng.choice(country.providers)}"
        while address in self.used_mailboxes:  # a mailbox has one owner: the provider says no
            address = f"{local}{rng.randrange(10, 9999)}@{rng.choice(country.providers)}"
        self.used_mailboxes.add(address)
        return address

    def _birth(self, year_range: tuple[int, int]) -> tuple[int, int, int]:
        rng = self.rng
        return (rng.randint(*year_range), rng.randint(1, 12), rng.randint(1, 28))

    def person(
        self, country: _Country, *, family: str = "", city: int | None = None,
        birth: tuple[int, int, int] | None = None, male: bool | None = None,
        taken: frozenset[str] = frozenset(),
    ) -> _Person:  # fmt: skip
        rng = self.rng
        names = self.names[country.locale]
        male = rng.random() < 0.72 if male is None else male  # most volunteers are men
        pool, weights = (names.male, names.w_male) if male else (names.female, names.w_female)
        given = self._pick(pool, weights)
        while given in taken:  # brothers, sisters and twins have names of their own
            given = self._pick(pool, weights)
        if not family:
            family = self._pick(names.family, names.w_family)
        family_form = family if male else _female_surname(family, country.locale)
        if city is None:
            city = self._pick(range(len(country.cities)), self.city_weights[country.code])
        birth = birth or self._birth((1963, 2006))
        place = (country.code, city)
        compatriots = self.by_place.get(place, [])
        if compatriots and rng.random() < 0.03:
            # A namesake on purpose: an earlier compatriot's full name in the same city.
            other = rng.choice(compatriots)
            if other.male == male and other.given not in taken:
                given, family_form = other.given, other.family
        emails = [self._mailbox(given, family_form, birth[0], country)]
        while rng.random() < 0.45 and len(emails) < 3:
            emails.append(self._mailbox(given, family_form, birth[0], country))
        phones = [self._mobile(country)]
        if rng.random() < 0.2:
            phones.append(self._mobile(country))
        passports = [self._passport(country)]
        person = _Person(
            pid=len(self.people), country=country, male=male, given=given,
            family=family_form, birth=birth, city=city, passports=passports, emails=emails,
            phones=phones,
        )  # fmt: skip
        self.people.append(person)
        self.by_place.setdefault(place, []).append(person)
        return person

    def household(self) -> list[_Person]:
        rng = self.rng
        country = self._pick(_COUNTRIES, _COUNTRY_SHARES)
        size = self._pick((1, 2, 3, 4), _HOUSEHOLD_SIZES)
        names = self.names[country.locale]
        base_family = self._pick(names.family, names.w_family)
        first = self.person(country, family=base_family)
        members = [first]
        twins = size >= 2 and rng.random() < 0.08
        for k in range(1, size):
            birth = first.birth if twins and k == 1 else None
            if birth is None:
                # A parent or a sibling: born 0 to 30 years apart.
                year = first.birth[0] + rng.choice((-1, 1)) * rng.randint(1, 30)
                year = min(max(year, 1950), 2006)
                birth = (year, rng.randint(1, 12), rng.randint(1, 28))
            taken = frozenset(m.given for m in members)
            members.append(self.person(country, family=base_family, city=first.city,
                                       birth=birth, male=twins or rng.random() < 0.6,
                                       taken=taken))  # fmt: skip
        if size > 1:
            home = self._mobile(country) if rng.random() < 0.5 else ""
            mailbox = ""
            if rng.random() < 0.3:
                mailbox = f"{self._latin(base_family).lower()}.family@{country.providers[0]}"
            for member in members:
                member.household_phone = home
                member.household_email = mailbox
        return members

    # -- rendering ---------------------------------------------------------------------
    def _typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 4:
            return text
        i = rng.randrange(1, len(text) - 1)
        kind = rng.random()
        if kind < 0.3:
            return text[:i] + text[i + 1 :]
        if kind < 0.55:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if kind < 0.75:
            return text[:i] + text[i] + text[i:]
        return text[:i] + rng.choice("aeioulnrst") + text[i + 1 :]

    def _romanise(self, text: str, locale: str, habit: float) -> str:
        latin = self._latin(text)
        if locale in _LATIN_LOCALES and self.rng.random() < 0.5:
            return text  # with its diacritics
        rng = self.rng
        out = latin
        for written, also in _HABITS[locale]:
            if written in out.lower() and rng.random() < habit:
                out = out.replace(written, also).replace(written.capitalize(), also.capitalize())
        return out

    def _name(self, text: str, p: _Person, script: str, habit: float) -> str:
        value = text if script == "native" else self._romanise(text, p.country.locale, habit)
        roll = self.rng.random()
        if roll < 0.3:
            value = value.upper()
        elif roll < 0.4:
            value = value.lower()
        return value

    def _date(self, p: _Person, repeat: bool) -> str:
        rng = self.rng
        y, m, d = p.birth
        if repeat:
            roll = rng.random()
            if roll < 0.04:
                return ""
            if roll < 0.09 and d <= 12:
                m, d = d, m
            elif roll < 0.13:
                d = min(max(d + rng.choice((-1, 1, 10, -10)), 1), 28)
            elif roll < 0.15:
                y += rng.choice((-1, 1))
        style = rng.random()
        if style < 0.35:
            return f"{y}-{m:02d}-{d:02d}"
        if style < 0.65:
            return f"{d:02d}.{m:02d}.{y}"
        if style < 0.75:
            return f"{d:02d}/{m:02d}/{y}"
        if style < 0.85:
            return f"{d} {_MONTHS[m - 1]} {y}"
        return f"{y}{m:02d}{d:02d}"

    def _phone(self, p: _Person) -> str:
        rng = self.rng
        number = p.household_phone if p.household_phone and rng.random() < 0.5 else ""
        number = number or rng.choice(p.phones)
        c = p.country
        style = rng.random()
        if style < 0.3:
            return f"+{c.calling} {number[:3]} {number[3:6]} {number[6:]}"
        if style < 0.45:
            return f"00{c.calling}{number}"
        if style < 0.75:
            national = c.trunk + number
            return f"{national[:3]} {national[3:6]} {national[6:8]} {national[8:]}".strip()
        if style < 0.85:
            return f"({c.trunk}{number[:2]}) {number[2:]}"
        return f"+{c.calling}{number}"

    def render(self, p: _Person, repeat: bool) -> dict[str, str]:
        rng = self.rng
        c = p.country
        native_script = c.locale not in _LATIN_LOCALES
        script = "native" if native_script and rng.random() < 0.45 else "latin"
        habit = 0.0 if not repeat else 0.35
        given = self._name(p.given, p, script, habit)
        family = self._name(p.family, p, script, habit)
        if repeat and rng.random() < 0.12:
            if rng.random() < 0.5:
                given = self._typo(given)
            else:
                family = self._typo(family)
        if repeat and rng.random() < 0.03:
            given, family = family, given
        if repeat and rng.random() < 0.15 and len(p.passports) < 3:
            p.passports.append(self._passport(c))  # renewed since the last application
        passport = "" if rng.random() < 0.35 else p.passports[-1]
        if passport and rng.random() < 0.3:
            passport = f"{passport[:2]} {passport[2:]}"
        if p.household_email and rng.random() < 0.5:
            email = p.household_email
        else:
            email = rng.choice(p.emails)
        if rng.random() < 0.15:
            email = ""
        elif rng.random() < 0.2:
            email = email.upper() if rng.random() < 0.3 else email.capitalize()
        phone = "" if rng.random() < 0.2 else self._phone(p)
        city = "" if rng.random() < 0.1 else rng.choice(c.cities[p.city])
        nationality = "" if rng.random() < 0.05 else rng.choice(c.names)
        return {
            "given_name": given,
            "family_name": family,
            "date_of_birth": "" if rng.random() < 0.02 else self._date(p, repeat),
            "nationality": nationality,
            "passport_number": passport,
            "email": email,
            "phone": phone,
            "city": city,
        }


def generate_hostile(n: int, seed: int = 0) -> dict[str, list[str]]:
    """``n`` application rows as columns (input CSV columns plus ``person_id``)."""
    gen = _Generator(seed)
    rng = gen.rng
    rows: list[tuple[int, dict[str, str]]] = []
    while len(rows) < n:
        for person in gen.household():
            copies = gen._pick((1, 2, 3, 4), _COPIES)
            for k in range(copies):
                rows.append((person.pid, gen.render(person, repeat=k > 0)))
    rows = rows[:n]
    rng.shuffle(rows)
    columns: dict[str, list[str]] = {name: [] for name in COLUMNS}
    for k, (pid, values) in enumerate(rows):
        columns["id"].append(f"h{k:07d}")
        columns["person_id"].append(str(pid))
        for name, value in values.items():
            columns[name].append(value)
    return columns
