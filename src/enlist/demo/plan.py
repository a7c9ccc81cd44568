"""What the demo database holds, decided before anything is written. No Django.

The plan is pure data drawn from one ``random.Random(seed)``: the missions, and for every
application the person, the channel, the submission time, the documents and each later
stage change with the role that makes it and when. ``enlist.demo.generator`` then carries the
plan out through the real services, so the demo exercises the code production runs.

The shape follows ``shared/data/seed-facts.md``: volunteers from more than 52 countries,
weighted like the reported flows (the USA far ahead, then the UK, Canada, Poland, Georgia,
Sweden, Lithuania, Norway …), a rush in the first ten days after the legion was announced,
each volunteer contacting a Ukrainian mission in the country they live in. Belarus has no
mission here: no one could safely walk into one there, so Belarusians apply from Poland,
Lithuania or Georgia, as the Pahonia volunteers did.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import random
import string
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers

from enlist.accounts.roles import Role
from enlist.cases.workflow import Stage
from enlist.demo.names import pool_for
from enlist.matching.nicknames import GIVEN_NAME_GROUPS
from enlist.matching.transliterate import transliterations

DEFAULT_SEED = 20220227  # the day the legion was announced
WINDOW_DAYS = 42  # applications are spread over the six weeks before now
HOME_MISSION = "lt-vilnius"  # where the demo's clerk, attaché and consul work


# --------------------------------------------------------------------------------------------
# Missions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissionSpec:
    code: str
    kind: str  # "embassy" or "consulate"
    country: str  # ISO 3166-1 alpha-2
    country_name: str  # as it reads after "Embassy of Ukraine in …"
    city: str
    timezone: str  # IANA
    languages: tuple[str, ...]  # ISO 639-1, the local ones; "en" and "uk" are added
    weight: int = 0  # share of the country's applicants (0: embassy 3, consulate 2)

    @property
    def name(self) -> str:
        if self.kind == "embassy":
            return f"Embassy of Ukraine in {self.country_name}"
        return f"Consulate General of Ukraine in {self.city}"

    @property
    def all_languages(self) -> list[str]:
        return list(dict.fromkeys((*self.languages, "en", "uk")))

    @property
    def share(self) -> int:
        return self.weight or (3 if self.kind == "embassy" else 2)


def _embassy(code: str, country_name: str, city: str, tz: str, *langs: str, w: int = 0):
    return MissionSpec(code, "embassy", code[:2].upper(), country_name, city, tz, langs, w)


def _consulate(code: str, country_name: str, city: str, tz: str, *langs: str, w: int = 0):
    return MissionSpec(code, "consulate", code[:2].upper(), country_name, city, tz, langs, w)


MISSIONS: tuple[MissionSpec, ...] = (
    # North America
    _embassy("us-washington", "the United States", "Washington", "America/New_York", "en", w=30),
    _consulate("us-new-york", "the United States", "New York", "America/New_York", "en", w=30),
    _consulate("us-chicago", "the United States", "Chicago", "America/Chicago", "en", w=25),
    _consulate("us-san-francisco", "the United States", "San Francisco",
               "America/Los_Angeles", "en", w=15),
    _embassy("ca-ottawa", "Canada", "Ottawa", "America/Toronto", "en", "fr", w=25),
    _consulate("ca-toronto", "Canada", "Toronto", "America/Toronto", "en", "fr", w=40),
    _consulate("ca-edmonton", "Canada", "Edmonton", "America/Edmonton", "en", w=20),
    _consulate("ca-vancouver", "Canada", "Vancouver", "America/Vancouver", "en", w=15),
    _embassy("mx-mexico-city", "Mexico", "Mexico City", "America/Mexico_City", "es"),
    # British Isles
    _embassy("gb-london", "the United Kingdom", "London", "Europe/London", "en", w=80),
    _consulate("gb-edinburgh", "the United Kingdom", "Edinburgh", "Europe/London", "en", w=20),
    _embassy("ie-dublin", "Ireland", "Dublin", "Europe/Dublin", "en", "ga"),
    # Nordic and Baltic
    _embassy("se-stockholm", "Sweden", "Stockholm", "Europe/Stockholm", "sv"),
    _embassy("no-oslo", "Norway", "Oslo", "Europe/Oslo", "no"),
    _embassy("dk-copenhagen", "Denmark", "Copenhagen", "Europe/Copenhagen", "da"),
    _embassy("fi-helsinki", "Finland", "Helsinki", "Europe/Helsinki", "fi", "sv"),
    _embassy("ee-tallinn", "Estonia", "Tallinn", "Europe/Tallinn", "et"),
    _embassy("lv-riga", "Latvia", "Riga", "Europe/Riga", "lv"),
    _embassy("lt-vilnius", "Lithuania", "Vilnius", "Europe/Vilnius", "lt"),
    # Central Europe
    _embassy("pl-warsaw", "Poland", "Warsaw", "Europe/Warsaw", "pl", w=45),
    _consulate("pl-krakow", "Poland", "Kraków", "Europe/Warsaw", "pl", w=20),
    _consulate("pl-gdansk", "Poland", "Gdańsk", "Europe/Warsaw", "pl", w=15),
    _consulate("pl-lublin", "Poland", "Lublin", "Europe/Warsaw", "pl", w=20),
    _embassy("de-berlin", "Germany", "Berlin", "Europe/Berlin", "de", w=35),
    _consulate("de-munich", "Germany", "Munich", "Europe/Berlin", "de", w=20),
    _consulate("de-hamburg", "Germany", "Hamburg", "Europe/Berlin", "de", w=15),
    _consulate("de-frankfurt", "Germany", "Frankfurt am Main", "Europe/Berlin", "de", w=15),
    _consulate("de-dusseldorf", "Germany", "Düsseldorf", "Europe/Berlin", "de", w=15),
    _embassy("cz-prague", "the Czech Republic", "Prague", "Europe/Prague", "cs", w=70),
    _consulate("cz-brno", "the Czech Republic", "Brno", "Europe/Prague", "cs", w=30),
    _embassy("sk-bratislava", "Slovakia", "Bratislava", "Europe/Bratislava", "sk"),
    _embassy("at-vienna", "Austria", "Vienna", "Europe/Vienna", "de"),
    _embassy("ch-bern", "Switzerland", "Bern", "Europe/Zurich", "de", "fr", "it"),
    _embassy("hu-budapest", "Hungary", "Budapest", "Europe/Budapest", "hu"),
    _embassy("si-ljubljana", "Slovenia", "Ljubljana", "Europe/Ljubljana", "sl"),
    # Western and Southern Europe
    _embassy("fr-paris", "France", "Paris", "Europe/Paris", "fr"),
    _embassy("be-brussels", "Belgium", "Brussels", "Europe/Brussels", "nl", "fr", "de"),
    _embassy("nl-the-hague", "the Netherlands", "The Hague", "Europe/Amsterdam", "nl"),
    _embassy("pt-lisbon", "Portugal", "Lisbon", "Europe/Lisbon", "pt"),
    _embassy("es-madrid", "Spain", "Madrid", "Europe/Madrid", "es", w=60),
    _consulate("es-barcelona", "Spain", "Barcelona", "Europe/Madrid", "es", "ca", w=40),
    _embassy("it-rome", "Italy", "Rome", "Europe/Rome", "it", w=45),
    _consulate("it-milan", "Italy", "Milan", "Europe/Rome", "it", w=35),
    _consulate("it-naples", "Italy", "Naples", "Europe/Rome", "it", w=20),
    _embassy("gr-athens", "Greece", "Athens", "Europe/Athens", "el"),
    _embassy("hr-zagreb", "Croatia", "Zagreb", "Europe/Zagreb", "hr"),
    # South-eastern Europe, the Caucasus and Central Asia
    _embassy("ro-bucharest", "Romania", "Bucharest", "Europe/Bucharest", "ro"),
    _embassy("md-chisinau", "Moldova", "Chișinău", "Europe/Chisinau", "ro"),
    _embassy("bg-sofia", "Bulgaria", "Sofia", "Europe/Sofia", "bg"),
    _embassy("tr-ankara", "Türkiye", "Ankara", "Europe/Istanbul", "tr", w=40),
    _consulate("tr-istanbul", "Türkiye", "Istanbul", "Europe/Istanbul", "tr", w=60),
    _embassy("ge-tbilisi", "Georgia", "Tbilisi", "Asia/Tbilisi", "ka", w=80),
    _consulate("ge-batumi", "Georgia", "Batumi", "Asia/Tbilisi", "ka", w=20),
    _embassy("az-baku", "Azerbaijan", "Baku", "Asia/Baku", "az"),
    _embassy("am-yerevan", "Armenia", "Yerevan", "Asia/Yerevan", "hy"),
    _embassy("kz-astana", "Kazakhstan", "Astana", "Asia/Almaty", "kk", "ru"),
    # Middle East and Africa
    _embassy("il-tel-aviv", "Israel", "Tel Aviv", "Asia/Jerusalem", "he"),
    _embassy("eg-cairo", "Egypt", "Cairo", "Africa/Cairo", "ar"),
    _embassy("ma-rabat", "Morocco", "Rabat", "Africa/Casablanca", "ar", "fr"),
    _embassy("ng-abuja", "Nigeria", "Abuja", "Africa/Lagos", "en"),
    _embassy("ke-nairobi", "Kenya", "Nairobi", "Africa/Nairobi", "sw", "en"),
    _embassy("za-pretoria", "South Africa", "Pretoria", "Africa/Johannesburg", "en", "af"),
    # Asia and the Pacific
    _embassy("jp-tokyo", "Japan", "Tokyo", "Asia/Tokyo", "ja"),
    _embassy("kr-seoul", "the Republic of Korea", "Seoul", "Asia/Seoul", "ko"),
    _embassy("cn-beijing", "China", "Beijing", "Asia/Shanghai", "zh"),
    _embassy("in-new-delhi", "India", "New Delhi", "Asia/Kolkata", "hi", "en"),
    _embassy("id-jakarta", "Indonesia", "Jakarta", "Asia/Jakarta", "id"),
    _embassy("th-bangkok", "Thailand", "Bangkok", "Asia/Bangkok", "th"),
    _embassy("vn-hanoi", "Vietnam", "Hanoi", "Asia/Ho_Chi_Minh", "vi"),
    _embassy("au-canberra", "Australia", "Canberra", "Australia/Sydney", "en"),
    # South America
    _embassy("br-brasilia", "Brazil", "Brasília", "America/Sao_Paulo", "pt", w=60),
    _consulate("br-curitiba", "Brazil", "Curitiba", "America/Sao_Paulo", "pt", w=40),
    _embassy("ar-buenos-aires", "Argentina", "Buenos Aires",
             "America/Argentina/Buenos_Aires", "es"),
    _embassy("cl-santiago", "Chile", "Santiago", "America/Santiago", "es"),
    _embassy("pe-lima", "Peru", "Lima", "America/Lima", "es"),
)  # fmt: skip

MISSION_COUNTRIES = frozenset(m.country for m in MISSIONS)


# --------------------------------------------------------------------------------------------
# Who applies, and from where
# --------------------------------------------------------------------------------------------

# Relative weights, after the reported flows (seed-facts.md): about 3,000 from the USA of some
# 20,000 in the first ten days; then the UK, Canada, Poland, Georgia, Sweden, Norway, Lithuania;
# a handful from many others.
NATIONALITY_WEIGHTS: dict[str, int] = {
    "US": 300, "GB": 150, "CA": 120, "PL": 110, "GE": 90, "SE": 80, "NO": 60, "LT": 60,
    "DE": 50, "BY": 45, "FR": 40, "NL": 35, "BR": 35, "DK": 30, "LV": 30, "EE": 25, "FI": 25,
    "IT": 25, "AU": 20, "BE": 20, "CZ": 20, "IL": 20, "IN": 20, "MX": 20, "PT": 15, "ES": 15,
    "HR": 15, "IE": 15, "KR": 15, "RU": 15, "JP": 14, "CO": 12, "RO": 10, "SK": 10, "AR": 8,
    "AT": 8, "GR": 8, "MD": 8, "NZ": 8, "TR": 8, "ZA": 8, "AZ": 6, "BG": 6, "CH": 6, "CL": 6,
    "HU": 6, "ID": 6, "KZ": 6, "MA": 6, "PH": 6, "AM": 5, "NG": 5, "SI": 5, "SY": 5, "AL": 4,
    "EG": 4, "KE": 4, "PE": 4, "TH": 4, "VN": 4, "CN": 3, "EC": 3, "IS": 3, "LA": 3,
}  # fmt: skip

# Where people live whose own country has no mission here (or is unsafe to use).
LIVES_IN: dict[str, dict[str, int]] = {
    "BY": {"PL": 45, "LT": 35, "GE": 10, "CZ": 5, "DE": 5},  # Pahonia volunteers
    "RU": {"GE": 30, "PL": 20, "TR": 15, "DE": 10, "AT": 10, "FR": 10, "LT": 5},  # Chechens
    "SY": {"TR": 60, "DE": 40},
    "LA": {"TH": 70, "VN": 30},
    "IS": {"NO": 50, "DK": 50},
    "NZ": {"AU": 60, "GB": 40},
    "PH": {"US": 40, "JP": 30, "KR": 30},
    "EC": {"ES": 70, "US": 30},
    "CO": {"ES": 50, "US": 50},
    "AL": {"IT": 50, "GR": 50},
}
# Where people who live outside their own country tend to live.
ABROAD = {"DE": 3, "PL": 3, "GB": 2, "US": 2, "GE": 2, "LT": 1, "FR": 1, "NL": 1, "ES": 1,
          "IT": 1, "SE": 1, "CZ": 1}  # fmt: skip
LIVES_ABROAD_SHARE = 0.08

# Passport numbers: "A" a letter, "9" a digit, "X" either, anything else as written.
PASSPORT_FORMATS: dict[str, str] = {
    "US": "999999999", "GB": "999999999", "CA": "AA999999", "AU": "A9999999", "NZ": "AA999999",
    "IE": "AA9999999", "SE": "99999999", "DK": "999999999", "FI": "AA9999999",
    "EE": "K9999999", "LV": "LV9999999", "LT": "99999999", "PL": "AA9999999",
    "DE": "C9XXXXXXX", "FR": "99AA99999", "BE": "AA999999", "NL": "AAXXXXXX9", "PT": "A999999",
    "ES": "AAA999999", "IT": "YA9999999", "CZ": "99999999", "AT": "P9999999", "CH": "X9999999",
    "BG": "999999999", "HR": "999999999", "TR": "U99999999", "GE": "99AA99999",
    "AZ": "C99999999", "KZ": "N99999999", "IL": "99999999", "JP": "TK9999999", "KR": "M99999999",
    "CN": "E99999999", "IN": "Z9999999", "ID": "X9999999", "BR": "FA999999", "AR": "AAA999999",
    "MX": "G99999999", "BY": "MP9999999", "RU": "75 9999999", "PH": "P9999999A",
    "ZA": "A99999999", "EG": "A99999999", "NG": "A99999999",
}  # fmt: skip
DEFAULT_PASSPORT_FORMAT = "AA9999999"

EMAIL_DOMAINS = {"example.com": 35, "example.org": 20, "example.net": 20, "mail.example": 15,
                 "post.example": 10}  # fmt: skip

BRANCHES = {"army": 50, "airborne": 7, "marines": 7, "navy": 6, "air force": 6,
            "national guard": 6, "special forces": 4, "reserve": 5, "territorial defence": 3,
            "foreign legion": 3, "gendarmerie": 2}  # fmt: skip
RANKS_BY_SERVICE: tuple[tuple[int, tuple[str, ...]], ...] = (
    (3, ("private", "private first class", "lance corporal", "corporal")),
    (8, ("corporal", "sergeant", "staff sergeant", "specialist")),
    (15, ("sergeant", "staff sergeant", "sergeant first class", "warrant officer",
          "lieutenant", "captain")),
    (99, ("master sergeant", "sergeant major", "warrant officer", "captain", "major",
          "lieutenant colonel")),
)  # fmt: skip
SPECIALTIES = {"infantry": 30, "combat medic": 12, "machine gunner": 8, "sniper": 5,
               "anti-tank (ATGM)": 6, "mortar": 5, "artillery": 6, "combat engineer": 6,
               "explosive ordnance disposal": 3, "signals": 6, "drone operator": 4,
               "reconnaissance": 6, "driver": 7, "mechanic": 5, "logistics": 5,
               "military police": 3, "intelligence": 2, "air defence": 3, "tank crew": 3,
               "cook": 2}  # fmt: skip

CHANNEL_WEIGHTS = {"web": 45, "email": 20, "phone": 15, "walk_in": 12, "import": 8}
CLERK_CHANNELS = frozenset({"email", "phone", "walk_in"})  # recorded by the mission's clerk

# Reasons staff give; none names anyone.
REASONS: dict[str, tuple[str, ...]] = {
    "referred": (
        "No military experience: referred to humanitarian volunteering.",
        "No service record; pointed to humanitarian organisations.",
        "No military training; given the contacts of humanitarian agencies.",
    ),
    "rejected_interview": (
        "Interview: combat experience could not be confirmed.",
        "Interview: not recommended by the attaché.",
        "Interview: medical fitness concerns.",
        "Interview: documents inconsistent with the stated service.",
        "Interview: motivation unclear; not recommended.",
    ),
    "withdrawn": (
        "The applicant withdrew by email.",
        "The applicant withdrew: family reasons.",
        "No answer after three contact attempts.",
        "The applicant withdrew after reading the legal advisory.",
        "The applicant travelled on their own; closed here.",
    ),
    "duplicate": ("Duplicate of an earlier application; the earlier one continues.",),
    "on_hold": (
        "Waiting for discharge papers.",
        "Passport renewal in progress.",
        "Waiting for a medical certificate.",
        "The applicant asked to pause until their notice period ends.",
        "Security check pending.",
    ),
    "resume": (
        "Documents received; resuming.",
        "Passport renewed; resuming.",
        "The applicant is ready to continue.",
        "Security check cleared.",
    ),
}


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPlan:
    """One stage change: made by `role`, backdated to `at`."""

    to: Stage
    role: Role
    reason: str
    at: datetime.datetime
    pick: int  # chooses among several staff of the role


@dataclass(frozen=True)
class DocumentPlan:
    kind: str
    filename: str
    content_type: str
    uploaded_at: datetime.datetime
    by_clerk: bool  # False: the applicant uploaded it
    verification: str | None = None  # "verified" or "rejected" once checked
    verified_at: datetime.datetime | None = None
    verified_by: Role = Role.CLERK


@dataclass(frozen=True)
class ApplicationPlan:
    data: dict[str, Any]  # an ApplicationIn body
    mission: str
    channel: str
    submitted_at: datetime.datetime
    steps: tuple[StepPlan, ...]
    documents: tuple[DocumentPlan, ...]
    pick: int
    repeat: bool = False  # the same person applying again (a planted duplicate)

    @property
    def final_stage(self) -> Stage:
        return self.steps[-1].to if self.steps else Stage.SUBMITTED


@dataclass
class _Person:
    nationality: str
    residence: str
    given: tuple[str, str | None]
    family: tuple[str, str | None]
    date_of_birth: datetime.date
    email: str
    phone: str | None
    passport: str | None
    languages: list[str]
    experience: dict[str, Any]
    age: int


# What happens to an application, before "now" cuts its story short.
INTENTS = {
    "enlisted": 32, "submitted": 6, "screening": 9, "interview": 9, "visa": 8, "travel": 5,
    "arrived": 3, "rejected_interview": 7, "withdrawn": 7, "on_hold": 5, "resumed": 6,
}  # fmt: skip
# Every kind of story appears at least once, even in a small demo.
COVERAGE = (*INTENTS, "referred", "rejected_screening")

# Days each move takes after the previous one (low, high).
DELAYS: dict[Stage, tuple[float, float]] = {
    Stage.SCREENING: (0.1, 3.0),
    Stage.INTERVIEW: (1.0, 6.0),
    Stage.VISA: (1.0, 6.0),
    Stage.TRAVEL: (2.0, 8.0),
    Stage.ARRIVED: (1.0, 4.0),
    Stage.ENLISTED: (0.3, 3.0),
    Stage.REFERRED: (0.5, 4.0),
    Stage.REJECTED: (0.5, 4.0),
    Stage.WITHDRAWN: (0.5, 7.0),
    Stage.ON_HOLD: (0.5, 5.0),
}
RESUME_DELAY = (2.0, 10.0)
ARRIVAL_REASON = "Checked in at the meeting point; arrival list signed by reception."

# Who usually makes each move (every role listed here is allowed by the workflow table).
MOVERS: dict[Stage, dict[Role, int]] = {
    Stage.SCREENING: {Role.CLERK: 9, Role.HQ: 1},
    Stage.INTERVIEW: {Role.CLERK: 6, Role.ATTACHE: 4},
    Stage.REFERRED: {Role.CLERK: 7, Role.ATTACHE: 3},
    Stage.REJECTED: {Role.ATTACHE: 9, Role.HQ: 1},
    Stage.VISA: {Role.ATTACHE: 1, Role.CONSUL: 1},
    Stage.TRAVEL: {Role.CONSUL: 1},
    # Reception usually checks in; the demo builds without packets (packets_deferred), so no
    # check-in code exists to use, and HQ records the arrival with a reason (see _steps).
    Stage.ARRIVED: {Role.RECEPTION: 9, Role.HQ: 1},
    Stage.ENLISTED: {Role.HQ: 1},
    Stage.WITHDRAWN: {Role.CLERK: 9, Role.HQ: 1},
    Stage.ON_HOLD: {Role.ATTACHE: 85, Role.HQ: 15},
}
RESUMERS = {Role.ATTACHE: 85, Role.HQ: 15}
MISSION_HOURS = (8, 20)  # mission staff act between 08:00 and 20:00 local time


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _ascii(text: str) -> str:
    special = {"ß": "ss", "ø": "o", "æ": "ae", "ł": "l", "đ": "d", "ı": "i", "ə": "e",
               "þ": "th", "ð": "d", "œ": "oe"}  # fmt: skip
    text = "".join(special.get(ch, ch) for ch in text.lower())
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch in string.ascii_lowercase + string.digits)


def _fill(rng: random.Random, pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "A":
            out.append(rng.choice(string.ascii_uppercase))
        elif ch == "9":
            out.append(rng.choice(string.digits))
        elif ch == "X":
            out.append(rng.choice(string.ascii_uppercase + string.digits))
        else:
            out.append(ch)
    return "".join(out)


@functools.cache
def _example_mobile(region: str) -> phonenumbers.PhoneNumber | None:
    return phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)


def phone_for(rng: random.Random, region: str) -> str | None:
    """A mobile number of `region`: its example number with the last four digits varied."""
    example = _example_mobile(region)
    if example is None:
        return None
    national = phonenumbers.national_significant_number(example)
    for _ in range(10):
        digits = national[:-4] + "".join(rng.choice(string.digits) for _ in range(4))
        number = phonenumbers.PhoneNumber(
            country_code=example.country_code,
            national_number=int(digits),
            italian_leading_zero=example.italian_leading_zero,
        )
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return None


def _age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Planner:
    """Draws the whole demo from one seed; `plan(count)` returns it sorted by submission."""

    def __init__(self, *, seed: int, now: datetime.datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        self.rng = random.Random(seed)  # nosec B311  # seeded demo data, not a secret
        self.seed = seed
        self.now = now
        self.missions_in: dict[str, list[MissionSpec]] = {}
        for mission in MISSIONS:
            self.missions_in.setdefault(mission.country, []).append(mission)
        self.zones = {m.code: ZoneInfo(m.timezone) for m in MISSIONS}
        self.emails: set[str] = set()
        self.passports: set[str] = set()

    # -- people -------------------------------------------------------------------------------

    def _residence(self, nationality: str) -> str:
        if nationality in LIVES_IN:
            return _weighted(self.rng, LIVES_IN[nationality])
        if self.rng.random() < LIVES_ABROAD_SHARE:
            options = {c: w for c, w in ABROAD.items() if c != nationality}
            return _weighted(self.rng, options)
        return nationality

    def _date_of_birth(self, on: datetime.date, *, out_of_range: bool) -> datetime.date:
        rng = self.rng
        if out_of_range:
            years = rng.uniform(17.05, 17.95) if rng.random() < 0.6 else rng.uniform(61.1, 67.9)
        else:
            years = min(max(rng.gauss(33.0, 7.5), 19.2), 58.8)
        return on - datetime.timedelta(days=round(years * 365.2425))

    def _email(self, given: str, family: str, born: datetime.date) -> str:
        rng = self.rng
        g, f = _ascii(given) or "volunteer", _ascii(family) or "applicant"
        patterns = (
            f"{g}.{f}",
            f"{g[0]}.{f}",
            f"{g}{f}{born.year % 100:02d}",
            f"{f}.{g}",
            f"{g}_{f}",
            f"{f}{g[0]}{rng.randint(1, 99)}",
        )
        local = rng.choice(patterns)
        domain = _weighted(rng, EMAIL_DOMAINS)
        email = f"{local}@{domain}"
        while email in self.emails:
            email = f"{local}{rng.randint(2, 999)}@{domain}"
        self.emails.add(email)
        return email

    def _passport(self, nationality: str) -> str:
        pattern = PASSPORT_FORMATS.get(nationality, DEFAULT_PASSPORT_FORMAT)
        number = _fill(self.rng, pattern)
        while number in self.passports:
            number = _fill(self.rng, pattern)
        self.passports.add(number)
        return number

    def _experience(self, age: int, *, none: bool) -> dict[str, Any]:
        rng = self.rng
        if none:
            return {"years": 0, "branch": None, "last_rank": None, "combat_deployments": 0,
                    "peacekeeping": False, "specialties": []}  # fmt: skip
        band = rng.random()
        if band < 0.35:
            years = rng.randint(1, 4)
        elif band < 0.75:
            years = rng.randint(4, 10)
        else:
            years = rng.randint(10, 25)
        years = max(1, min(years, age - 17))
        rank = next(r for limit, r in RANKS_BY_SERVICE if years < limit)
        deployments = 0 if rng.random() < 0.45 else rng.randint(1, min(years // 2 + 1, 8))
        specialties = {_weighted(rng, SPECIALTIES) for _ in range(rng.choice((1, 1, 2, 2, 3)))}
        return {
            "years": years,
            "branch": _weighted(rng, BRANCHES),
            "last_rank": rng.choice(rank),
            "combat_deployments": deployments,
            "peacekeeping": rng.random() < 0.12,
            "specialties": sorted(specialties),
        }

    def _languages(self, nationality: str, residence: str) -> list[str]:
        rng = self.rng
        own = list(pool_for(nationality).languages)
        languages = own[:1] + [lang for lang in own[1:2] if rng.random() < 0.4]
        if rng.random() < 0.7:
            languages.append("en")
        if residence != nationality and rng.random() < 0.5:
            languages.extend(pool_for(residence).languages[:1])
        if rng.random() < 0.05:
            languages.append("uk")
        return list(dict.fromkeys(languages))[:10]

    def person(
        self, nationality: str, on: datetime.date, *, out_of_range: bool, inexperienced: bool
    ) -> _Person:
        rng = self.rng
        pool = pool_for(nationality)
        given, family = rng.choice(pool.given), rng.choice(pool.family)
        residence = self._residence(nationality)
        born = self._date_of_birth(on, out_of_range=out_of_range)
        age = _age_on(born, on)
        return _Person(
            nationality=nationality,
            residence=residence,
            given=given,
            family=family,
            date_of_birth=born,
            email=self._email(given[0], family[0], born),
            phone=phone_for(rng, residence),
            passport=self._passport(nationality),
            languages=self._languages(nationality, residence),
            experience=self._experience(age, none=inexperienced),
            age=age,
        )

    # -- time ---------------------------------------------------------------------------------

    def _submitted_at(self, *, early: bool) -> datetime.datetime:
        rng = self.rng
        if early:
            days_ago = rng.uniform(36.0, WINDOW_DAYS)
        elif rng.random() < 0.45:  # the rush of the first ten days
            days_ago = rng.uniform(WINDOW_DAYS - 11, WINDOW_DAYS)
        else:  # then a steady stream, thinning out
            days_ago = (WINDOW_DAYS - 11) * rng.random() ** 0.5
        return self.now - datetime.timedelta(days=days_ago)

    def _office_hours(self, at: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
        local = at.astimezone(tz)
        opens, closes = MISSION_HOURS
        if local.hour < opens:
            local = local.replace(hour=opens, minute=self.rng.randrange(60))
        elif local.hour >= closes:
            tomorrow = local + datetime.timedelta(days=1)
            local = tomorrow.replace(hour=opens, minute=self.rng.randrange(60))
        return local.astimezone(datetime.UTC)

    def _after(
        self, previous: datetime.datetime, delay: tuple[float, float], role: Role, tz: ZoneInfo
    ) -> datetime.datetime:
        at = previous + datetime.timedelta(days=self.rng.uniform(*delay), minutes=10)
        if role in (Role.CLERK, Role.ATTACHE, Role.CONSUL):
            at = self._office_hours(at, tz)
        return at

    # -- stories ------------------------------------------------------------------------------

    def _moves(self, intent: str) -> list[tuple[Stage, str]]:
        """The stage changes of a story, as (target, reason kind); "" needs no reason."""
        rng = self.rng
        pipeline = [Stage.SCREENING, Stage.INTERVIEW, Stage.VISA, Stage.TRAVEL,
                    Stage.ARRIVED, Stage.ENLISTED]  # fmt: skip
        if intent in ("submitted",):
            return []
        if intent in ("screening", "interview", "visa", "travel", "arrived", "enlisted"):
            return [(s, "") for s in pipeline[: pipeline.index(Stage(intent)) + 1]]
        if intent == "referred":
            return [(Stage.SCREENING, ""), (Stage.REFERRED, "referred")]
        if intent == "rejected_screening":
            return [(Stage.SCREENING, ""), (Stage.REJECTED, "age")]
        if intent == "rejected_interview":
            return [(Stage.SCREENING, ""), (Stage.INTERVIEW, ""),
                    (Stage.REJECTED, "rejected_interview")]  # fmt: skip
        if intent in ("withdrawn", "duplicate"):
            reached = rng.choices(range(5), weights=(30, 25, 20, 15, 10))[0]
            return [(s, "") for s in pipeline[:reached]] + [(Stage.WITHDRAWN, intent)]
        held_at = rng.choices(range(4), weights=(10, 35, 35, 20))[0]
        moves = [(s, "") for s in pipeline[:held_at]] + [(Stage.ON_HOLD, "on_hold")]
        if intent == "on_hold":
            return moves
        resumed_to = pipeline[held_at - 1] if held_at else Stage.SUBMITTED
        moves.append((resumed_to, "resume"))
        go_on = rng.choices(range(held_at, 6), k=1)[0] if rng.random() < 0.4 else 5
        return moves + [(s, "") for s in pipeline[held_at : go_on + 1]]

    def _steps(
        self, intent: str, person: _Person, mission: MissionSpec, start: datetime.datetime
    ) -> tuple[StepPlan, ...]:
        rng = self.rng
        tz = self.zones[mission.code]
        steps: list[StepPlan] = []
        at = start
        cutoff = self.now - datetime.timedelta(minutes=5)
        for target, why in self._moves(intent):
            if why == "resume":
                role, delay = _weighted(rng, RESUMERS), RESUME_DELAY
            else:
                role, delay = _weighted(rng, MOVERS[target]), DELAYS[target]
            at = self._after(at, delay, role, tz)
            if at > cutoff:
                break
            if why == "age":
                reason = f"Aged {person.age} at application: outside the accepted 18–60."
            elif why:
                reason = rng.choice(REASONS[why])
            elif target == Stage.ARRIVED:
                reason = ARRIVAL_REASON
            else:
                reason = ""
            if target == Stage.ARRIVED:
                role = Role.HQ  # the workflow's override row (timing kept from the pick above)
            steps.append(StepPlan(target, role, reason, at, rng.randrange(1000)))
        return tuple(steps)

    def _documents(
        self, person: _Person, channel: str, submitted: datetime.datetime, steps: Sequence[StepPlan]
    ) -> tuple[DocumentPlan, ...]:
        rng = self.rng
        stages = {s.to for s in steps}
        past_screening = bool(stages & {Stage.INTERVIEW, Stage.VISA, Stage.TRAVEL})
        if not rng.random() < (0.9 if past_screening else 0.45):
            return ()
        kinds = []
        if rng.random() < 0.75:
            kinds.append("passport")
        if person.experience["years"] > 0 and rng.random() < 0.9:
            kinds.append(rng.choices(("military_id", "discharge_papers", "service_record"),
                                     weights=(4, 4, 2))[0])  # fmt: skip
        if rng.random() < 0.15:
            kinds.append("medical")
        screening = next((i for i, s in enumerate(steps) if s.to == Stage.SCREENING), None)
        screening_at = after_screening = None
        if screening is not None:
            screening_at = steps[screening].at
            if screening + 1 < len(steps):
                after_screening = steps[screening + 1].at
        limit = screening_at or min(submitted + datetime.timedelta(days=2), self.now)
        documents = []
        for kind in kinds:
            uploaded = submitted + (limit - submitted) * rng.uniform(0.05, 0.95)
            verification = verified_at = None
            if screening_at is not None and (past_screening or rng.random() < 0.5):
                end = after_screening or self.now
                verified_at = screening_at + (end - screening_at) * rng.uniform(0.1, 0.9)
                verification = "verified" if rng.random() < 0.96 else "rejected"
            content_type = "image/png" if rng.random() < 0.3 else "application/pdf"
            documents.append(
                DocumentPlan(
                    kind=kind,
                    filename=_filename(rng, kind, person.nationality, content_type),
                    content_type=content_type,
                    uploaded_at=uploaded,
                    by_clerk=channel != "web",
                    verification=verification,
                    verified_at=verified_at,
                    verified_by=Role.CLERK if rng.random() < 0.7 else Role.ATTACHE,
                )
            )
        return tuple(documents)

    def _mission(self, residence: str, *, avoid: str | None = None) -> MissionSpec:
        options = self.missions_in[residence]
        if avoid and len(options) > 1 and self.rng.random() < 0.6:
            options = [m for m in options if m.code != avoid]
        return self.rng.choices(options, weights=[m.share for m in options])[0]

    def _body(self, person: _Person, mission: MissionSpec, channel: str) -> dict[str, Any]:
        rng = self.rng
        web = channel == "web"
        return {
            "given_name": person.given[0],
            "family_name": person.family[0],
            "given_name_native": person.given[1],
            "family_name_native": person.family[1],
            "date_of_birth": person.date_of_birth,
            "nationality": person.nationality,
            "residence_country": person.residence,
            "email": person.email,
            "phone": None if web and rng.random() < 0.1 else person.phone,
            "passport_number": None if web and rng.random() < 0.15 else person.passport,
            "mission": mission.code,
            "languages": person.languages,
            "military_experience": person.experience,
            "consent": True,
            "legal_advisory_acknowledged": True,
        }

    def plan(self, count: int) -> list[ApplicationPlan]:
        plans = list(self.stream(count))
        plans.sort(key=lambda p: p.submitted_at)
        return plans

    def stream(self, count: int, *, remembered: int | None = None) -> Iterator[ApplicationPlan]:
        """The same applications as `plan`, one at a time and in drawing order (not sorted).

        `remembered` bounds how many earlier people a repeat application may be drawn from
        (None: all of them), so that a million-application build keeps memory flat; the
        planted repeats then come back within the last `remembered` applications.
        """
        rng = self.rng
        nationalities = sorted(NATIONALITY_WEIGHTS)
        rng.shuffle(nationalities)
        channels = list(CHANNEL_WEIGHTS)
        people: list[tuple[_Person, str]] = []
        for i in range(count):
            yield self._one(i, nationalities, channels, people)
            if remembered is not None and len(people) > 2 * remembered:
                del people[:-remembered]

    def _one(
        self,
        i: int,
        nationalities: Sequence[str],
        channels: Sequence[str],
        people: list[tuple[_Person, str]],
    ) -> ApplicationPlan:
        rng = self.rng
        forced = COVERAGE[i] if i < len(COVERAGE) else None
        channel = channels[i % len(channels)] if i < len(channels) else None
        channel = channel or _weighted(rng, CHANNEL_WEIGHTS)
        submitted = self._submitted_at(early=forced is not None)
        repeat = i >= 100 and rng.random() < 0.015
        if repeat:
            person, earlier_mission = rng.choice(people)
            mission = self._mission(person.residence, avoid=earlier_mission)
            intent = "duplicate" if rng.random() < 0.5 else _weighted(rng, INTENTS)
            # Its own generator: the rest of the plan stays as it was before retyping.
            typed_as = retyped(person, random.Random(self.seed * 100_003 + i))  # nosec B311  # seeded demo data, not a secret
        else:
            if i < len(nationalities):
                nationality = nationalities[i]
            else:
                nationality = _weighted(rng, NATIONALITY_WEIGHTS)
            out_of_range = forced == "rejected_screening" if forced else rng.random() < 0.025
            inexperienced = forced == "referred" if forced else rng.random() < 0.08
            person = self.person(
                nationality,
                submitted.date(),
                out_of_range=out_of_range,
                inexperienced=inexperienced,
            )
            mission = self._mission(person.residence)
            if forced:
                intent = forced
            elif out_of_range:
                intent = "rejected_screening" if rng.random() < 0.9 else "withdrawn"
            elif inexperienced:
                intent = "referred" if rng.random() < 0.85 else "withdrawn"
            else:
                intent = _weighted(rng, INTENTS)
        if channel in CLERK_CHANNELS:
            submitted = self._office_hours(submitted, self.zones[mission.code])
            submitted = min(submitted, self.now - datetime.timedelta(minutes=30))
        people.append((person, mission.code))
        steps = self._steps(intent, person, mission, submitted)
        return ApplicationPlan(
            data=self._body(typed_as if repeat else person, mission, channel),
            mission=mission.code,
            channel=channel,
            submitted_at=submitted,
            steps=steps,
            documents=self._documents(person, channel, submitted, steps),
            pick=rng.randrange(1000),
            repeat=repeat,
        )


def _respelt_given(name: str, rng: random.Random) -> str | None:
    """Another form of the same given name (Oleksandr: Aleksandr, Alexander, Sasha ...)."""
    for line in GIVEN_NAME_GROUPS:
        forms = line.split()
        if name.lower() in forms:
            others = [f for f in forms if f != name.lower()]
            return rng.choice(others).capitalize() if others else None
    return None


def _respelt_family(name: str, native: str | None, rng: random.Random) -> str:
    """The surname through another transliteration of its native spelling, if it has one."""
    if not native:
        return name
    others = [t for t in transliterations(native) if t.isascii() and t != name.lower()]
    return rng.choice(others).capitalize() if others else name


def _national_phone(phone: str | None, residence: str) -> str | None:
    if not phone:
        return phone
    try:
        parsed = phonenumbers.parse(phone, residence)
    except phonenumbers.NumberParseException:
        return phone
    if phonenumbers.region_code_for_number(parsed) != residence:
        return phone  # a foreign number keeps its country code
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def retyped(person: _Person, rng: random.Random) -> _Person:
    """The same volunteer writing himself down a second time, at another desk: another
    transliteration or form of his names, sometimes only in Latin, the phone the local way,
    often another email address and no passport number. The matching must still find him."""
    given, given_native = person.given
    family, family_native = person.family
    if rng.random() < 0.6:
        given = _respelt_given(given, rng) or given
    if rng.random() < 0.6:
        family = _respelt_family(family, family_native, rng)
    if rng.random() < 0.4:
        given_native = family_native = None
    email = person.email
    if rng.random() < 0.5:
        user, _, domain = email.partition("@")
        email = f"{user}{rng.randrange(10, 99)}@{domain}"
    return dataclasses.replace(
        person,
        given=(given, given_native),
        family=(family, family_native),
        email=email,
        phone=_national_phone(person.phone, person.residence),
        passport=None if rng.random() < 0.4 else person.passport,
    )


_FILENAMES = {
    "passport": ("passport", "passport-scan", "IMG_{n}", "scan{n}"),
    "military_id": ("military-id", "IMG_{n}", "id-card"),
    "discharge_papers": ("discharge", "discharge-papers", "scan{n}"),
    "service_record": ("service-record", "records", "scan{n}"),
    "medical": ("medical-certificate", "IMG_{n}"),
}


def _filename(rng: random.Random, kind: str, nationality: str, content_type: str) -> str:
    """A file name as people send them: generic, never naming anyone."""
    if kind == "discharge_papers" and nationality == "US" and rng.random() < 0.7:
        stem = "DD214"  # the US certificate of release or discharge
    else:
        stem = rng.choice(_FILENAMES[kind]).format(n=rng.randrange(1000, 9999))
    return f"{stem}.png" if content_type == "image/png" else f"{stem}.pdf"


def plan_demo(*, count: int, seed: int, now: datetime.datetime) -> list[ApplicationPlan]:
    """The demo's applications, the same for the same seed (and the same `now`)."""
    return Planner(seed=seed, now=now).plan(count)


__all__ = [
    "DEFAULT_SEED",
    "HOME_MISSION",
    "MISSIONS",
    "ApplicationPlan",
    "DocumentPlan",
    "MissionSpec",
    "StepPlan",
    "plan_demo",
]
