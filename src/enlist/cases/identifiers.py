"""Which normalised identifiers an application can be found by. No Django.

Both sides of an exact search go through here: the terms stored for an application and the
terms a search query may mean, so the two can never drift apart. Each term is (kind, value);
``BlindIndexer`` turns it into the digest that is stored and looked up.
"""

from __future__ import annotations

import re

from enlist.cases.reference import parse_reference
from enlist.vault.normalise import (
    normalise_email,
    normalise_name,
    normalise_passport,
    normalise_phone,
    normalise_reference,
)

Term = tuple[str, str]


def _name_terms(given: str | None, family: str | None) -> set[Term]:
    g, f = normalise_name(given or ""), normalise_name(family or "")
    forms = {g, f, f"{g} {f}".strip(), f"{f} {g}".strip()}
    return {("name", form) for form in forms if form}


def application_terms(
    *,
    reference: str,
    given_name: str,
    family_name: str,
    given_name_native: str | None = None,
    family_name_native: str | None = None,
    passport_number: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    phone_region: str | None = None,
) -> set[Term]:
    terms = {("reference", normalise_reference(reference))}
    terms |= _name_terms(given_name, family_name)
    if given_name_native or family_name_native:
        terms |= _name_terms(given_name_native, family_name_native)
    if passport_number:
        terms.add(("passport", normalise_passport(passport_number)))
    if email:
        terms.add(("email", normalise_email(email)))
    if phone:
        terms.add(("phone", normalise_phone(phone, region=phone_region)))
        terms.add(("phone", re.sub(r"\D", "", phone)))
    return {term for term in terms if term[1]}


def query_terms(query: str) -> set[Term]:
    """Every reading of a search box entry: a reference, a name, a passport, email or phone."""
    query = query.strip()
    if not query:
        return set()
    terms: set[Term] = set()
    reference = parse_reference(query)
    if reference:
        terms.add(("reference", normalise_reference(reference)))
    terms.add(("name", normalise_name(query)))
    terms.add(("passport", normalise_passport(query)))
    if "@" in query:
        terms.add(("email", normalise_email(query)))
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 6:
        terms.add(("phone", digits))
        if query.startswith("+"):
            terms.add(("phone", normalise_phone(query)))
    return {term for term in terms if term[1]}
