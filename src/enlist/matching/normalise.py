"""Normal forms of the fields compared by the matching engine. Pure, cached, never raise.

- Names: any script to Latin (``transliterate``), diacritics folded, punctuation dropped;
  ``name_key`` is a phonetic key under which spelling systems agree (Serhii / Sergei /
  Sergej / Сергій share "sergi"); ``name_canon`` also maps a given name to its group in
  ``nicknames`` (Olexandr / Aleksandr / Alexander / Sasha share the canonical key).
- Dates: ``parse_date`` reads ISO, day-first, compact, partial and two-digit-year forms into
  a ``PartialDate`` whose unknown parts are 0. Comparison copes with day/month swaps.
- Phones: E.164 when the number carries its country code or the region (nationality or
  residence) supplies it; else its digits.
- Emails: case folded; for providers that ignore them, dots and ``+tags`` in the local part.
- Passports: case, spacing and the look-alike characters O/0, I/1, S/5, B/8 folded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from enlist.matching.nicknames import GIVEN_NAME_GROUPS
from enlist.matching.transliterate import transliterate, transliterations
from enlist.vault.normalise import fold_diacritics
from enlist.vault.normalise import normalise_passport as _strip_passport
from enlist.vault.normalise import normalise_phone as _phone_e164_slow

_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_HYPHENS = re.compile(r"[\-‐‑‒–—_/]")

# Digraphs first, longest first; capitals are placeholders for single sounds.
_DIGRAPHS = (
    ("schtsch", "S"), ("shch", "S"), ("tsch", "C"), ("sch", "S"), ("tch", "C"), ("ch", "C"),
    ("sh", "S"), ("sz", "S"), ("cz", "C"), ("zh", "Z"), ("kh", "H"), ("ts", "C"), ("tz", "C"),
    ("dzh", "J"), ("ph", "f"), ("th", "t"), ("ck", "k"), ("gh", "g"), ("x", "ks"), ("q", "k"),
    ("w", "v"), ("c", "k"),
)  # fmt: skip
_SINGLE = str.maketrans({"h": "g", "j": "i", "y": "i", "H": "h", "S": "s", "C": "c", "Z": "z",
                         "J": "j"})  # fmt: skip
_DOUBLE = re.compile(r"(.)\1+")
_ENDINGS = re.compile(r"(?:ei|ii|ie|ai)$")


_DIGRAPH_SOUNDS = dict(_DIGRAPHS)
# Longest first, so "shch" wins over "sh" and "ch"; one left-to-right pass.
_DIGRAPH = re.compile("|".join(sorted(map(re.escape, _DIGRAPH_SOUNDS), key=len, reverse=True)))


def _token_key(token: str) -> str:
    token = _DIGRAPH.sub(lambda m: _DIGRAPH_SOUNDS[m.group()], token)
    token = token.translate(_SINGLE)
    token = _DOUBLE.sub(r"\1", token)
    if len(token) > 3:
        token = _ENDINGS.sub("i", token)
        if token.startswith("ie") or token.startswith("ia") and token[2:3] == "e":
            token = token[1:]
    return token


@lru_cache(maxsize=500_000)
def name_tokens(value: str) -> tuple[str, ...]:
    """Latin, lower-case, diacritic-free words of a name in any script."""
    text = _HYPHENS.sub(" ", value)
    text = transliterate(text) if text.isascii() else fold_diacritics(transliterate(text))
    text = text.lower()
    text = _NOT_LETTER.sub("", text)
    return tuple(_SPACES.sub(" ", text).split())


@lru_cache(maxsize=500_000)
def name_key(value: str) -> str:
    """Phonetic key of a name: spelling systems and doubled letters do not matter."""
    return " ".join(_token_key(t) for t in name_tokens(value))


def _build_groups() -> dict[str, str]:
    groups: dict[str, str] = {}
    for line in GIVEN_NAME_GROUPS:
        forms = line.split()
        canonical = _token_key(forms[0])
        for form in forms:
            groups.setdefault(_token_key(form), canonical)
    return groups


_GROUPS = _build_groups()


@lru_cache(maxsize=500_000)
def name_canon(value: str) -> str:
    """``name_key`` with each word replaced by its name group (Sasha, Aleksandr -> oleksandr)."""
    return " ".join(_GROUPS.get(t, t) for t in name_key(value).split())


def same_name_group(a: str, b: str) -> bool:
    return bool(a) and name_canon(a) == name_canon(b)


def name_variants(value: str) -> frozenset[str]:
    """Latin spellings of a name: its transliterations and the forms of its name group.

    "Олександр" gives oleksandr, aleksandr, alexander, alexandr, ...; "Сергій" gives serhii,
    sergii, sergei, sergey, ...; "გიორგი" gives giorgi, georgi, ...
    """
    words = value.split()
    if len(words) != 1:
        return frozenset(" ".join(name_tokens(s)) for s in transliterations(value))
    spellings = {"".join(name_tokens(s)) for s in transliterations(value)}
    canon = name_canon(value)
    # The name group's forms, and the Russian/Ukrainian spellings the key unites.
    for line in GIVEN_NAME_GROUPS:
        forms = line.split()
        if _token_key(forms[0]) == canon:
            spellings.update(forms)
    key = name_key(value)
    for spelling in list(spellings):
        for a, b in (("ii", "ei"), ("ii", "ey"), ("h", "g"), ("y", "i")):
            if a in spelling:
                candidate = spelling.replace(a, b)
                if name_key(candidate) == key:
                    spellings.add(candidate)
    return frozenset(s for s in spellings if s)


def split_full_name(given: str, family: str) -> tuple[str, str]:
    """A whole name typed into one field becomes given + family (last word is the family)."""
    if given and not family:
        words = given.split()
        if len(words) >= 2:
            return " ".join(words[:-1]), words[-1]
    if family and not given:
        words = family.split()
        if len(words) >= 2:
            return " ".join(words[1:]), words[0]
    return given, family


# -- dates -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of birth with unknown parts set to 0 (year 0: nothing usable)."""

    year: int = 0
    month: int = 0
    day: int = 0


_NO_DATE = PartialDate()
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            "jan january січ січня янв января",
            "feb february лют лютого фев февраля",
            "mar march бер березня мар марта",
            "apr april кві квітня апр апреля",
            "may трав травня мая май",
            "jun june чер червня июн июня",
            "jul july лип липня июл июля",
            "aug august сер серпня авг августа",
            "sep sept september вер вересня сен сентября",
            "oct october жов жовтня окт октября",
            "nov november лис листопада ноя ноября",
            "dec december гру грудня дек декабря",
        )  # fmt: skip
    )
    for name in names.split()
}
_DATE_PARTS = re.compile(r"\d+|[^\W\d_]+")


def _year(value: int, digits: int) -> int:
    if digits == 2:
        return 1900 + value if value > 30 else 2000 + value
    return value if 1900 <= value <= 2030 else 0


def _valid(year: int, month: int, day: int) -> PartialDate:
    if not (0 <= month <= 12 and 0 <= day <= 31) or not year:
        return _NO_DATE if not year else PartialDate(year)
    return PartialDate(year, month, day)


@lru_cache(maxsize=200_000)
def parse_date(value: str) -> PartialDate:
    """Read a date of birth however it was written; unknown parts are 0.

    ISO "1990-04-17", day-first "17.04.1990" / "17/04/90", month-first when the day cannot be
    a month ("04/17/1990"), compact "19900417", month names "17 Apr 1990", partial "1990-04"
    and "1990". Day/month ambiguity is left to comparison, which treats a swap as near-agreement.
    """
    parts = _DATE_PARTS.findall(value.strip().lower())
    if not parts:
        return _NO_DATE
    if len(parts) == 1 and parts[0].isdigit():
        digits = parts[0]
        if len(digits) == 8:
            # Year first when the first four digits are a year, else day first; a year
            # outside the range is no date, as it would be written with separators.
            if year := _year(int(digits[:4]), 4):
                return _valid(year, int(digits[4:6]), int(digits[6:]))
            return _valid(_year(int(digits[4:]), 4), int(digits[2:4]), int(digits[:2]))
        if len(digits) == 4:
            return _valid(_year(int(digits), 4), 0, 0)
        if len(digits) == 6:
            return _valid(_year(int(digits[4:]), 2), int(digits[2:4]), int(digits[:2]))
        return _NO_DATE
    numbers: list[tuple[int, int]] = []  # (value, digit count); month names count as 2 digits
    month_from_name = 0
    for part in parts:
        if part.isdigit():
            numbers.append((int(part), len(part)))
        elif part in _MONTHS:
            month_from_name = _MONTHS[part]
    if month_from_name:
        year = next((_year(v, n) for v, n in numbers if n == 4), 0)
        day = next((v for v, n in numbers if n <= 2), 0)
        if not year and len(numbers) == 2:
            year = _year(numbers[1][0], numbers[1][1])
        return _valid(year, month_from_name, day)
    if len(numbers) == 3:
        (a, na), (b, _nb), (c, nc) = numbers
        if na == 4:
            return _valid(_year(a, 4), b, c)
        year = _year(c, nc)
        if a <= 12 < b:
            return _valid(year, a, b)
        return _valid(year, b, a)
    if len(numbers) == 2:
        (a, na), (b, nb) = numbers
        if na == 4:
            return _valid(_year(a, 4), b, 0)
        if nb == 4:
            return _valid(_year(b, 4), a, 0)
    return _NO_DATE


# -- countries, phones, emails, passports ----------------------------------------------------


@lru_cache(maxsize=4096)
def country_code(value: str) -> str:
    """ISO 3166 alpha-2 of a code, alpha-3 code or English name; "" when unknown."""
    text = value.strip()
    if not text:
        return ""
    import pycountry

    upper = text.upper()
    try:
        if len(upper) == 2:
            country = pycountry.countries.get(alpha_2=upper)
        elif len(upper) == 3:
            country = pycountry.countries.get(alpha_3=upper)
        else:
            country = pycountry.countries.lookup(text)
    except LookupError:
        return ""
    return country.alpha_2 if country else ""


_NON_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class _Dialling:
    """How a region's national numbers are dialled: calling code, the trunk prefixes in use
    (``phonenumbers``' prefix for parsing: "[08]" for Lithuania, where the old trunk 8 is
    still written beside the new 0; "0|80?" for Belarus) and the shape of a national number.
    """

    code: str
    trunk: re.Pattern[str] | None
    national: re.Pattern[str] | None


@lru_cache(maxsize=512)
def _dialling(region: str) -> _Dialling | None:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.country_code is None:
        return None
    prefix = metadata.national_prefix_for_parsing or metadata.national_prefix or ""
    trunk = re.compile(f"(?:{prefix})") if prefix else None
    general = metadata.general_desc.national_number_pattern if metadata.general_desc else None
    return _Dialling(str(metadata.country_code), trunk, re.compile(general) if general else None)


def _national_to_e164(digits: str, region: str) -> str:
    """A national number as E.164: the region's calling code, without the trunk prefix.

    This is what ``phonenumbers.parse`` does for the usual case, at a hundredth of the cost
    (the prefix is dropped unless that turns a well-formed national number into one that is
    not); numbers too short for that, and numbers whose prefix carries a carrier code or a
    rewrite (Argentina's 15, Brazil's carrier), go through ``phonenumbers`` itself.
    """
    dialling = _dialling(region)
    if dialling is None or len(digits) < 7:
        return _phone_e164_slow(digits, region=region or None)
    found = dialling.trunk.match(digits) if dialling.trunk is not None else None
    if found and any(group is not None for group in found.groups()):
        # A carrier code, or a local number that the region's rule rewrites.
        return _phone_e164_slow(digits, region=region)
    if found and found.end():
        rest = digits[found.end() :]
        shape = dialling.national
        if shape is None or shape.fullmatch(rest) or not shape.fullmatch(digits):
            digits = rest
    return f"+{dialling.code}{digits}"


def normalise_phone(value: str, *, region: str = "") -> str:
    """E.164 ("+380671234567") when the country is known; else the bare digits."""
    raw = value.strip()
    if not raw:
        return ""
    digits = _NON_DIGIT.sub("", raw)
    if len(digits) < 5:
        return ""
    if raw.startswith("+"):
        if "(0)" in raw:  # "+44 (0)20 ...": the trunk zero is not dialled internationally
            digits = _NON_DIGIT.sub("", raw.replace("(0)", ""))
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if region:
        if region not in phonenumbers.SUPPORTED_REGIONS:
            return digits
        e164 = _national_to_e164(digits, region)
        return e164 if e164.startswith("+") else digits
    return digits


# Providers that deliver "a.b+tag@" to "ab@" (dots and tags ignored) or only strip tags.
_DOTS_AND_TAGS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}
_TAGS_ONLY = frozenset(
    {"outlook.com", "hotmail.com", "live.com", "icloud.com", "me.com", "protonmail.com",
     "proton.me", "pm.me", "fastmail.com", "yahoo.com", "ukr.net"}
)  # fmt: skip


@lru_cache(maxsize=65_536)
def normalise_email(value: str) -> str:
    """Case-folded address; dots and ``+tags`` dropped where the provider ignores them."""
    address = value.strip().casefold()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        return ""
    if domain in _DOTS_AND_TAGS:
        domain = _DOTS_AND_TAGS[domain]
        local = local.split("+", 1)[0].replace(".", "")
    elif domain in _TAGS_ONLY:
        local = local.split("+", 1)[0]
    return f"{local}@{domain}" if local else ""


_LOOK_ALIKES = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "S": "5",
                              "B": "8", "Z": "2", "G": "6"})  # fmt: skip


def normalise_passport(value: str) -> str:
    """Passport number with case, spacing and look-alike characters (O/0, I/1, S/5, B/8) folded.

    The result is a comparison key, not a displayable number: "AB 123 456" -> "A8123456".
    """
    value = value.strip()
    if not value.isascii():
        value = fold_diacritics(value)
    return _strip_passport(value).translate(_LOOK_ALIKES)


_CITY_ALIASES = {
    "kiev": "kyiv", "kiiv": "kyiv", "lvov": "lviv", "lwow": "lviv", "kharkov": "kharkiv",
    "odessa": "odesa", "dnepr": "dnipro", "dnipropetrovsk": "dnipro", "zaporozhye": "zaporizhzhia",
    "nikolaev": "mykolaiv", "rovno": "rivne", "tiflis": "tbilisi", "vilna": "vilnius",
    "warszawa": "warsaw", "praha": "prague", "munchen": "munich", "koln": "cologne",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def city_key(value: str) -> str:
    words = " ".join(name_tokens(value))
    return name_key(_CITY_ALIASES.get(words, words))
