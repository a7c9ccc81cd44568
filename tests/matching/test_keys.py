"""Blocking terms as text: the same person typed two ways shares at least one term."""

from __future__ import annotations

from enlist.matching.keys import KIND_PREFIX, blocking_terms
from enlist.matching.records import Record


def terms(**fields) -> set[tuple[str, str]]:
    return blocking_terms([Record(id="x", **fields)])


def test_cyrillic_and_latin_spellings_share_the_name_and_year_term():
    latin = terms(given_name="Oleksandr", family_name="Kovalenko", date_of_birth="1991-03-08")
    cyrillic = terms(given_name="Александр", family_name="Коваленко", date_of_birth="08.03.1991")
    shared = {kind for kind, _ in latin & cyrillic}
    assert "match:names+year" in shared
    assert "match:name+date" in shared


def test_swapped_names_and_day_month_still_meet():
    a = terms(given_name="Giorgi", family_name="Beridze", date_of_birth="1990-04-07")
    b = terms(given_name="Beridze", family_name="Giorgi", date_of_birth="1990-07-04")
    assert {kind for kind, _ in a & b} >= {"match:names+year", "match:names+day"}


def test_phone_typed_the_local_way_shares_the_phone_tail():
    a = terms(phone="+380 50 123 4567", residence_country="UA")
    b = terms(phone="050-123-45-67", residence_country="UA")
    assert ("match:phone-tail", "01234567") in a & b


def test_every_kind_is_prefixed_and_empty_records_give_nothing():
    full = terms(
        given_name="Jonas",
        family_name="Šimkus",
        date_of_birth="1990-04-17",
        passport_number="LT1234567",
        email="Jonas.Simkus@example.lt",
        phone="+370 612 34567",
    )
    assert full and all(kind.startswith(KIND_PREFIX) for kind, _ in full)
    assert terms() == set()


def test_different_people_share_no_name_term():
    a = terms(given_name="Ingrid", family_name="Solberg", date_of_birth="1985-11-30")
    b = terms(given_name="Oleksandr", family_name="Kovalenko", date_of_birth="1991-03-08")
    assert a & b == set()
