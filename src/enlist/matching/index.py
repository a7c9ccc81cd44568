"""Incremental matching: score one new record against everything stored, while a clerk types.

``MatchIndex`` keeps the stored records as encoded numpy columns and, for every blocking
pass of ``blocking``, the records under each key: a sorted key array (built in bulk, looked
up by binary search) plus a small dictionary for records added since. A query encodes the
new record, gathers the records sharing any of its keys, compares and scores them in one
vectorised step with the index's model, and returns the best ``ScoredPair``s.

Guarantees: ``query`` never changes the index; a query scores a stored record exactly as
batch scoring with the same model would (same comparison, same term frequencies); a record
added with ``add`` is found by the next query; the caller's model is copied, never changed.
The prior stays the one the model was fitted with (scaled to the size of a bulk build), so a
score does not drift as records are added one by one.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence

import numpy as np

from enlist.matching.blocking import PASSES, candidate_pairs
from enlist.matching.compare import compare
from enlist.matching.encode import (
    COLUMNS,
    Encoded,
    Vocabularies,
    empty_columns,
    encode_records,
)
from enlist.matching.engine import _scored_pair
from enlist.matching.records import Record, ScoredPair
from enlist.matching.scoring import TF_FIELDS, Model, fit, probability

_FIT_SAMPLE = 200_000


class _Postings:
    """Rows under each key of one blocking pass: bulk-sorted arrays plus recent additions."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.rows = rows[order]
        self.recent: dict[int, list[int]] = {}

    def add(self, keys: np.ndarray, row: int) -> None:
        for key in keys.tolist():
            self.recent.setdefault(key, []).append(row)

    def lookup(self, key: int, max_block: int) -> np.ndarray | list[int]:
        lo = int(np.searchsorted(self.keys, key, side="left"))
        hi = int(np.searchsorted(self.keys, key, side="right"))
        recent = self.recent.get(key, [])
        if hi - lo + len(recent) > max_block:
            return []
        if not recent:
            return self.rows[lo:hi]
        return np.concatenate([self.rows[lo:hi], np.asarray(recent, dtype=np.int64)])


class MatchIndex:
    """Stored records, searchable for probable duplicates of a new one."""

    def __init__(self, model: Model | None = None, *, max_block: int = 300) -> None:
        # A copy: adding records updates its term frequencies, never the caller's model.
        self.model = model.copy() if model is not None else Model.default()
        self.max_block = max_block
        self.vocab = Vocabularies()
        self._columns = empty_columns(1024)
        self._ids: list[str] = []
        self._postings = [_Postings(np.zeros(0, np.int64), np.zeros(0, np.int64)) for _ in PASSES]
        if not self.model.tf:
            self.model.tf = {column: np.zeros(1, np.int64) for _, column, _ in TF_FIELDS}

    def __len__(self) -> int:
        return len(self._ids)

    @classmethod
    def build(
        cls,
        records: Sequence[Record] | Encoded,
        *,
        model: Model | None = None,
        max_block: int = 300,
    ) -> MatchIndex:
        """An index over ``records``; the model is fitted on (a sample of) them unless given."""
        data = records if isinstance(records, Encoded) else encode_records(records)
        if model is None:
            sample = _head(data, _FIT_SAMPLE)
            left, right = candidate_pairs(sample, max_block=max_block)
            model = fit(sample, compare(sample, left, sample, right).levels)
            # The prior is per pair: with the same duplicates per person, it falls as 1/n.
            model.prior *= (len(sample) - 1) / max(len(data) - 1, 1)
            model.relative_prior *= (len(sample) - 1) / max(len(data) - 1, 1)
        index = cls(model, max_block=max_block)
        index.model.set_term_frequencies(data)
        index.vocab = data.vocab
        index._ids = list(data.ids)
        index._columns = {name: getattr(data, name).copy() for name in COLUMNS}
        index._postings = []
        for blocking_pass in PASSES:
            keys, rows = blocking_pass.keys(data)
            index._postings.append(_Postings(keys, rows.astype(np.int64)))
        # The stored strings live as long as the index: keep the cyclic garbage collector
        # from walking millions of them on every full collection (a pause of seconds).
        gc.freeze()
        return index

    def _stored(self) -> Encoded:
        n = len(self._ids)
        views = {name: column[:n] for name, column in self._columns.items()}
        return Encoded(ids=self._ids, vocab=self.vocab, **views)

    def _encode(self, record: Record) -> Encoded:
        return encode_records([record], self.vocab)

    def add(self, record: Record) -> None:
        """Store ``record``: it is found by later queries and counts in term frequencies."""
        one = self._encode(record)
        row = len(self._ids)
        if row >= len(next(iter(self._columns.values()))):
            grown = empty_columns(max(1024, 2 * row))
            for name, column in self._columns.items():
                grown[name][:row] = column[:row]
            self._columns = grown
        for name in COLUMNS:
            self._columns[name][row] = getattr(one, name)[0]
        self._ids.append(record.id)
        for blocking_pass, postings in zip(PASSES, self._postings, strict=True):
            keys, _ = blocking_pass.keys(one)
            postings.add(keys, row)
        nationality = int(one.nationality[0])
        for _, term_column, _ in TF_FIELDS:
            self.model.add_term(nationality, term_column, int(getattr(one, term_column)[0]))
        self.model.add_nationality(nationality)

    def candidates(self, record: Record) -> np.ndarray:
        """Rows sharing at least one blocking key with ``record``."""
        return self._candidates(self._encode(record))

    def _candidates(self, one: Encoded) -> np.ndarray:
        found: list[np.ndarray | list[int]] = []
        for blocking_pass, postings in zip(PASSES, self._postings, strict=True):
            keys, _ = blocking_pass.keys(one)
            for key in keys.tolist():
                found.append(postings.lookup(key, self.max_block))
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate([np.asarray(f, dtype=np.int64) for f in found]))

    def query(
        self, record: Record, *, limit: int = 10, min_probability: float = 0.0
    ) -> list[ScoredPair]:
        """The stored records most likely to be ``record``'s person, best first.

        Each ``ScoredPair`` has ``left`` = the query's id and ``right`` = the stored id.
        """
        one = self._encode(record)
        rows = self._candidates(one)
        if not len(rows):
            return []
        stored = self._stored()
        zeros = np.zeros(len(rows), dtype=np.int64)
        levels = compare(one, zeros, stored, rows).levels
        weights = self.model.field_weights(levels, one, zeros, stored, rows)
        p = probability(self.model.match_weight(weights, levels))
        relatives = self.model.relatives_weight(levels, weights)
        order = np.argsort(-p, kind="stable")[:limit]
        order = order[p[order] >= min_probability]
        return [
            _scored_pair(
                record.id, self._ids[rows[k]], float(p[k]), levels[k], weights[k], relatives[k]
            )
            for k in order.tolist()
        ]


def _head(data: Encoded, n: int) -> Encoded:
    if len(data) <= n:
        return data
    views = {name: getattr(data, name)[:n] for name in COLUMNS}
    return Encoded(ids=data.ids[:n], vocab=data.vocab, **views)
