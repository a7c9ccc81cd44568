"""Clusters of records from scored pairs, without chaining strangers through one weak link.

1. Link every pair whose probability reaches the threshold; take connected components.
2. A component of two records is one edge that passed: done. A larger component has every
   pair inside it scored (not only the candidate pairs), each pair weighing
   ``match_weight - weight_of(threshold)`` (positive: should be together).
3. When every pair inside agrees and no rule below could object, the component stands.
   Otherwise it is re-clustered by greedy additive edge contraction (a correlation-clustering
   heuristic): repeatedly merge the two groups whose pairs across have the highest mean
   weight, while their sum is positive. A → B → C where A and C clearly differ therefore
   stays {A, B}, {C} or {A}, {B, C}, whichever the evidence favours. The mean, not the sum,
   picks the order: a sparse record (a name and a date of birth) would otherwise join
   whichever group has the most members before the group of its own person.
   A pair in conflict (probability below ``CONFLICT_PROBABILITY``, or what ``conflicts``
   says: incompatible dates of birth and a strong identifier that differs, with none equal)
   may never end in one cluster, however strongly others pull: its weight is -inf, and a
   merge across it is never positive. A record joins a cluster only
   when it is consistent with every member, not merely with one.
   With ``Collective`` evidence, a merge must also agree with what each group says as a
   whole. Pairs alone cannot see it: two people with the same name, each with a few
   consistent records, look alike pair by pair, and the pairs' weights add up. Where both
   groups have two or more members (their evidence corroborated, not one record's):
   a. two groups that each give every kind of strong identifier (passport, email, phone)
      and share no value of any kind are two people (one record alone may well come back
      with a new passport, a new mailbox and another phone);
   b. two groups whose given names disagree across every pair are two people: relatives
      sharing a home phone or a family mailbox (twins share the date of birth too);
   and in any cluster:
   c. no two dates of birth are each given by two or more members, unless the records of
      the two dates share a passport, or both a mailbox and a phone: one mistyped date is a
      typo, the same date given twice is another person's (a day–month swap given twice
      too); a household shares a mailbox or a phone, seldom both under one given name.
   A shared passport (or one character off) overrides b and c: two people never hold one.
   A refused merge is tried again once either group has grown (the evidence has changed).
4. Components larger than ``max_component`` are first cut by raising the threshold.

Guarantees: every record gets exactly one cluster; two records end in one cluster only if
they are connected by pairs at or above the threshold; in a cluster of three or more, no
two members are in conflict, and no two dates of birth are each given by two or more members
unless the records of the two share a passport, or a mailbox and a phone; every merge that
formed a re-clustered component's cluster obeyed rules a and b; clusters are numbered from 0
in the order of their first record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from enlist.matching.scoring import weight_of

CONFLICT_PROBABILITY = 0.01
"""Two records scored below this are in conflict: never in one cluster."""

PairScorer = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Match weights (bits) of the pairs (left[k], right[k])."""
PairConflicts = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""Whether each pair (left[k], right[k]) is in conflict: never in one cluster."""
_SMALLEST_REFUSABLE = 4
"""Each rule needs two records on each side (a, b) or two dates given twice each (c)."""
PairTest = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""A yes or no per pair (left[k], right[k])."""
PairKinds = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""A yes or no per pair (left[k], right[k]) and kind of identifier: (pairs x kinds) bool."""


@dataclass(frozen=True)
class Collective:
    """Per record, what a group of records says together (rules a, b, c of the module)."""

    identifiers: np.ndarray
    """(records x kinds) bool: the record gives a strong identifier of that kind."""
    birth: np.ndarray
    """Per record its full date of birth as one number (0: none or partial)."""
    share_identifier: PairKinds
    """(pairs x kinds) bool: the pair shares a value of that kind of identifier."""
    personal: np.ndarray
    """(kinds,) bool: kinds no two people share (a passport); sharing one outweighs b and c."""
    other_given_name: PairTest
    """Pairs whose given names disagree outright (not a spelling, nickname or script)."""


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label (the smallest member index) of each of n nodes."""
    labels = np.arange(n, dtype=np.int64)
    if len(left) == 0:
        return labels
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    while True:
        low = np.minimum(labels[left], labels[right])
        before = labels.copy()
        np.minimum.at(labels, left, low)
        np.minimum.at(labels, right, low)
        # Pointer jumping: follow labels to their roots.
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(before, labels):
            return labels


class _Groups:
    """What each group of a component says together, kept up to date as groups merge."""

    def __init__(
        self,
        identifiers: np.ndarray,
        birth: np.ndarray,
        share: np.ndarray,
        personal: np.ndarray,
        other_name: np.ndarray,
    ) -> None:
        self.members = [[k] for k in range(len(birth))]
        self.identifiers = identifiers.copy()
        self.share = np.any(share, axis=2)
        self.record_share = share  # per kind, for the date sub-groups of rule c
        self.personal = personal
        self.group_personal_share = np.any(share[:, :, personal], axis=2)
        self.other_name = other_name.copy()  # every pair across disagrees on the given name
        # Dates numbered in order of appearance (a dict: components are small, numpy's
        # per-call cost would dominate); -1 for none.
        numbers: dict[int, int] = {}
        self.date = np.array(
            [numbers.setdefault(d, len(numbers)) if d else -1 for d in birth.tolist()],
            dtype=np.int64,
        )
        dated = np.flatnonzero(self.date >= 0)
        self.births = np.zeros((len(birth), len(numbers)), dtype=np.int64)
        self.births[dated, self.date[dated]] = 1

    def refuse(self, i: int, j: int) -> bool:
        """Whether groups i and j are two people by what each says as a whole."""
        corroborated = min(len(self.members[i]), len(self.members[j])) >= 2
        every_kind = (self.identifiers[i] & self.identifiers[j]).all()
        if corroborated and every_kind and not self.share[i, j]:
            return True
        if corroborated and self.other_name[i, j] and not self.group_personal_share[i, j]:
            return True
        repeated = np.flatnonzero((self.births[i] + self.births[j]) >= 2)
        if len(repeated) < 2:
            return False
        # Each repeated date's records: two people, unless every two of them are bridged.
        joined = np.array(self.members[i] + self.members[j])
        subgroups = [joined[self.date[joined] == d] for d in repeated.tolist()]
        return not all(
            self._bridged(one, other)
            for k, one in enumerate(subgroups)
            for other in subgroups[k + 1 :]
        )

    def _bridged(self, one: np.ndarray, other: np.ndarray) -> bool:
        """Whether two sets of records are one person's for rule c: they share a passport, or
        every other kind of identifier (a household shares a mailbox or a phone, and a
        family's own mailbox and home phone come with other given names: rule b)."""
        kinds = self.record_share[np.ix_(one, other)].any(axis=(0, 1))
        return bool(kinds[self.personal].any() or kinds[~self.personal].all())

    def merge(self, i: int, j: int) -> None:
        """Group j joins group i."""
        self.members[i] += self.members[j]
        self.identifiers[i] |= self.identifiers[j]
        self.share[i, :] |= self.share[j, :]
        self.share[:, i] |= self.share[:, j]
        self.group_personal_share[i, :] |= self.group_personal_share[j, :]
        self.group_personal_share[:, i] |= self.group_personal_share[:, j]
        self.other_name[i, :] &= self.other_name[j, :]
        self.other_name[:, i] &= self.other_name[:, j]
        self.births[i] += self.births[j]


def _gaec(
    size: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    groups: _Groups | None = None,
) -> np.ndarray:
    """Greedy additive edge contraction on a complete weighted graph of ``size`` nodes.

    A weight of -inf is a cannot-link: sums across it stay -inf, so the two sides never merge.
    A merge ``groups`` refuses is set aside until one of the two groups grows.
    """
    joint = np.zeros((size, size), dtype=np.float64)
    joint[left, right] = weight
    joint[right, left] = weight
    np.fill_diagonal(joint, -np.inf)
    refused = np.zeros((size, size), dtype=bool)
    members = np.arange(size)
    alive = np.ones(size, dtype=bool)
    counts = np.ones(size, dtype=np.float64)
    while True:
        # The strongest bond on average goes first: a sum would let a large group pull in a
        # sparse record by the number of its members, before the record's own person.
        mean = joint / np.outer(counts, counts)
        flat = int(np.argmax(np.where(refused, -np.inf, mean)))
        i, j = divmod(flat, size)
        if not joint[i, j] > 0:
            break
        if groups is not None:
            if groups.refuse(i, j):
                refused[i, j] = refused[j, i] = True
                continue
            groups.merge(i, j)
            refused[i, :] = refused[:, i] = False
        # Merge j into i: the weights across add up.
        joint[i, :] += joint[j, :]
        joint[:, i] += joint[:, j]
        joint[i, i] = -np.inf
        joint[j, :] = -np.inf
        joint[:, j] = -np.inf
        alive[j] = False
        counts[i] += counts[j]
        members[members == j] = i
    return members


def _all_pairs(groups: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair inside each group: global left, right, and the group number (sorted by it).

    Groups of one size are handled together: one triangle of index pairs, applied to a
    (groups x size) matrix of members.
    """
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    lefts, rights, owners = [], [], []
    for size in np.unique(sizes).tolist():
        numbers = np.flatnonzero(sizes == size)
        members = np.stack([groups[k] for k in numbers.tolist()])
        i, j = np.triu_indices(size, k=1)
        lefts.append(members[:, i].ravel())
        rights.append(members[:, j].ravel())
        owners.append(np.repeat(numbers, len(i)))
    if not lefts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    left, right, owner = np.concatenate(lefts), np.concatenate(rights), np.concatenate(owners)
    order = np.argsort(owner, kind="stable")
    return left[order], right[order], owner[order]


def _collectively_suspect(
    groups: list[np.ndarray],
    pl: np.ndarray,
    pr: np.ndarray,
    owner: np.ndarray,
    shared: np.ndarray,
    other_name: np.ndarray,
    collective: Collective,
) -> np.ndarray:
    """Per group, whether a rule could refuse a merge inside it (then it is re-clustered).

    Rule a: some pair gives every kind of identifier on both sides and shares none. Rule b:
    some pair's given names disagree. Rule c: two or more dates of birth each given by two or
    more members.
    """
    suspect = np.zeros(len(groups), dtype=bool)
    # Two groups of two or more whose names disagree across: four such pairs at least.
    suspect |= np.bincount(owner[other_name], minlength=len(groups)) >= 4
    ids = collective.identifiers
    strangers = (ids[pl] & ids[pr]).all(axis=1) & ~shared.any(axis=1)
    suspect[owner[strangers]] = True
    member = np.concatenate(groups)
    number = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    birth = collective.birth[member]
    dated = birth > 0
    # One key per (group, date): dates are below 10**8 (yyyymmdd).
    keys, counts = np.unique(number[dated] * 10**8 + birth[dated], return_counts=True)
    repeated = np.bincount(keys[counts >= 2] // 10**8, minlength=len(groups))
    suspect |= repeated >= 2
    return suspect & (np.array([len(g) for g in groups]) >= _SMALLEST_REFUSABLE)


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    match_weight: np.ndarray,
    *,
    threshold: float,
    scorer: PairScorer,
    conflicts: PairConflicts | None = None,
    collective: Collective | None = None,
    max_component: int = 400,
) -> np.ndarray:
    """Cluster number of each of n records; see the module docstring."""
    cut = weight_of(threshold)
    strong = match_weight >= cut
    sl, sr, sw = left[strong], right[strong], match_weight[strong]
    labels = connected_components(n, sl, sr)

    # Cut components that are too large by raising the bar on their edges.
    roots, sizes = np.unique(labels, return_counts=True)
    big = roots[sizes > max_component]
    raise_by = 2.0
    while len(big):
        in_big = np.isin(labels[sl], big)
        keep = ~in_big | (sw >= cut + raise_by)
        sl, sr, sw = sl[keep], sr[keep], sw[keep]
        labels = connected_components(n, sl, sr)
        roots, sizes = np.unique(labels, return_counts=True)
        big = roots[sizes > max_component]
        raise_by += 2.0
    final = labels.copy()

    multi = roots[sizes >= 3]
    if len(multi):
        order = np.argsort(labels, kind="stable")
        sorted_labels = labels[order]
        starts = np.searchsorted(sorted_labels, multi)
        ends = np.searchsorted(sorted_labels, multi, side="right")
        groups = [order[s:e] for s, e in zip(starts, ends, strict=True)]
        pl, pr, owner = _all_pairs(groups)
        scored = scorer(pl, pr)
        pw = scored - cut
        pw[scored < weight_of(CONFLICT_PROBABILITY)] = -np.inf
        if conflicts is not None:
            pw[conflicts(pl, pr)] = -np.inf
        worst = np.full(len(groups), np.inf)
        np.minimum.at(worst, owner, pw)
        redo = worst < 0
        if collective is not None:
            shared = collective.share_identifier(pl, pr)
            other_name = collective.other_given_name(pl, pr)
            redo |= _collectively_suspect(groups, pl, pr, owner, shared, other_name, collective)
        incoherent = np.flatnonzero(redo)
        if len(incoherent):
            pair_starts = np.searchsorted(owner, incoherent)
            pair_ends = np.searchsorted(owner, incoherent, side="right")
            for g, s, e in zip(incoherent, pair_starts, pair_ends, strict=True):
                group = groups[g]
                local = {int(v): k for k, v in enumerate(group)}
                li = np.fromiter((local[int(v)] for v in pl[s:e]), dtype=np.int64)
                ri = np.fromiter((local[int(v)] for v in pr[s:e]), dtype=np.int64)
                evidence = None
                if collective is not None and len(group) >= _SMALLEST_REFUSABLE:
                    kinds = collective.identifiers.shape[1]
                    share = np.zeros((len(group), len(group), kinds), dtype=bool)
                    share[li, ri] = share[ri, li] = shared[s:e]
                    differ = np.zeros((len(group), len(group)), dtype=bool)
                    differ[li, ri] = differ[ri, li] = other_name[s:e]
                    evidence = _Groups(
                        collective.identifiers[group],
                        collective.birth[group],
                        share,
                        collective.personal,
                        differ,
                    )
                members = _gaec(len(group), li, ri, pw[s:e], evidence)
                final[group] = group[members]
    return renumber(final)


def renumber(labels: np.ndarray) -> np.ndarray:
    """Cluster numbers 0, 1, 2, ... in the order each cluster first appears."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]
