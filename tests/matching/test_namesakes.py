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


def _person(given: str, family: str, name: str, born: str, **fields: str) -> Record:
    return Record(id=name, given_name=given, family_name=family, date_of_birth=born,
                  nationality="UA", city="Kharkiv", **fields)  # fmt: skip


def test_two_namesakes_each_with_their_own_identifiers_stay_two_clusters(hostile):
    # Same common name, same date of birth; each man's records share his passport, mailbox and
    # phone, none of which the other's share. The sparse records link the two pair by pair.
    records, _ = hostile
    given, family = _common_ukrainian_name(records)
    planted = [
        _person(given, family, "a-full", "1985-04-12", passport_number="FA118811",
                email="first.man@ukr.net", phone="+380 67 118 8110"),
        _person(given, family, "a-mail", "12.04.1985", email="first.man@ukr.net"),
        _person(given, family, "b-full", "1985-04-12", passport_number="FB229922",
                email="second.man@gmail.com", phone="+380 50 229 9220"),
        _person(given, family, "b-phone", "1985-04-12", phone="050 229 92 20"),
    ]  # fmt: skip
    result, clusters = _planted(records, planted)
    assert _batch_probability(result, "a-mail", "b-phone") >= 0.9  # linked, pair by pair
    assert clusters["a-full"] == clusters["a-mail"]
    assert clusters["b-full"] == clusters["b-phone"]
    assert clusters["a-full"] != clusters["b-full"]


def test_renewed_passport_new_mailbox_and_new_phone_still_join_their_person(hostile):
    # The man of two records comes back with everything new: one record alone is not a
    # group whose identifiers contradict his; and a second group sharing his phone joins too.
    records, _ = hostile
    given, family = _common_ukrainian_name(records)
    planted = [
        _person(given, family, "old-1", "1991-08-23", passport_number="FE330033",
                email="old.box@ukr.net", phone="+380 97 330 0330"),
        _person(given, family, "old-2", "23.08.1991", passport_number="FE 330033",
                email="old.box@ukr.net"),
        _person(given, family, "new-1", "1991-08-23", passport_number="GT440044",
                email="new.box@gmail.com", phone="+380 63 440 0440"),
    ]  # fmt: skip
    _, clusters = _planted(records, planted)
    assert clusters["old-1"] == clusters["old-2"] == clusters["new-1"]
    again = [
        *planted[:2],
        _person(given, family, "renewed-1", "1991-08-23", passport_number="GT440044",
                email="new.box@gmail.com", phone="+380 97 330 0330"),
        _person(given, family, "renewed-2", "1991-08-23", passport_number="GT440044",
                email="new.box@gmail.com"),
    ]  # fmt: skip
    _, clusters = _planted(records, again)
    assert len({clusters[r.id] for r in again}) == 1


def _family_mailbox_pair_of_groups(first: str, second: str, passports: tuple[str, ...]):
    """Four records of one name sharing a family mailbox: two born ``first``, two ``second``."""
    born = (first, first, second, second)
    return [
        _person("Oleh", "Shevchuk", f"dob-{k}", born[k], passport_number=passport,
                email="shevchuk.family@ukr.net")
        for k, passport in enumerate(passports)
    ]  # fmt: skip


def test_two_dates_of_birth_each_given_twice_are_two_people(hostile):
    records, _ = hostile
    planted = _family_mailbox_pair_of_groups(
        "1990-03-14", "1990-03-15", ("FA100001", "FA100001", "FB200002", "")
    )
    result, clusters = _planted(records, planted)
    assert _batch_probability(result, "dob-1", "dob-3") >= 0.9  # linked, pair by pair
    assert clusters["dob-0"] == clusters["dob-1"] != clusters["dob-2"]
    assert clusters["dob-2"] == clusters["dob-3"]


def test_the_same_mistyped_date_twice_stays_one_person_when_a_passport_bridges_it(hostile):
    records, _ = hostile
    planted = _family_mailbox_pair_of_groups(
        "1990-03-14", "1990-03-15", ("FA100001", "", "FA100001", "")
    )
    _, clusters = _planted(records, planted)
    assert len({clusters[r.id] for r in planted}) == 1


def test_a_day_month_swap_given_twice_is_another_date_unless_a_passport_bridges_it(hostile):
    records, _ = hostile
    passports = ("FA100001", "FA100001", "FB200002", "")
    planted = _family_mailbox_pair_of_groups("1990-03-04", "1990-04-03", passports)
    _, clusters = _planted(records, planted)
    assert clusters["dob-0"] == clusters["dob-1"] != clusters["dob-2"] == clusters["dob-3"]
    bridged = _family_mailbox_pair_of_groups("1990-03-04", "1990-04-03", passports[:2] * 2)
    _, clusters = _planted(records, bridged)
    assert len({clusters[r.id] for r in bridged}) == 1
