"""The collective rules of ``clustering.cluster`` on hand-made weights.

Four records where every pair is linked, in two pairs that hold together more strongly:
the rules (module docstring, 3a–c) decide whether the two pairs are one person. Without
``Collective`` evidence the four always end in one cluster, so each test shows its rule at work.
"""

from __future__ import annotations

import numpy as np

from enlist.matching.clustering import Collective, cluster

LEFT, RIGHT = np.triu_indices(4, k=1)
INSIDE = ((LEFT < 2) & (RIGHT < 2)) | ((LEFT >= 2) & (RIGHT >= 2))
WEIGHT = np.where(INSIDE, 20.0, 10.0)  # bits; every pair far above the threshold's 3.2


def _scorer_of(weight: np.ndarray):
    lookup = {(int(a), int(b)): w for a, b, w in zip(LEFT, RIGHT, weight, strict=True)}

    def scorer(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        return np.array([lookup[min(a, b), max(a, b)] for a, b in zip(pl, pr, strict=True)])

    return scorer


def _collective(
    *,
    identifiers: list[list[bool]] | None = None,
    values: list[list[str]] | None = None,
    birth: list[int] | None = None,
    given: list[str] | None = None,
) -> Collective:
    """``values``: each record's passport, email, phone ("" none); shared when equal."""
    values = values or [["", "", ""]] * 4
    table = np.array(values, dtype=object)
    ids = np.array(identifiers) if identifiers else table != ""
    names = np.array(given or ["ivan"] * 4)

    def share(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        shared: np.ndarray = (table[pl] == table[pr]) & (table[pl] != "")
        return shared

    def other_name(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        other: np.ndarray = names[pl] != names[pr]
        return other

    return Collective(
        identifiers=ids,
        birth=np.array(birth or [0] * 4, dtype=np.int64),
        share_identifier=share,
        personal=np.array([True, False, False]),
        other_given_name=other_name,
    )


def _clusters(collective: Collective | None, weight: np.ndarray = WEIGHT) -> list[int]:
    labels = cluster(
        4, LEFT, RIGHT, weight, threshold=0.9, scorer=_scorer_of(weight), collective=collective
    )
    result: list[int] = labels.tolist()
    return result


def test_without_collective_evidence_the_four_are_one_cluster():
    assert _clusters(None) == [0, 0, 0, 0]
    assert _clusters(_collective()) == [0, 0, 0, 0]


def test_two_groups_giving_every_identifier_and_sharing_none_are_two_people():
    values = [["P1", "a@x", "1"], ["P1", "", ""], ["P2", "b@x", "2"], ["", "b@x", ""]]
    assert _clusters(_collective(values=values)) == [0, 0, 1, 1]
    # One shared value (a phone) is enough to be one person with a renewed passport.
    values[3][2] = "1"
    assert _clusters(_collective(values=values)) == [0, 0, 0, 0]
    # A group that never gave a phone has nothing to contradict.
    values = [["P1", "a@x", ""], ["P1", "", ""], ["P2", "b@x", "2"], ["", "b@x", ""]]
    assert _clusters(_collective(values=values)) == [0, 0, 0, 0]


def test_a_single_record_with_everything_new_still_joins():
    # Records 0-2 one group; record 3 alone comes with a renewed passport, a new mailbox and a
    # new phone: one record is not a group whose identifiers contradict the others'.
    values = [["P1", "a@x", "1"], ["P1", "a@x", ""], ["", "", ""], ["P2", "b@x", "2"]]
    weight = np.where(RIGHT < 3, 20.0, 10.0)
    assert _clusters(_collective(values=values), weight) == [0, 0, 0, 0]
    # Its second record makes it a group of its own: two people.
    values[2] = ["P2", "", ""]
    weight = np.where(INSIDE, 20.0, 10.0)
    assert _clusters(_collective(values=values), weight) == [0, 0, 1, 1]


def test_two_dates_of_birth_each_given_twice_are_two_people_unless_a_passport_bridges():
    born = [19900314, 19900314, 19900315, 19900315]
    assert _clusters(_collective(birth=born)) == [0, 0, 1, 1]
    values = [["P1", "", ""], ["", "", ""], ["P1", "", ""], ["", "", ""]]
    assert _clusters(_collective(birth=born, values=values)) == [0, 0, 0, 0]
    # A mailbox and a phone, shared across the two dates, bridge them too; a mailbox alone
    # (a family's) does not.
    values = [["", "m@x", ""], ["", "", "1"], ["", "m@x", "1"], ["", "", ""]]
    assert _clusters(_collective(birth=born, values=values)) == [0, 0, 0, 0]
    values = [["", "m@x", ""], ["", "", ""], ["", "m@x", ""], ["", "m@x", ""]]
    assert _clusters(_collective(birth=born, values=values)) == [0, 0, 1, 1]
    # Once is a typo: three of one date and one of another are one person.
    born = [19900314, 19900314, 19900314, 19900315]
    assert _clusters(_collective(birth=born)) == [0, 0, 0, 0]


def test_groups_whose_given_names_never_agree_are_relatives():
    given = ["andrii", "andrii", "maksym", "maksym"]
    assert _clusters(_collective(given=given)) == [0, 0, 1, 1]
    values = [["P1", "", ""], ["", "", ""], ["P1", "", ""], ["", "", ""]]
    assert _clusters(_collective(given=given, values=values)) == [0, 0, 0, 0]
    # One record alone with another given name is not a second person's evidence.
    assert _clusters(_collective(given=["andrii"] * 3 + ["andy"])) == [0, 0, 0, 0]


def test_a_chain_whose_ends_conflict_never_puts_the_ends_together():
    # A~B and B~C strongly, A and C in conflict (-inf): C cannot join A's cluster through B.
    left, right = np.array([0, 1, 0]), np.array([1, 2, 2])
    weights = {(0, 1): 20.0, (1, 2): 15.0, (0, 2): -np.inf}

    def scorer(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        return np.array([weights[min(a, b), max(a, b)] for a, b in zip(pl, pr, strict=True)])

    labels = cluster(
        3, left, right, np.array([20.0, 15.0, 20.0]), threshold=0.9, scorer=scorer
    ).tolist()
    assert labels[0] == labels[1] != labels[2]
