"""Batch matching: scoring, evidence, clustering, and the properties the issue asks for."""

from __future__ import annotations

import dataclasses
import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enlist.matching import Record, cluster_records, deduplicate, score
from enlist.matching.engine import score_pairs
from enlist.matching.synthetic import generated_records
from tests.matching.conftest import pairwise_f1

NAMES = ["Oleksandr", "Олександр", "Sasha", "Serhii", "Сергей", "Giorgi", "გიორგი", "Anna",
         "Ганна", "Kovalenko", "Коваленко", "Beridze", "ბერიძე", "Smith", "O'Brien",
         ""]  # fmt: skip

text = st.text(
    alphabet=string.ascii_letters + "абвгдеєжзиіїйклмнопрстуфхцчшщьюяგიორ '-", max_size=12
)
name = st.one_of(st.sampled_from(NAMES), text)
date = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
    st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
    st.sampled_from(["", "1990", "1990-04", "17 Apr 1990", "not a date"]),
)
phone = st.one_of(st.just(""), st.from_regex(r"\+?[0-9 ()\-]{5,16}", fullmatch=True))
passport = st.one_of(st.just(""), st.from_regex(r"[A-Z0-9OISB ]{6,10}", fullmatch=True))
email = st.one_of(st.just(""), st.emails().map(str))
records = st.builds(
    Record,
    id=st.uuids().map(str),
    given_name=name,
    family_name=name,
    date_of_birth=date,
    nationality=st.sampled_from(["", "UA", "GE", "CA", "Ukraine", "XX"]),
    passport_number=passport,
    email=email,
    phone=phone,
    city=st.sampled_from(["", "Kyiv", "Київ", "Kiev", "Tbilisi", "Toronto"]),
)
hypothesis_settings = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@hypothesis_settings
@given(records, records)
def test_matching_is_symmetric(a, b):
    ab, ba = score(a, b), score(b, a)
    assert ab.probability == ba.probability
    assert ab.evidence == ba.evidence


@hypothesis_settings
@given(records, records)
def test_a_record_matches_itself_at_least_as_well_as_anything_else(a, b):
    itself = score(a, a)
    assert itself.probability >= score(a, b).probability
    # Every field of a record agrees with itself; the relatives row is not a field.
    assert all(e.weight >= 0 for e in itself.evidence if e.field != "relatives")


@hypothesis_settings
@given(records, st.from_regex(r"[A-Z]{2}[0-9]{6}", fullmatch=True))
def test_a_record_with_an_identifier_is_clustered_with_its_copy(a, number):
    a = dataclasses.replace(a, passport_number=number)
    copy = dataclasses.replace(a, id=a.id + "-copy")
    clusters = cluster_records([a, copy])
    assert clusters[0] == clusters[1]


def test_transliterated_name_and_reformatted_phone_are_the_same_person(kovalenko):
    walk_in = Record(
        id="walk-in-7",
        given_name="Олександр",
        family_name="Коваленко",
        date_of_birth="17.04.1990",
        phone="067 123 45 67",
        nationality="Ukraine",
        city="Київ",
    )
    pair = score(kovalenko, walk_in)
    assert pair.probability > 0.99
    levels = {e.field: e.level for e in pair.evidence if e.field != "relatives"}
    assert levels == {
        "given_name": "exact",
        "family_name": "exact",
        "date_of_birth": "exact",
        "passport_number": "missing",
        "email": "missing",
        "phone": "exact",
        "city": "exact",
        "nationality": "exact",
    }


def test_evidence_says_which_fields_disagree(kovalenko):
    other = Record(
        id="x",
        given_name="Oleksandr",
        family_name="Kovalenko",
        date_of_birth="1971-11-02",
        passport_number="ZZ999999",
        city="Lviv",
    )
    pair = score(kovalenko, other)
    weights = {e.field: e.weight for e in pair.evidence}
    assert pair.probability < 0.5
    assert weights["date_of_birth"] < 0 and weights["passport_number"] < 0
    assert weights["given_name"] > 0 and weights["email"] == 0


def test_swapped_names_and_day_month_swap_still_match(kovalenko):
    swapped = Record(
        id="swapped",
        given_name="Kovalenko",
        family_name="Aleksandr",
        date_of_birth="04/17/1990",
        email="okovalenko+legion@googlemail.com",
    )
    pair = score(kovalenko, swapped)
    assert pair.probability > 0.99
    assert {e.field: e.level for e in pair.evidence}["email"] == "exact"


def test_score_pairs_by_position(kovalenko):
    other = Record(id="o", given_name="Anna", family_name="Smith")
    pairs = score_pairs([kovalenko, other, kovalenko], [(0, 2), (0, 1)])
    assert [(p.left, p.right) for p in pairs] == [("web-1", "web-1"), ("web-1", "o")]
    assert pairs[0].probability > pairs[1].probability


def test_score_pairs_with_a_batch_model_weighs_names_by_their_own_frequency(applicants):
    """The batch's model counts names by its vocabulary's ids; scoring two of its records
    again gives the batch's probability, not one read off another name's frequency."""
    records, _ = applicants
    result = deduplicate(records[:1500])
    assert result.model.tf_total >= 500  # term frequencies are in use
    probable = result.pairs(min_probability=0.5)[:40]
    by_id = {r.id: r for r in records[:1500]}
    assert len(probable) == 40
    for batch in probable:
        # Only the two records: encoded alone, their ids would be 1 and 2.
        again = score_pairs([by_id[batch.left], by_id[batch.right]], [(0, 1)], model=result.model)[
            0
        ]
        assert again.probability == pytest.approx(batch.probability, abs=1e-6)
        assert again.evidence == batch.evidence


def test_one_weak_link_does_not_chain_two_people():
    # A and B are one person; C shares B's phone (a relative) and a similar name with B.
    a = Record("a", "Mykola", "Bondarenko", "1980-01-02", "UA", "AA111111", "mb@ukr.net")
    b = Record("b", "Mykola", "Bondarenko", "1980-01-02", "UA", "", "", "+380501112233", "Kyiv")
    c = Record("c", "Mykyta", "Bondarenko", "2003-09-30", "UA", "BB222222", "", "+380501112233")
    filler = generated_records(300, seed=5)[0]
    clusters = cluster_records([a, b, c, *filler], threshold=0.9)
    assert clusters[0] == clusters[1]
    assert clusters[2] != clusters[0]


def test_small_generated_set_has_f1_of_at_least_095(applicants):
    records, truth = applicants
    clusters = cluster_records(records)
    precision, recall, f1 = pairwise_f1(clusters, truth)
    assert f1 >= 0.95, (precision, recall, f1)


def test_every_record_gets_one_cluster_number(applicants):
    records, _ = applicants
    result = deduplicate(records[:500])
    assert len(result.cluster_ids()) == 500
    assert set(result.cluster_ids()) == set(range(max(result.cluster_ids()) + 1))


def test_empty_and_single_inputs():
    assert cluster_records([]) == []
    assert cluster_records([Record("only")]) == [0]


unrelated = st.builds(
    Record,
    id=st.uuids().map(lambda u: f"u-{u}"),
    given_name=st.text(alphabet="qxwz", min_size=3, max_size=8),
    family_name=st.text(alphabet="qxwz", min_size=3, max_size=8),
    date_of_birth=st.dates().map(lambda d: f"18{d.year % 100:02d}-{d.month:02d}-{d.day:02d}"),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(unrelated, min_size=1, max_size=40))
def test_adding_unrelated_records_never_removes_a_true_match(base_result, extra):
    result, records, truth = base_result
    before = result.cluster_ids()
    after = cluster_records([*records, *extra], threshold=0.9, model=result.model)
    for i in range(len(records)):
        for j in range(i + 1, len(records)):
            if truth[i] == truth[j] and before[i] == before[j]:
                assert after[i] == after[j]


def test_a_burst_of_identical_dismissals_moves_each_weight_at_most_one_bit():
    """The guard at engine level: a thousand dismissals that all look alike (same surname,
    birth date, household phone; different given names) move r within a factor two per
    level, and m and u not at all."""
    from enlist.matching.compare import FIELD_INDEX, N_FIELDS
    from enlist.matching.scoring import Model, learn_from_decisions

    model = Model.default()
    burst = np.ones((1000, N_FIELDS), dtype=np.int64)
    for name, level in (("family_name", 4), ("date_of_birth", 5), ("phone", 3)):
        burst[:, FIELD_INDEX[name]] = level
    learned = learn_from_decisions(model, np.zeros((0, N_FIELDS)), burst, strength=200)
    for old, new in zip(model.r, learned.r, strict=True):
        moved = np.abs(np.log2(np.maximum(new[1:], 1e-12) / np.maximum(old[1:], 1e-12)))
        assert moved.max() <= 1.0 + 1e-9
    assert (
        max(np.abs(np.log2(n[1:] / o[1:])).max() for o, n in zip(model.r, learned.r, strict=True))
        > 0.5
    )
    for old, new in zip(model.m + model.u, learned.m + learned.u, strict=True):
        assert np.array_equal(old, new)
