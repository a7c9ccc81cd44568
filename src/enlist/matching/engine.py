"""Batch matching: encode, block, compare, fit, score, cluster.

``deduplicate`` runs the whole pipeline on a set of records and returns a ``BatchResult``
(cluster per record, the scored candidate pairs as arrays, the fitted model); the small
functions ``score``, ``score_pairs`` and ``cluster_records`` are the dataclass face of it.

Guarantees: every input record gets exactly one cluster number; scoring is symmetric; a
record compared with itself scores at least as high as with any other record; results are
deterministic for the same input (random sampling is seeded); a cluster is judged by what
its members say together, not pair by pair (``clustering``'s rules a-c, fed by
``collective_evidence``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from enlist.matching.blocking import candidate_pairs
from enlist.matching.clustering import Collective, PairKinds, PairTest, cluster
from enlist.matching.compare import FIELD_INDEX, FIELDS, compare
from enlist.matching.encode import Encoded, encode_columns, encode_records
from enlist.matching.records import FieldEvidence, Record, ScoredPair
from enlist.matching.scoring import Model, fit, probability

DEFAULT_THRESHOLD = 0.9
Progress = Callable[[str, int], None]
"""Called with (stage name, records or pairs done) as the pipeline advances."""


def _quiet(stage: str, done: int) -> None:
    return None


@dataclass
class BatchResult:
    """Output of ``deduplicate``: clusters and the scored candidate pairs behind them."""

    data: Encoded
    model: Model
    clusters: np.ndarray
    left: np.ndarray
    right: np.ndarray
    levels: np.ndarray
    field_weights: np.ndarray
    match_weight: np.ndarray

    @property
    def probability(self) -> np.ndarray:
        return probability(self.match_weight)

    def cluster_ids(self) -> list[int]:
        ids: list[int] = self.clusters.tolist()
        return ids

    def pair(self, k: int) -> ScoredPair:
        return _scored_pair(
            self.data.ids[self.left[k]],
            self.data.ids[self.right[k]],
            float(self.probability[k]),
            self.levels[k],
            self.field_weights[k],
            self.relatives_weight(k),
        )

    def relatives_weight(self, k: int) -> float:
        """The "could be relatives" weight of pair ``k`` (see ``scoring``)."""
        return float(
            self.model.relatives_weight(self.levels[k : k + 1], self.field_weights[k : k + 1])[0]
        )

    def pairs(self, min_probability: float = 0.5) -> list[ScoredPair]:
        chosen = np.flatnonzero(self.probability >= min_probability)
        return [self.pair(int(k)) for k in chosen]


RELATIVES = "relatives"
"""The evidence row of the relatives term: not a field, the pattern of the fields together."""
RELATIVES_LEVEL = "could be relatives"


def _scored_pair(
    left: str,
    right: str,
    p: float,
    levels: np.ndarray,
    weights: np.ndarray,
    relatives: float = 0.0,
) -> ScoredPair:
    evidence = tuple(
        FieldEvidence(f.name, f.levels[int(level)], round(float(w), 3))
        for f, level, w in zip(FIELDS, levels, weights, strict=True)
    )
    if relatives <= -0.05:
        evidence += (FieldEvidence(RELATIVES, RELATIVES_LEVEL, round(relatives, 3)),)
    return ScoredPair(left=left, right=right, probability=p, evidence=evidence)


_G, _D, _P, _E, _PH = (
    FIELD_INDEX[f] for f in ("given_name", "date_of_birth", "passport_number", "email", "phone")
)


def cluster_scored(
    encoded: Encoded,
    model: Model,
    left: np.ndarray,
    right: np.ndarray,
    match_weight: np.ndarray,
    *,
    threshold: float,
) -> np.ndarray:
    """Cluster numbers from the candidate pairs' match weights; ``clustering.cluster`` scores
    the other pairs inside a component with ``model`` and judges groups by ``collective``."""
    last: dict[str, np.ndarray] = {}  # the scorer's levels, for the same pairs' other tests

    def levels_of(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        if last.get("left") is not pl or last.get("right") is not pr:
            last["levels"] = compare(encoded, pl, encoded, pr).levels
            last["left"], last["right"] = pl, pr
        return last["levels"]

    def scorer(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        levels = levels_of(pl, pr)
        return model.match_weight(model.field_weights(levels, encoded, pl, encoded, pr), levels)

    def conflicts(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        return in_conflict(levels_of(pl, pr))

    def share_identifier(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        return shares_identifier(levels_of(pl, pr))

    def other_given_name(pl: np.ndarray, pr: np.ndarray) -> np.ndarray:
        other: np.ndarray = levels_of(pl, pr)[:, _G] == 1
        return other

    return cluster(
        len(encoded),
        left,
        right,
        match_weight,
        threshold=threshold,
        scorer=scorer,
        conflicts=conflicts,
        collective=collective_evidence(encoded, share_identifier, other_given_name),
    )


def collective_evidence(
    encoded: Encoded, share_identifier: PairKinds, other_given_name: PairTest
) -> Collective:
    """What ``clustering`` needs to judge groups of records: which strong identifiers each
    record gives, its full date of birth, and the pair tests of the scorer's levels."""
    identifiers = np.stack([encoded.passport > 0, encoded.email > 0, encoded.phone > 0], axis=1)
    year = encoded.year.astype(np.int64)
    month, day = encoded.month.astype(np.int64), encoded.day.astype(np.int64)
    full = (year > 0) & (month > 0) & (day > 0)
    birth = np.where(full, year * 10_000 + month * 100 + day, 0)
    personal = np.array([True, False, False])  # a passport; households share mail and phones
    return Collective(
        identifiers=identifiers,
        birth=birth,
        share_identifier=share_identifier,
        personal=personal,
        other_given_name=other_given_name,
    )


def deduplicate(
    data: Encoded | Sequence[Record],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model: Model | None = None,
    progress: Progress = _quiet,
) -> BatchResult:
    """Cluster ``data``; fit the model on it unless one is given."""
    encoded = data if isinstance(data, Encoded) else encode_records(data)
    n = len(encoded)
    progress("encoded", n)
    left, right = candidate_pairs(encoded)
    progress("blocked", len(left))
    comparison = compare(encoded, left, encoded, right)
    progress("compared", len(left))
    if model is None:
        model = fit(encoded, comparison.levels)
    elif not model.tf:
        model = copy.copy(model)  # the caller's model stays as it was
        model.set_term_frequencies(encoded)
    progress("fitted", len(left))
    weights = model.field_weights(comparison.levels, encoded, left, encoded, right)
    match_weight = model.match_weight(weights, comparison.levels)
    clusters = cluster_scored(encoded, model, left, right, match_weight, threshold=threshold)
    progress("clustered", n)
    return BatchResult(
        data=encoded,
        model=model,
        clusters=clusters,
        left=left,
        right=right,
        levels=comparison.levels,
        field_weights=weights,
        match_weight=match_weight,
    )


def in_conflict(levels: np.ndarray) -> np.ndarray:
    """Pairs that can never be one person in a cluster: dates of birth that no error pattern
    explains (not the same year, no part off by one, not day and month swapped) and a strong
    identifier (passport, email, phone) that differs, with none equal."""
    strong = levels[:, [_P, _E, _PH]]
    refused: np.ndarray = (
        (levels[:, _D] == 1) & (strong == 1).any(axis=1) & ~(strong == 3).any(axis=1)
    )
    return refused


def shares_identifier(levels: np.ndarray) -> np.ndarray:
    """Per pair, whether it has the same passport (or one character off), the same email
    address, the same phone (or its last 8 digits): (pairs x 3) bool. A shared mailbox
    *name* is not enough: namesakes choose the same ones."""
    shared: np.ndarray = np.stack(
        [levels[:, _P] >= 2, levels[:, _E] == 3, levels[:, _PH] >= 2], axis=1
    )
    return shared


def applications_in_conflict(pairs: Sequence[tuple[Record, Record]]) -> bool:
    """Whether any of these record pairs is in conflict (``in_conflict``)."""
    if not pairs:
        return False
    records = [record for pair in pairs for record in pair]
    encoded = encode_records(records)
    left = np.arange(0, len(records), 2)
    levels = compare(encoded, left, encoded, left + 1).levels
    return bool(in_conflict(levels).any())


def cluster_records(
    records: Sequence[Record],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    model: Model | None = None,
) -> list[int]:
    """Cluster number per record (same order); equal numbers mean the same person."""
    return deduplicate(records, threshold=threshold, model=model).cluster_ids()


def score_pairs(
    records: Sequence[Record],
    pairs: Iterable[tuple[int, int]],
    *,
    model: Model | None = None,
) -> list[ScoredPair]:
    """Score chosen pairs of ``records`` (by position) with ``model`` (default parameters).

    A model with term frequencies (fitted on a batch, or an index's) scores the records with
    the vocabularies it counted them over, so a name's frequency is that name's.
    """
    model = model or Model.default()
    encoded = encode_records(records, model.tf_vocab if model.tf else None)
    index_pairs = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    left, right = index_pairs[:, 0], index_pairs[:, 1]
    levels = compare(encoded, left, encoded, right).levels
    weights = model.field_weights(levels, encoded, left, encoded, right)
    p = probability(model.match_weight(weights, levels))
    relatives = model.relatives_weight(levels, weights)
    return [
        _scored_pair(
            encoded.ids[a], encoded.ids[b], float(p[k]), levels[k], weights[k], relatives[k]
        )
        for k, (a, b) in enumerate(zip(left.tolist(), right.tolist(), strict=True))
    ]


def score(a: Record, b: Record, *, model: Model | None = None) -> ScoredPair:
    """Match probability of two records with per-field evidence."""
    return score_pairs([a, b], [(0, 1)], model=model)[0]


__all__ = [
    "BatchResult",
    "applications_in_conflict",
    "DEFAULT_THRESHOLD",
    "cluster_records",
    "deduplicate",
    "encode_columns",
    "score",
    "score_pairs",
]
