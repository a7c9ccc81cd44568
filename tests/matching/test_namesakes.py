"""Namesakes, relatives and chains: the engine stays precise where names are common.

Engine level, on a batch from the independent generator (``synthetic_hostile``) into which
the cases of the issue are planted: two different men with the commonest name of the batch,
the same man with a renewed passport and a new mailbox, twins, and a chain A~B~C whose ends
conflict.
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest

from enlist.matching.engine import BatchResult, deduplicate, score
from enlist.matching.records import Record
from enlist.matching.synthetic_hostile import generate_hostile
from tests.matching.conftest import pairwise_f1


@pytest.fixture(scope="module")
def hostile() -> tuple[list[Record], list[int]]:
    columns = generate_hostile(4000, seed=5)
    fields = [c for c in columns if c != "person_id"]
    records = [Record(**{f: columns[f][k] for f in fields}) for k in range(len(columns["id"]))]
    return records, [int(v) for v in columns["person_id"]]


def _common_ukrainian_name(records: list[Record]) -> tuple[str, str]:
    """The commonest Latin family and given name among the Ukrainian records."""
    latin = [r for r in records if r.nationality in ("UA", "UKR", "Ukraine") and r.given_name]
    latin = [r for r in latin if r.given_name.isascii() and r.family_name.isascii()]
    family = Counter(r.family_name.lower() for r in latin).most_common(1)[0][0]
    given = Counter(r.given_name.lower() for r in latin).most_common(1)[0][0]
    return given.capitalize(), family.capitalize()


def _planted(records: list[Record], extra: list[Record]) -> tuple[BatchResult, dict[str, int]]:
    result = deduplicate([*records, *extra])
    clusters = result.cluster_ids()
    return result, {r.id: clusters[len(records) + k] for k, r in enumerate(extra)}


def _batch_probability(result: BatchResult, a: str, b: str) -> float:
    """The probability the batch's fitted model gave the pair; 0 if blocking never paired it."""
    ids = result.data.ids
    for k in range(len(result.left)):
        if {ids[result.left[k]], ids[result.right[k]]} == {a, b}:
            return float(result.probability[k])
    return 0.0


def test_hostile_generator_is_deterministic_with_truth_and_zipf_names():
    first, second = generate_hostile(3000, seed=2), generate_hostile(3000, seed=2)
    assert first == second
    assert len(first["id"]) == 3000 and len(set(first["id"])) == 3000
    sizes = Counter(first["person_id"])
    assert max(sizes.values()) <= 4 and min(sizes.values()) >= 1
    assert sum(1 for v in sizes.values() if v > 1) > 300  # repeats exist
    # The commonest surname is borne by a few per cent of its country, not by everyone.
    ukrainian = [k for k, n in enumerate(first["nationality"]) if n in ("UA", "UKR", "Ukraine")]
    families = Counter(first["family_name"][k].lower() for k in ukrainian)
    share = families.most_common(1)[0][1] / len(ukrainian)
    assert 0.005 < share < 0.05


def test_namesakes_with_a_common_name_and_different_birth_and_passport_stay_apart(hostile):
    records, _ = hostile
    given, family = _common_ukrainian_name(records)
    one = Record(id="namesake-1", given_name=given, family_name=family,
                 date_of_birth="1984-03-02", nationality="UA", passport_number="FA104392",
                 phone="+380 67 555 1201", city="Kyiv")  # fmt: skip
    other = Record(id="namesake-2", given_name=given, family_name=family,
                   date_of_birth="1979-11-20", nationality="UA", passport_number="FB873310",
                   email=f"{given.lower()}.{family.lower()}@gmail.com", city="Kyiv")  # fmt: skip
    result, planted = _planted(records, [one, other])
    assert planted["namesake-1"] != planted["namesake-2"]
    assert _batch_probability(result, "namesake-1", "namesake-2") < 0.05
    assert score(one, other).probability < 0.1  # the default model, before any data


def test_same_person_with_renewed_passport_and_new_email_matches(hostile):
    records, _ = hostile
    given, family = _common_ukrainian_name(records)
    before = Record(id="renewed-1", given_name=given, family_name=family,
                    date_of_birth="1988-07-14", nationality="UA", passport_number="FE551023",
                    email=f"{given.lower()}{family.lower()}88@ukr.net", city="Lviv",
                    phone="+380 97 410 2233")  # fmt: skip
    after = dataclasses.replace(
        before, id="renewed-2", passport_number="GT302119", email="new.mailbox@gmail.com",
        phone="", date_of_birth="14.07.1988",
    )  # fmt: skip
    result, planted = _planted(records, [before, after])
    assert planted["renewed-1"] == planted["renewed-2"]
    assert 0.9 <= _batch_probability(result, "renewed-1", "renewed-2") < 0.9999
    pair = score(before, after)
    assert 0.9 <= pair.probability < 0.9999  # likely, but the mailboxes disagree: not certain
    levels = {e.field: e.level for e in pair.evidence}
    assert levels["passport_number"] == "disagree" and levels["email"] == "disagree"


def test_twins_sharing_family_birth_date_and_home_phone_stay_apart(hostile):
    records, _ = hostile
    first = Record(id="twin-1", given_name="Bohdan", family_name="Savchuk",
                   date_of_birth="2001-05-09", nationality="UA", phone="+380 44 200 1010",
                   email="savchuk.family@ukr.net", city="Poltava")  # fmt: skip
    second = dataclasses.replace(first, id="twin-2", given_name="Taras", passport_number="")
    result, planted = _planted(records, [first, second])
    assert planted["twin-1"] != planted["twin-2"]
    assert _batch_probability(result, "twin-1", "twin-2") < 0.5
    pair = score(first, second)
    assert pair.probability < 0.9  # the default model would at most queue them for review
    assert {e.field for e in pair.evidence if e.weight < 0} >= {"given_name", "relatives"}


def test_a_chain_whose_ends_conflict_is_not_one_cluster(hostile):
    records, _ = hostile
    a = Record(id="chain-a", given_name="Ivan", family_name="Petrenko",
               date_of_birth="1990-05-01", nationality="UA", passport_number="FA700001",
               phone="+380 50 700 0001", email="ivan.petrenko.a@ukr.net", city="Odesa")  # fmt: skip
    # B shares A's phone and C's mailbox, and gives no date of birth or passport.
    b = Record(id="chain-b", given_name="Ivan", family_name="Petrenko", nationality="UA",
               phone="+380 50 700 0001", email="ivan.petrenko.c@ukr.net", city="Odesa")  # fmt: skip
    c = Record(id="chain-c", given_name="Ivan", family_name="Petrenko",
               date_of_birth="1971-09-12", nationality="UA", passport_number="FK900002",
               email="ivan.petrenko.c@ukr.net", city="Odesa")  # fmt: skip
    result, planted = _planted(records, [a, b, c])
    assert _batch_probability(result, "chain-a", "chain-b") >= 0.9
    assert _batch_probability(result, "chain-b", "chain-c") >= 0.9
    assert _batch_probability(result, "chain-a", "chain-c") < 0.9  # never flagged alone
    assert planted["chain-a"] != planted["chain-c"]
    assert planted["chain-b"] in (planted["chain-a"], planted["chain-c"])


def test_independent_data_precise_and_no_cluster_larger_than_truth_plus_one(hostile):
    records, truth = hostile
    clusters = deduplicate(records).cluster_ids()
    precision, recall, f1 = pairwise_f1(clusters, truth)
    assert precision >= 0.97 and recall >= 0.95, (precision, recall, f1)
    assert np.bincount(clusters).max() <= np.bincount(truth).max() + 1
