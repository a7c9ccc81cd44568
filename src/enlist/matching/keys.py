"""Blocking keys of one record as text, for a keyed (HMAC) blocking index in a database. No Django.

The batch engine (``blocking``) builds its keys from integer vocabulary ids, which only mean
something inside one run. An application stored in the database needs keys that mean the same
in every process, so that a new application finds the earlier ones: ``blocking_terms`` gives
the same combinations as ``blocking.PASSES`` as (kind, text) terms built from the engine's
normal forms (transliterated phonetic name keys and nickname groups, the birth date with day and
month in sorted order, phone tails, folded emails and passports). The caller stores only a
keyed digest of each term (``BlindIndexer.digest(kind, text)``), never the text.

Exact identifiers as typed (passport, email, phone in E.164) are not repeated here: the
application's blind-index digests (``cases.identifiers``) already answer those.
"""

from __future__ import annotations

from collections.abc import Iterable

from enlist.matching.normalise import (
    country_code,
    name_canon,
    name_key,
    normalise_email,
    normalise_passport,
    normalise_phone,
    parse_date,
    split_full_name,
)
from enlist.matching.records import Record

Term = tuple[str, str]
KIND_PREFIX = "match:"  # keeps these digests apart from the case search digests


def _names(record: Record) -> tuple[str, str, str]:
    """(given nickname group, family nickname group, family phonetic key)."""
    given, family = record.given_name.strip(), record.family_name.strip()
    if not given or not family:
        given, family = split_full_name(given, family)
    return name_canon(given), name_canon(family), name_key(family)


def _name_terms(record: Record) -> set[Term]:
    given, family_canon, family = _names(record)
    date = parse_date(record.date_of_birth)
    year = date.year
    lo, hi = sorted((date.month, date.day))
    full_date = f"{year}-{lo:02d}-{hi:02d}" if year and lo else ""
    pair = "|".join(sorted((given, family_canon))) if given and family_canon else ""
    given_initial, family_initial = given[:1], family[:1]
    terms: set[Term] = set()
    if pair and year:
        terms.add(("names+year", f"{pair}|{year}"))
    if pair and lo:
        terms.add(("names+day", f"{pair}|{lo}|{hi}"))
    if pair and not year:
        terms.add(("names", pair))
    if full_date:
        # One kind for both names, as in the engine: a swapped given/family name still meets.
        terms.update(("name+date", f"{name}|{full_date}") for name in (given, family) if name)
        if given_initial and family_initial:
            initials = "".join(sorted((given_initial, family_initial)))
            terms.add(("date+initials", f"{full_date}|{initials}"))
    if family and year and given_initial:
        terms.add(("family+year+initial", f"{family}|{year}|{given_initial}"))
    return terms


def _identifier_terms(record: Record) -> set[Term]:
    terms: set[Term] = set()
    passport = normalise_passport(record.passport_number)
    if passport:
        terms.add(("passport", passport))
        _, _, family = _names(record)
        if family:
            terms.add(("passport-anagram", "".join(sorted(passport)) + "|" + family[:1]))
    email = normalise_email(record.email)
    if email:
        terms.add(("email", email))
        local = email.partition("@")[0]
        if len(email) > 8 and local:
            terms.add(("email-local", local))
    if record.phone:
        region = country_code(record.residence_country) or country_code(record.nationality)
        digits = normalise_phone(record.phone, region=region).lstrip("+")
        if len(digits) >= 8:
            terms.add(("phone-tail", digits[-8:]))
    return terms


def blocking_terms(records: Iterable[Record]) -> set[Term]:
    """Every blocking term of one application's name forms (e.g. Latin and native script)."""
    terms: set[Term] = set()
    for record in records:
        terms |= _name_terms(record) | _identifier_terms(record)
    return {(KIND_PREFIX + kind, value) for kind, value in terms if value}
