"""Comparison levels pinned field by field through the public path: records as typed
(``Record``), encoded (``encode_records``), compared (``compare``), each level read by its
name in ``FIELDS``. Every threshold is met once exactly and missed once just below it
(Jaro-Winkler 0.80 and 0.92 for names, 0.88 for cities, one edit for passports), so a changed
bound or a changed level fails here, not somewhere downstream in a score."""

from __future__ import annotations

import numpy as np
import pytest

from enlist.matching import compare as compare_module
from enlist.matching.compare import FIELD_INDEX, FIELDS, N_FIELDS, compare, set_workers
from enlist.matching.encode import Vocabularies, encode_records
from enlist.matching.records import Record


def _encoded(*rows: dict):
    return encode_records([Record(id=str(k), **row) for k, row in enumerate(rows)])


def levels(a: dict, b: dict) -> tuple[dict[str, str], bool]:
    """The named level of every field that is not missing, and whether names were swapped."""
    data = _encoded(a, b)
    result = compare(data, np.array([0]), data, np.array([1]))
    # The same two records the other way round within one encoding (other vocabulary ids on
    # each side): the same answer.
    back = compare(data, np.array([1]), data, np.array([0]))
    assert back.levels.tolist() == result.levels.tolist()
    assert back.swapped.tolist() == result.swapped.tolist()
    named = {
        f.name: f.levels[result.levels[0, i]]
        for i, f in enumerate(FIELDS)
        if result.levels[0, i] != 0
    }
    return named, bool(result.swapped[0])


def test_the_fields_and_their_levels_in_order():
    assert [(f.name, f.levels) for f in FIELDS] == [
        (
            "given_name",
            ("missing", "disagree", "similar", "very similar", "same name or nickname", "exact"),
        ),
        ("family_name", ("missing", "disagree", "similar", "very similar", "exact")),
        (
            "date_of_birth",
            ("missing", "disagree", "same year", "one part off", "day and month swapped", "exact"),
        ),
        ("passport_number", ("missing", "disagree", "one character off", "exact")),
        ("email", ("missing", "disagree", "same mailbox name", "exact")),
        ("phone", ("missing", "disagree", "same last 8 digits", "exact")),
        ("city", ("missing", "disagree", "similar", "exact")),
        ("nationality", ("missing", "disagree", "exact")),
    ]
    assert {f.name: i for i, f in enumerate(FIELDS)} == FIELD_INDEX
    assert N_FIELDS == 8


GIVEN = [
    ("Oleksandr", "Oleksandr", "exact"),
    ("Oleksandr", "Alexander", "same name or nickname"),  # transliteration, one name group
    ("Oleksandr", "Sasha", "same name or nickname"),  # a nickname of the group
    ("Oleksandr", "Oleksander", "very similar"),
    ("Marta", "Marte", "very similar"),  # Jaro-Winkler exactly 0.92
    ("Martin", "Maktin", "similar"),  # 0.911: just under 0.92
    ("Martin", "Mata", "similar"),  # exactly 0.80
    ("Marta", "Bmartin", "disagree"),  # 0.790: just under 0.80
    ("Oleksandr", "Olga", "disagree"),
]


@pytest.mark.parametrize(("a", "b", "level"), GIVEN)
def test_given_names(a, b, level):
    assert levels(
        {"given_name": a, "family_name": "Kovalenko"}, {"given_name": b, "family_name": "Kovalenko"}
    ) == (  # fmt: skip
        {"given_name": level, "family_name": "exact"},
        False,
    )


FAMILY = [
    ("Kovalenko", "Kovalenko", "exact"),
    ("Kovalenko", "Kowalenko", "exact"),  # the same phonetic key
    ("Kovalenko", "Kovalenka", "very similar"),
    ("Marta", "Marte", "very similar"),  # exactly 0.92
    ("Martin", "Maktin", "similar"),
    ("Martin", "Mata", "similar"),  # exactly 0.80
    ("Kovalenko", "Kovalchuk", "similar"),
    ("Marta", "Bmartin", "disagree"),  # just under 0.80
    ("Kovalenko", "Smith", "disagree"),
    # Family names have no name groups: one group of given names is no agreement here.
    ("Oleksandr", "Alexander", "similar"),
]


@pytest.mark.parametrize(("a", "b", "level"), FAMILY)
def test_family_names(a, b, level):
    assert levels(
        {"given_name": "Ivan", "family_name": a}, {"given_name": "Ivan", "family_name": b}
    ) == (  # fmt: skip
        {"given_name": "exact", "family_name": level},
        False,
    )


def test_a_missing_name_is_no_evidence_and_a_full_name_in_one_field_is_split():
    assert levels(
        {"given_name": "Oleksandr"}, {"given_name": "Oleksandr", "family_name": "Kovalenko"}
    ) == (  # fmt: skip
        {"given_name": "exact"},
        False,
    )
    assert levels(
        {"family_name": "Kovalenko"}, {"given_name": "Ivan", "family_name": "Kovalenko"}
    ) == (  # fmt: skip
        {"family_name": "exact"},
        False,
    )
    assert levels(
        {"given_name": "Oleksandr Kovalenko"},
        {"given_name": "Oleksandr", "family_name": "Kovalenko"},
    ) == (  # fmt: skip
        {"given_name": "exact", "family_name": "exact"},
        False,
    )


SWAPS = [
    # (a given, a family), (b given, b family) -> given level, family level, swapped
    (("Kovalenko", "Oleksandr"), ("Oleksandr", "Kovalenko"), "exact", "exact", True),
    (
        ("Kovalenko", "Alexander"),
        ("Oleksandr", "Kovalenko"),
        "same name or nickname",
        "exact",
        True,
    ),
    (
        ("Alexander", "Kovalenko"),
        ("Kovalenko", "Oleksandr"),
        "same name or nickname",
        "exact",
        True,
    ),
    (("Kovalenka", "Oleksandr"), ("Oleksandr", "Kovalenko"), "exact", "very similar", True),
    # The better cross pair plays the given name: Kovalenko = Kovalenko, Olek ~ Oleksandr.
    (("Kovalenko", "Olek"), ("Oleksandr", "Kovalenko"), "exact", "similar", True),
    (("Koval", "Olena"), ("Olena", "Kovalenko"), "exact", "similar", True),
    (("Ivan", "Petrenko"), ("Petrenko", "Ivanov"), "exact", "very similar", True),
    # Equal crosswise only as one name group (Alexander, Oleksandr): swapped.
    (
        ("Alexander", "Kovalenka"),
        ("Kovalenko", "Oleksandr"),
        "same name or nickname",
        "very similar",
        True,
    ),
    # The two ways round score alike (8): the one whose given name agrees better wins.
    (("Aleksandr", "Ivan"), ("Ivan", "Oleksandr"), "exact", "very similar", True),
    # A swap at the least it takes (6: a name group and a similar name).
    (("Oleksandr", "Olek"), ("Olena", "Alexander"), "same name or nickname", "similar", True),
    # In order already at 7; swapped would be no better (7): not swapped.
    (("Ivan", "Ivanova"), ("Ivan", "Ivan"), "exact", "similar", False),
    # Both swapped and misspelt, nothing equal crosswise: left to the other fields.
    (("Kovalenka", "Oleksander"), ("Oleksandr", "Kovalenko"), "disagree", "disagree", False),
    # Not in the same order and not equal crosswise: no swap is guessed.
    (("Kovalenka", "Olek"), ("Oleksandr", "Kovalenko"), "disagree", "disagree", False),
    # One cross pair equal but the other disagreeing: not swap enough.
    (("Kovalenko", "Oleksandr"), ("Oleksandr", "Smith"), "disagree", "disagree", False),
    # Already in order: never swapped.
    (("Ivan", "Ivan"), ("Ivan", "Ivan"), "exact", "exact", False),
    (("Oleksandr", "Kovalenko"), ("Oleksandr", "Kovalenka"), "exact", "very similar", False),
    (("Oleksandr", "Alexander"), ("Ivan", "Oleksandr"), "disagree", "similar", False),
]


@pytest.mark.parametrize(("a", "b", "given", "family", "swapped"), SWAPS)
def test_names_compared_both_ways_round(a, b, given, family, swapped):
    first = dict(zip(("given_name", "family_name"), a, strict=True))
    second = dict(zip(("given_name", "family_name"), b, strict=True))
    assert levels(first, second) == ({"given_name": given, "family_name": family}, swapped)
    assert levels(second, first) == ({"given_name": given, "family_name": family}, swapped)


DATES = [
    ("1990-04-17", "1990-04-17", "exact"),
    ("1990-04-17", "17.04.1990", "exact"),
    ("1990-04-05", "1990-05-04", "day and month swapped"),
    ("1990-04-17", "1990-04-18", "one part off"),  # a typo in the day
    ("1990-04-17", "1990-05-17", "one part off"),  # in the month
    ("1990-04-17", "1980-04-17", "one part off"),  # in one digit of the year
    ("1989-12-31", "1990-12-31", "one part off"),  # a year apart, four digits differ
    ("1990-04-17", "1989-04-17", "one part off"),
    ("1990", "1990-04-17", "one part off"),  # only a year on one side, and it agrees
    ("1990-04", "1990-04-17", "one part off"),
    ("1990-04", "1990-05-17", "one part off"),
    ("1990-00-17", "1990-04-17", "one part off"),  # an unknown month, the day agrees
    ("1990-00-17", "1990-05-17", "one part off"),
    ("1990-00-17", "1990-04-16", "one part off"),
    ("1990", "1990", "one part off"),  # the same partial date: not an exact one
    ("1990-04", "1990-04", "one part off"),
    ("1990-04-17", "1990-04-28", "same year"),  # two digits of the day differ
    ("1990-04-17", "1990-12-17", "same year"),  # two digits of the month
    ("1990-04-17", "1990-07-14", "same year"),
    ("1990-04-17", "1990-09-02", "same year"),
    ("1990-04", "1990-05", "same year"),
    ("1990-04", "1990", "same year"),
    ("1990-00-17", "1990-00-18", "same year"),
    ("1990-04-17", "1909-04-17", "disagree"),  # two digits of the year
    ("1990-04-17", "1991-04-18", "disagree"),  # two parts off
    ("1990-04-17", "1985-09-02", "disagree"),
    ("1990", "1991", "disagree"),  # a year apart needs the rest of the date to agree
    # January and the first of the month are known parts (1 is no missing value).
    ("1990-01-01", "1980-01-01", "one part off"),
    ("1990-01-17", "1990-01-18", "one part off"),
    ("1990-04-01", "1990-05-01", "one part off"),
    ("1990-01-17", "1990", "one part off"),
    ("1990-04-01", "1990-04-25", "same year"),
    ("1990-01-17", "1990-12-17", "same year"),
    # A typo in the year counts only when the whole date is known on both sides.
    ("1990-00-17", "1980-00-17", "disagree"),
    ("1990-04", "1980-04", "disagree"),
    # Day and month swapped only between two whole dates.
    ("1990-04", "1990-00-04", "same year"),
]


@pytest.mark.parametrize(("a", "b", "level"), DATES)
def test_dates_of_birth(a, b, level):
    assert levels({"date_of_birth": a}, {"date_of_birth": b}) == ({"date_of_birth": level}, False)
    assert levels({"date_of_birth": b}, {"date_of_birth": a}) == ({"date_of_birth": level}, False)


IDENTIFIERS = [
    ("passport_number", "AB123456", "ab 123456", "exact"),
    ("passport_number", "AB123456", "AB123457", "one character off"),
    ("passport_number", "AB123456", "AB124356", "one character off"),  # two swapped
    ("passport_number", "AB123456", "AB1234567", "one character off"),
    ("passport_number", "AB123456", "AB12345", "one character off"),
    ("passport_number", "AB123456", "AB123465X", "disagree"),  # two edits
    ("passport_number", "AB123456", "XY987654", "disagree"),
    ("email", "o.kovalenko@example.org", "O.Kovalenko@example.org", "exact"),
    ("email", "o.kovalenko@example.org", "o.kovalenko@example.net", "same mailbox name"),
    ("email", "abcd@x.org", "abcd@y.org", "same mailbox name"),  # nine characters
    ("email", "ab@x.org", "ab@y.org", "disagree"),  # too short to tell a mailbox name
    ("email", "o.kovalenko@example.org", "i.petrenko@example.org", "disagree"),
    ("phone", "+1 416 555 0134", "+1 (416) 555-0134", "exact"),
    ("phone", "+1 416 555 0134", "+44 20 6555 0134", "same last 8 digits"),
    ("phone", "+1 416 555 0134", "+1 416 555 0199", "disagree"),
    ("phone", "+44 20 0000 0001", "+353 1 0000 0001", "same last 8 digits"),  # the tail 1
    ("phone", "+683 4002", "+683 4003", "disagree"),  # Niue: seven digits, no tail of 8
    ("city", "Toronto", "toronto", "exact"),
    ("city", "Lviv", "Lvov", "exact"),  # one city key
    ("city", "Odesa", "Olesa", "similar"),  # Jaro-Winkler exactly 0.88
    ("city", "Odesa", "Dodesa", "disagree"),  # 0.878: just under
    ("city", "Toronto", "Ottawa", "disagree"),
    ("nationality", "CA", "Canada", "exact"),
    ("nationality", "CA", "GB", "disagree"),
]


@pytest.mark.parametrize(("field", "a", "b", "level"), IDENTIFIERS)
def test_identifiers_contacts_and_places(field, a, b, level):
    assert levels({field: a}, {field: b}) == ({field: level}, False)
    assert levels({field: b}, {field: a}) == ({field: level}, False)


@pytest.mark.parametrize(
    "field", ["date_of_birth", "passport_number", "email", "phone", "city", "nationality"]
)
def test_a_value_on_one_side_only_is_missing(field):
    value = {"date_of_birth": "1990-04-17", "passport_number": "AB123456",
             "email": "o.kovalenko@example.org", "phone": "+1 416 555 0134",
             "city": "Toronto", "nationality": "CA"}[field]  # fmt: skip
    assert levels({field: value}, {}) == ({}, False)
    assert levels({}, {field: value}) == ({}, False)


def test_a_phone_too_short_to_read_is_missing():
    assert levels({"phone": "0134"}, {"phone": "0134"}) == ({}, False)


def _people():
    return _encoded(
        {"given_name": "Oleksandr", "family_name": "Kovalenko", "date_of_birth": "1990-04-17",
         "passport_number": "AB123456", "email": "o.kovalenko@example.org",
         "phone": "+1 416 555 0134", "city": "Toronto", "nationality": "CA"},
        {"given_name": "Kovalenko", "family_name": "Alexander", "date_of_birth": "1990-04-18",
         "passport_number": "AB123457", "email": "o.kovalenko@example.net",
         "phone": "+44 20 6555 0134", "city": "Torronto", "nationality": "CA"},
        {"given_name": "Marta", "family_name": "Martin", "date_of_birth": "1990-05-04",
         "passport_number": "XY987654", "city": "Odesa", "nationality": "UA"},
        {"given_name": "Marte", "family_name": "Mata", "date_of_birth": "1990-04-05",
         "email": "i.petrenko@example.org", "city": "Olesa", "nationality": "UA"},
        {"given_name": "Bmartin", "family_name": "Maktin", "date_of_birth": "1990",
         "city": "Dodesa"},
        {},
    )  # fmt: skip


def test_every_pair_of_a_batch_is_compared_as_it_would_be_alone_and_either_way_round():
    data = _people()
    n = len(data)
    ia, ib = np.array([(i, j) for i in range(n) for j in range(n)]).T
    batch = compare(data, ia, data, ib)
    assert batch.levels.shape == (n * n, N_FIELDS) and batch.levels.dtype == np.int8
    assert batch.swapped.shape == (n * n,) and batch.swapped.dtype == bool
    for k, (i, j) in enumerate(zip(ia, ib, strict=True)):
        alone = compare(data, np.array([i]), data, np.array([j]))
        assert batch.levels[k].tolist() == alone.levels[0].tolist()
        assert batch.swapped[k] == alone.swapped[0]
        assert batch.levels[j * n + i].tolist() == batch.levels[k].tolist()
        assert batch.swapped[j * n + i] == batch.swapped[k]
    # A record against itself: every field it has at its top level (a year alone is only a
    # partial date), a field it lacks missing.
    assert [batch.levels[i * n + i].tolist() for i in range(n)] == [
        [5, 4, 5, 3, 3, 3, 3, 2],
        [5, 4, 5, 3, 3, 3, 3, 2],
        [5, 4, 5, 3, 0, 0, 3, 2],
        [5, 4, 5, 0, 3, 0, 3, 2],
        [5, 4, 3, 0, 0, 0, 3, 0],
        [0, 0, 0, 0, 0, 0, 0, 0],
    ]
    # The first two: the names swapped, and every other field near.
    assert batch.levels[1].tolist() == [4, 4, 3, 2, 2, 2, 3, 2]
    assert batch.swapped[1] and batch.swapped[n]


def test_nothing_to_compare():
    data = _people()
    result = compare(data, np.array([], dtype=np.int64), data, np.array([], dtype=np.int64))
    assert result.levels.shape == (0, N_FIELDS) and result.levels.dtype == np.int8
    assert result.swapped.shape == (0,) and result.swapped.dtype == bool


def test_vocabulary_ids_carry_no_meaning_beyond_equality():
    """Id 1 is a value like any other: a vocabulary shared with an index that saw the
    mailbox name first gives it id 1, and the agreement is the same."""
    vocab = Vocabularies()
    assert vocab.emails.id("o.kovalenko") == 1
    data = encode_records(
        [Record(id="a", email="o.kovalenko@example.org"),
         Record(id="b", email="o.kovalenko@example.net")],
        vocab,
    )  # fmt: skip
    assert data.email_local.tolist() == [1, 1]
    result = compare(data, np.array([0]), data, np.array([1]))
    assert FIELDS[4].levels[result.levels[0, 4]] == "same mailbox name"


def test_the_result_is_the_same_on_one_thread(monkeypatch):
    data = _people()
    ia, ib = np.array([0, 1, 2, 3, 4]), np.array([1, 0, 3, 2, 2])
    everywhere = compare(data, ia, data, ib)
    monkeypatch.setattr(compare_module, "_WORKERS", compare_module._WORKERS)
    set_workers(1)
    assert compare_module._WORKERS == 1
    alone = compare(data, ia, data, ib)
    assert alone.levels.tolist() == everywhere.levels.tolist()
    assert alone.swapped.tolist() == everywhere.swapped.tolist()
