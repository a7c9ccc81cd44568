"""Normal forms of identifiers and the search terms on both sides of an exact search."""

from __future__ import annotations

import pytest

from enlist.cases.identifiers import application_terms, query_terms
from enlist.vault.normalise import (
    fold_diacritics,
    normalise_email,
    normalise_name,
    normalise_passport,
    normalise_phone,
    normalise_reference,
)

REFERENCE = "IL-7K4Q-9F"


def _terms(**overrides):
    values = {
        "reference": REFERENCE,
        "given_name": "Oleksandr",
        "family_name": "Kovalenko",
        "given_name_native": "Олександр",
        "family_name_native": "Коваленко",
        "passport_number": "AB123456",
        "email": "O.Kovalenko@Example.org",
        "phone": "+1 416-555-0134",
        "phone_region": "CA",
    }
    values.update(overrides)
    return application_terms(**values)


def _found(query: str, **overrides) -> bool:
    return bool(query_terms(query) & _terms(**overrides))


# normalise_*


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("Šimkus", "simkus"),
        ("ŠIMKUS", "simkus"),
        ("O'Brien-Šimkus", "obrien simkus"),
        ("obrien simkus", "obrien simkus"),
        ("  José   Müller ", "jose muller"),
        ("Žemaitytė", "zemaityte"),
        ("François", "francois"),
        ("Ångström", "angstrom"),
        ("Łukasz Żółć", "lukasz zolc"),
        ("Øystein Ødegård", "oystein odegard"),
        ("Ærøskøbing", "aeroskobing"),
        ("Đorđević", "dordevic"),
        ("Straße", "strasse"),
        ("Олександр", "олександр"),
        ("ОЛЕКСАНДР", "олександр"),
        ("Jean–Luc", "jean luc"),  # en dash
        ("D’Arcy", "darcy"),  # typographic apostrophe
        ("---", ""),
    ],
)
def test_normalise_name(typed, normal):
    assert normalise_name(typed) == normal


def test_fold_diacritics_keeps_base_letters():
    assert fold_diacritics("Čiurlionis") == "Ciurlionis"
    assert fold_diacritics("Йосип") == "Иосип"  # both sides of a search fold alike


@pytest.mark.parametrize(
    ("typed", "region", "normal"),
    [
        ("+1 416 555 0134", None, "+14165550134"),
        ("+1 (416) 555-0134", None, "+14165550134"),
        ("+14165550134", None, "+14165550134"),
        ("416 555 0134", "CA", "+14165550134"),
        ("+370 612 34567", None, "+37061234567"),
        ("not a phone", None, ""),
    ],
)
def test_normalise_phone(typed, region, normal):
    assert normalise_phone(typed, region=region) == normal


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("AB123456", "AB123456"),
        ("ab 123 456", "AB123456"),
        ("AB-123-456", "AB123456"),
        ("ab.123/456", "AB123456"),
        (" AB\t123456 ", "AB123456"),
    ],
)
def test_normalise_passport(typed, normal):
    assert normalise_passport(typed) == normal


def test_normalise_email_ignores_case_and_surrounding_spaces():
    assert normalise_email("  O.Kovalenko@EXAMPLE.org ") == "o.kovalenko@example.org"


def test_normalise_reference():
    assert normalise_reference("il-7k4q-9f") == "IL7K4Q9F"
    assert normalise_reference("IL 7K4Q 9F") == "IL7K4Q9F"


# application_terms


def test_application_terms_are_exactly_these():
    assert _terms() == {
        ("reference", "IL7K4Q9F"),
        ("name", "oleksandr"),
        ("name", "kovalenko"),
        ("name", "oleksandr kovalenko"),
        ("name", "kovalenko oleksandr"),
        ("name", "олександр"),
        ("name", "коваленко"),
        ("name", "олександр коваленко"),
        ("name", "коваленко олександр"),
        ("passport", "AB123456"),
        ("email", "o.kovalenko@example.org"),
        ("phone", "+14165550134"),
        ("phone", "14165550134"),
    }


def test_application_terms_skip_absent_optional_values():
    terms = _terms(
        given_name_native=None, family_name_native=None, passport_number=None, phone=None
    )
    assert {kind for kind, _ in terms} == {"reference", "name", "email"}
    assert len(terms) == 6


def test_application_terms_drop_names_with_nothing_identifying():
    terms = _terms(given_name="-", given_name_native=None, family_name_native=None)
    assert {value for kind, value in terms if kind == "name"} == {"kovalenko"}


# query_terms against application_terms: what a search box finds


@pytest.mark.parametrize(
    "query",
    [
        "IL-7K4Q-9F",
        "il-7k4q-9f",
        "IL7K4Q9F",
        "7k4q9f",
        "Kovalenko",
        "kovalenko",
        "Oleksandr Kovalenko",
        "Kovalenko Oleksandr",
        "KOVALENKO,  OLEKSANDR",
        "Коваленко",
        "Олександр Коваленко",
        "Коваленко Олександр",
        "AB123456",
        "ab 123 456",
        "AB-123-456",
        "o.kovalenko@example.org",
        "O.KOVALENKO@EXAMPLE.ORG",
        "+14165550134",
        "+1 (416) 555 0134",
        "1 416 555 0134",
        "14165550134",
    ],
)
def test_query_finds_application(query):
    assert _found(query)


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ({"given_name": "Jonas", "family_name": "Šimkus"}, "simkus"),
        ({"given_name": "Jonas", "family_name": "Šimkus"}, "Simkus Jonas"),
        ({"given_name": "Jonas", "family_name": "Simkus"}, "Jonas Šimkus"),
        ({"given_name": "Seán", "family_name": "O'Brien"}, "sean obrien"),
        ({"given_name": "Łukasz", "family_name": "Żółć"}, "Lukasz Zolc"),
        ({"given_name": "Øystein", "family_name": "Ødegård"}, "oystein odegard"),
        ({"given_name_native": "Йосип", "family_name_native": "Коваль"}, "коваль йосип"),
        ({"passport_number": "AB 123-456"}, "ab123456"),
        ({"email": "o.kovalenko@example.org"}, "O.Kovalenko@Example.ORG"),
        ({"phone": "416 555 0134"}, "+1 416 555 0134"),
    ],
)
def test_query_matches_however_either_side_was_typed(stored, query):
    assert _found(query, **stored)


@pytest.mark.parametrize(
    "query",
    [
        "Kovalenk",  # exact only, no prefix search
        "Oleksandr Kovalenko Jr",
        "IL-7K4Q-9G",  # wrong check character: not a reference
        "AB12345",
        "kovalenko@example.org",
        "+1 416 555 0135",
        "555 0134",
    ],
)
def test_query_does_not_find_near_misses(query):
    assert not _found(query)


def test_blank_query_has_no_terms():
    assert query_terms("") == set()
    assert query_terms("   ") == set()


def test_short_digit_runs_are_not_phone_terms():
    assert {kind for kind, _ in query_terms("12345")} == {"name", "passport"}


def test_query_terms_of_an_email():
    assert query_terms("O.K@Example.org") == {
        ("name", "ok@exampleorg"),
        ("passport", "OK@EXAMPLEORG"),
        ("email", "o.k@example.org"),
    }


def test_query_terms_of_an_international_phone():
    assert ("phone", "+14165550134") in query_terms("+1 416 555 0134")
    assert ("phone", "14165550134") in query_terms("+1 416 555 0134")
