"""Fellegi-Sunter scoring with parameters estimated from the data.

For each field and agreement level, ``m`` is P(level | same person) and ``u`` is
P(level | different people). A pair's match weight is the sum over fields of log2(m/u) plus
the prior log-odds; its probability is the logistic of that. The "missing" level has weight 0.

Estimation, as the Fellegi-Sunter literature and Splink do it:
- ``u`` from comparisons of random pairs of records (almost all of them are different people);
- ``m`` and the prior by expectation-maximisation on the candidate pairs that blocking found,
  with ``u`` held fixed. EM runs on the distinct comparison vectors with their counts, so it
  costs the same for a thousand pairs or ten million. A weak Dirichlet prior towards
  ``DEFAULT_M`` keeps small data sets from degenerate estimates.
- Term frequencies: an exact agreement on a name or city is weighed with the frequency of
  that value (two "Kovalenko" agree by chance more often than two "Tsereteli"), counted
  *within the nationality* when both records give the same one: names and cities belong to
  countries, so "Kyiv" among Ukrainians is common, and the nationality's own weight already
  says that the two are compatriots (counting both globally would count that twice).

Negative evidence from look-alikes. Fellegi-Sunter assumes that, among different people,
fields agree independently. Relatives break that: they share a family name, a city, often a
home phone or a family mailbox, and twins share a date of birth, so the sum of field weights
overrates a pair of brothers. The model therefore has a third class beside "same person"
and "random pair": *relatives*, with its own level probabilities ``r`` and its share of all
pairs ``relative_prior``. The odds of a match are then

    λ·m(γ) / ((1-λ-ρ)·u(γ) + ρ·r(γ))  =  2^W / (1 + ρ/(1-λ-ρ) · r(γ)/u(γ))

where W is the usual match weight; the denominator is the ``relatives`` term, a negative
weight that is large exactly when the pair looks like family (same surname, same household
phone, different given names) and about zero when it does not.

Guarantees: weights are finite; scoring is symmetric in the two records.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from enlist.matching.compare import FIELD_INDEX, FIELDS, N_FIELDS, compare
from enlist.matching.encode import Encoded, Vocabularies

# Reasonable starting m probabilities per field level (missing first, ignored).
DEFAULT_M: tuple[tuple[float, ...], ...] = (
    (0.0, 0.01, 0.04, 0.07, 0.25, 0.63),
    (0.0, 0.05, 0.05, 0.10, 0.80),
    (0.0, 0.03, 0.05, 0.10, 0.07, 0.75),
    (0.0, 0.05, 0.10, 0.85),
    (0.0, 0.15, 0.05, 0.80),
    (0.0, 0.10, 0.10, 0.80),
    (0.0, 0.15, 0.05, 0.80),
    (0.0, 0.10, 0.90),
)
# u probabilities used before any data is seen (a model with no fitting).
DEFAULT_U: tuple[tuple[float, ...], ...] = (
    (0.0, 0.90, 0.07, 0.015, 0.01, 0.005),
    (0.0, 0.95, 0.04, 0.008, 0.002),
    (0.0, 0.97, 0.028, 0.0015, 0.00002, 0.00003),
    (0.0, 0.99998, 0.00001, 0.00001),
    (0.0, 0.99998, 0.00001, 0.00001),
    (0.0, 0.99998, 0.00001, 0.00001),
    (0.0, 0.90, 0.02, 0.08),
    (0.0, 0.60, 0.40),
)
# r: P(level | relatives), used before any data is seen. Relatives differ in given name and
# passport, share the family name (or its gendered form), often the city, sometimes a
# household phone or mailbox; a date of birth only as twins.
DEFAULT_R: tuple[tuple[float, ...], ...] = (
    (0.0, 0.92, 0.05, 0.02, 0.005, 0.005),
    (0.0, 0.06, 0.03, 0.06, 0.85),
    (0.0, 0.90, 0.06, 0.02, 0.002, 0.018),
    (0.0, 0.9998, 0.0001, 0.0001),
    (0.0, 0.80, 0.02, 0.18),
    (0.0, 0.75, 0.02, 0.23),
    (0.0, 0.25, 0.05, 0.70),
    (0.0, 0.02, 0.98),
)
# Share of relatives among all pairs before any data is seen (a few relatives per person
# among some ten thousand records).
DEFAULT_RELATIVE_PRIOR = 1e-4
# Fields whose exact agreement is weighed by the frequency of the value: (field, column).
TF_FIELDS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("given_name", "given_canon", (4, 5)),
    ("family_name", "family", (4,)),
    ("city", "city", (3,)),
)
_FLOOR = 1e-6
# Below this many records, value frequencies are too noisy to weigh agreement by.
TF_MIN_RECORDS = 500
# Below this many records of a nationality, its names are weighed by their global frequency.
TF_MIN_NATIONALITY = 200


@dataclass
class Model:
    """Fellegi-Sunter parameters: per field, m and u for each level; the prior match rate."""

    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float = 1e-4
    tf: dict[str, np.ndarray] = field(default_factory=dict)
    tf_total: int = 0
    # Within-nationality counts: sorted keys (nationality << 32 | value) and their counts
    # per column, records per nationality, and counts added one by one since (an index),
    # per column too: the columns share one vocabulary, so an id alone names no column.
    tf_nat: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    nat_total: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    tf_nat_added: dict[str, dict[int, int]] = field(default_factory=dict)
    r: list[np.ndarray] = field(default_factory=lambda: _arrays(DEFAULT_R))
    relative_prior: float = DEFAULT_RELATIVE_PRIOR
    # The vocabularies the term frequencies were counted over: their counts are indexed by
    # those ids, so records scored later must be encoded with the same ones.
    tf_vocab: Vocabularies | None = field(default=None, repr=False, compare=False)

    @classmethod
    def default(cls) -> Model:
        return cls(m=_arrays(DEFAULT_M), u=_arrays(DEFAULT_U))

    def relative_table(self) -> np.ndarray:
        """log2(r/m) per field and level (padded with 0); missing is 0.

        Clamped so that the top level has the smallest ratio and it is at most 0: a record
        compared with itself then never looks more like a relative than like itself (the
        odds are 1 / (Π u/m + ρ'·Π r/m), each factor smallest at full agreement).
        """
        width = max(len(f.levels) for f in FIELDS)
        table = np.zeros((N_FIELDS, width), dtype=np.float64)
        for i, (m, r) in enumerate(zip(self.m, self.r, strict=True)):
            w = np.log2(np.maximum(r, _FLOOR) / np.maximum(m, _FLOOR))
            top = min(w[-1], 0.0)
            w = np.maximum(w, top)
            w[-1] = top
            w[0] = 0.0
            table[i, : len(w)] = w
        return table

    def relatives_weight(self, levels: np.ndarray, field_weights: np.ndarray) -> np.ndarray:
        """The (negative) weight of "could be relatives": -log2(1 + ρ'·r(γ)/u(γ)).

        log2(r/u) of a field is log2(r/m) + its field weight, so the term frequency of a
        shared family name counts here too: two people sharing a rare surname are more
        likely family than two sharing a common one.
        """
        if self.relative_prior <= 0 or len(levels) == 0:
            return np.zeros(len(levels), dtype=np.float64)
        table = self.relative_table()
        log_ratio = field_weights.sum(axis=1, dtype=np.float64)
        for f in range(N_FIELDS):
            log_ratio += table[f][levels[:, f]]
        rest = max(1.0 - self.prior - self.relative_prior, 1e-9)
        exponent = log_ratio + np.log2(self.relative_prior / rest)
        weight: np.ndarray = -np.logaddexp2(0.0, exponent)
        return weight

    def weight_table(self) -> np.ndarray:
        """log2(m/u) per field (rows) and level (columns, padded with 0); missing is 0."""
        width = max(len(f.levels) for f in FIELDS)
        table = np.zeros((N_FIELDS, width), dtype=np.float64)
        for i, (m, u) in enumerate(zip(self.m, self.u, strict=True)):
            w = np.log2(np.maximum(m, _FLOOR) / np.maximum(u, _FLOOR))
            w[0] = 0.0
            table[i, : len(w)] = w
        return table

    def prior_weight(self) -> float:
        p = min(max(self.prior, 1e-12), 1 - 1e-9)
        return float(np.log2(p / (1 - p)))

    def set_term_frequencies(self, data: Encoded) -> None:
        """Count the values of the term-frequency columns in ``data`` (replacing counts)."""
        self.tf = {}
        self.tf_nat = {}
        self.tf_nat_added = {}
        nat = data.nationality.astype(np.int64)
        for _, column, _ in TF_FIELDS:
            values = getattr(data, column)
            self.tf[column] = np.bincount(values, minlength=1).astype(np.int64)
            known = (nat > 0) & (values > 0)
            keys, counts = np.unique((nat[known] << 32) | values[known], return_counts=True)
            self.tf_nat[column] = (keys, counts.astype(np.int64))
        self.nat_total = np.bincount(nat, minlength=1).astype(np.int64)
        self.tf_total = len(data)
        self.tf_vocab = data.vocab

    def copy(self) -> Model:
        """A copy whose counts can change without changing this model's; the vocabularies
        (which only grow, and may hold a million strings) are shared."""
        return copy.deepcopy(self, {id(self.tf_vocab): self.tf_vocab})

    def add_term(self, nationality: int, column: str, value: int) -> None:
        """Count one more record with ``value`` in ``column`` (an index adding a record)."""
        counts = self.tf[column]
        if value >= len(counts):
            counts = self.tf[column] = np.concatenate(
                [counts, np.zeros(value + 1 - len(counts), np.int64)]
            )
        counts[value] += 1
        if nationality > 0 and value > 0:
            key = (nationality << 32) | value
            added = self.tf_nat_added.setdefault(column, {})
            added[key] = added.get(key, 0) + 1

    def add_nationality(self, nationality: int) -> None:
        if nationality >= len(self.nat_total):
            grown = np.zeros(nationality + 1, np.int64)
            grown[: len(self.nat_total)] = self.nat_total
            self.nat_total = grown
        self.nat_total[nationality] += 1
        self.tf_total += 1

    def _nat_counts(self, column: str, nat: np.ndarray, values: np.ndarray) -> np.ndarray:
        keys = (nat.astype(np.int64) << 32) | values.astype(np.int64)
        out = np.zeros(len(keys), dtype=np.float64)
        stored = self.tf_nat.get(column)
        if stored is not None and len(stored[0]):
            at = np.minimum(np.searchsorted(stored[0], keys), len(stored[0]) - 1)
            hit = stored[0][at] == keys
            out[hit] = stored[1][at[hit]]
        added = self.tf_nat_added.get(column)
        if added:
            out += np.fromiter((added.get(k, 0) for k in keys.tolist()), np.float64)
        return np.maximum(out, 1.0)

    def field_weights(
        self, levels: np.ndarray, a: Encoded, ia: np.ndarray, b: Encoded, ib: np.ndarray
    ) -> np.ndarray:
        """Weights (pairs x fields) in bits, term-frequency adjusted where it applies."""
        table = self.weight_table()
        weights = np.empty(levels.shape, dtype=np.float32)
        for f in range(N_FIELDS):
            weights[:, f] = table[f].astype(np.float32)[levels[:, f]]
        if not self.tf or self.tf_total < TF_MIN_RECORDS:
            return weights
        for field_name, column, tf_levels in TF_FIELDS:
            f = FIELD_INDEX[field_name]
            top = len(FIELDS[f].levels) - 1
            rows = np.flatnonzero(levels[:, f] >= 2)
            if not len(rows):
                continue
            freq = self._frequency(column, a, np.asarray(ia)[rows], b, np.asarray(ib)[rows])
            row_levels = levels[rows, f]
            for level in tf_levels:
                here = row_levels == level
                tf_weight = np.log2(max(self.m[f][level], _FLOOR) / np.maximum(freq[here], _FLOOR))
                upper = table[f, level] + 4.0
                # The exact level may fall to 0 for the commonest values; a lower term level
                # is never weaker than the level below it.
                lower = 0.0 if level == top else table[f, level - 1]
                weights[rows[here], f] = np.clip(tf_weight, min(lower, upper), upper)
            # A near agreement on a common value never counts more than an exact one would.
            fuzzy = (row_levels >= 2) & (row_levels < min(tf_levels))
            if fuzzy.any():
                exact = np.log2(max(self.m[f][top], _FLOOR) / np.maximum(freq[fuzzy], _FLOOR))
                capped = np.minimum(weights[rows[fuzzy], f], np.maximum(exact, 0.0))
                weights[rows[fuzzy], f] = capped
        return weights

    def _frequency(
        self, column: str, a: Encoded, ia: np.ndarray, b: Encoded, ib: np.ndarray
    ) -> np.ndarray:
        """Share of records with the commoner of the two values: among the nationality when
        both records give the same one (and it has enough records), else among all."""
        counts = self.tf[column]
        # Swapped names compare a's family with b's given: take the commoner value.
        va, vb = getattr(a, column)[ia], getattr(b, column)[ib]
        freq: np.ndarray = np.maximum(_counts(counts, va), _counts(counts, vb)) / self.tf_total
        na = a.nationality[ia].astype(np.int64)
        nb = b.nationality[ib].astype(np.int64)
        inside = na < len(self.nat_total)
        people = np.where(inside, self.nat_total[np.where(inside, na, 0)], 0)
        same = (na == nb) & (na > 0) & (people >= TF_MIN_NATIONALITY)
        if same.any():
            nat_count = np.maximum(
                self._nat_counts(column, na[same], va[same]),
                self._nat_counts(column, na[same], vb[same]),
            )
            freq[same] = nat_count / people[same]
        return freq

    def match_weight(
        self, field_weights: np.ndarray, levels: np.ndarray | None = None
    ) -> np.ndarray:
        """Log2 odds of a match: field weights, the prior and (given ``levels``) relatives."""
        total: np.ndarray = field_weights.sum(axis=1, dtype=np.float64) + self.prior_weight()
        if levels is not None:
            total += self.relatives_weight(levels, field_weights)
        return total

    def parameters(self) -> dict[str, object]:
        """The fitted numbers as plain JSON (no term frequencies: those are the data's)."""
        return {
            "m": [v.round(8).tolist() for v in self.m],
            "u": [v.round(8).tolist() for v in self.u],
            "r": [v.round(8).tolist() for v in self.r],
            "prior": self.prior,
            "relative_prior": self.relative_prior,
        }

    @classmethod
    def from_parameters(cls, data: dict[str, Any]) -> Model:
        """The inverse of ``parameters``; ValueError when the shapes do not fit ``FIELDS``."""
        sizes = [len(f.levels) for f in FIELDS]
        arrays = {}
        for key in ("m", "u", "r"):
            values = [np.array(v, dtype=np.float64) for v in data[key]]
            if [len(v) for v in values] != sizes:
                raise ValueError(f"{key}: expected levels {sizes}")
            arrays[key] = values
        return cls(
            m=arrays["m"],
            u=arrays["u"],
            r=arrays["r"],
            prior=float(data["prior"]),
            relative_prior=float(data["relative_prior"]),
        )


def learn_from_decisions(
    model: Model,
    confirmed: np.ndarray,
    dismissed: np.ndarray,
    *,
    strength: float,
    max_shift: float = 1.0,
) -> Model:
    """A new model from HQ's decisions: level matrices (pairs x fields) of confirmed pairs
    (the same person: they re-estimate ``m``) and dismissed pairs (look-alikes HQ told apart:
    they re-estimate ``r``). ``u`` and the priors stay (random pairs, not reviewed pairs,
    measure them).

    The guard: the current model counts as ``strength`` decisions (a Dirichlet prior), and no
    level's log2(m/u) or log2(r/m) moves by more than ``max_shift`` bits in one step. A burst
    of a few dozen decisions therefore nudges the weights; only many, in agreement, move them.
    """

    def update(old: list[np.ndarray], levels: np.ndarray) -> list[np.ndarray]:
        new = []
        for f, previous in enumerate(old):
            size = len(previous)
            counts = np.bincount(levels[:, f], minlength=size).astype(np.float64)[:size]
            counts[0] = 0.0
            seen = counts[1:].sum()
            if seen == 0:
                new.append(previous.copy())
                continue
            base = previous.copy()
            base[0] = 0.0
            base = base / max(base[1:].sum(), 1e-12)
            estimate = (counts + strength * base) / (seen + strength)
            low, high = base * 2.0**-max_shift, base * 2.0**max_shift
            estimate = np.clip(estimate, np.minimum(low, high), np.maximum(low, high))
            estimate[0] = 0.0
            new.append(estimate)
        return new

    confirmed = np.asarray(confirmed, dtype=np.int64).reshape(-1, N_FIELDS)
    dismissed = np.asarray(dismissed, dtype=np.int64).reshape(-1, N_FIELDS)
    return Model(
        m=update(model.m, confirmed),
        u=[v.copy() for v in model.u],
        r=update(model.r, dismissed),
        prior=model.prior,
        relative_prior=model.relative_prior,
    )


def _arrays(values: tuple[tuple[float, ...], ...]) -> list[np.ndarray]:
    return [np.array(v, dtype=np.float64) for v in values]


def _counts(counts: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.ones(len(values), dtype=np.float64)
    known = values < len(counts)
    out[known] = np.maximum(counts[values[known]], 1)
    return out


def probability(match_weight: np.ndarray | float) -> np.ndarray:
    """Logistic of a match weight in bits."""
    return 1.0 / (1.0 + np.exp2(-np.asarray(match_weight, dtype=np.float64)))


def weight_of(probability_value: float) -> float:
    p = min(max(probability_value, 1e-12), 1 - 1e-12)
    return float(np.log2(p / (1 - p)))


def estimate_u(data: Encoded, *, samples: int = 200_000, seed: int = 0) -> list[np.ndarray]:
    """u per field from random pairs of distinct records (Laplace-smoothed)."""
    n = len(data)
    sizes = [len(f.levels) for f in FIELDS]
    if n < 2:
        return [np.array(v, dtype=np.float64) for v in DEFAULT_U]
    rng = np.random.default_rng(seed)
    total = min(samples, n * (n - 1) // 2)
    ia = rng.integers(0, n, size=total)
    ib = rng.integers(0, n - 1, size=total)
    ib[ib >= ia] += 1
    levels = compare(data, ia, data, ib).levels
    u = []
    for f, size in enumerate(sizes):
        counts = np.bincount(levels[:, f], minlength=size).astype(np.float64)
        counts[0] = 0.0
        prior = np.array(DEFAULT_U[f]) * 2000.0  # small data sets lean on the defaults
        u_f = (counts + prior) / max(counts.sum() + prior.sum(), 1.0)
        u_f[0] = 0.0
        u.append(u_f)
    return u


def _patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct comparison vectors and how often each occurs."""
    if len(levels) == 0:
        return levels, np.zeros(0, dtype=np.int64)
    sizes = np.array([len(f.levels) for f in FIELDS], dtype=np.int64)
    radix = np.concatenate(([1], np.cumprod(sizes[:-1])))
    codes = levels.astype(np.int64) @ radix
    unique, counts = np.unique(codes, return_counts=True)
    patterns = np.stack([(unique // r) % s for r, s in zip(radix, sizes, strict=True)], axis=1)
    return patterns.astype(np.int8), counts


def estimate_m_em(
    levels: np.ndarray,
    u: list[np.ndarray],
    *,
    fields: tuple[int, ...] | None = None,
    m_start: list[np.ndarray] | None = None,
    fixed_m: bool = False,
    free_u: bool = False,
    iterations: int = 60,
    prior_strength: float = 20.0,
    tolerance: float = 1e-6,
) -> tuple[list[np.ndarray], float, float]:
    """EM with u fixed: m of ``fields`` (default all), the match share, and its pair count.

    Only ``fields`` enter the likelihood, so a training session selected by agreement on
    some fields estimates the others, as in Splink's recommended training. With ``fixed_m``
    only the match share is estimated. With ``free_u`` the non-match distribution of the
    session is estimated too (starting from ``u``): pairs selected by agreement are not a
    random sample of non-matches (relatives share a phone and a surname), and a fixed random-
    pair u would push them into the match class.
    """
    fields = tuple(range(N_FIELDS)) if fields is None else fields
    patterns, counts = _patterns(levels)
    m = [np.array(v, dtype=np.float64) for v in (m_start or DEFAULT_M)]
    if len(patterns) == 0:
        return m, 1e-4, 0.0
    lam = 0.3
    u = [np.array(v, dtype=np.float64) for v in u]
    counts_f = counts.astype(np.float64)
    previous = None
    weighted = counts_f
    for _ in range(iterations):
        log_m = np.zeros(len(patterns))
        log_u = np.zeros(len(patterns))
        for f in fields:
            lv = patterns[:, f]
            known = lv > 0
            log_m[known] += np.log(np.maximum(m[f][lv[known]], _FLOOR))
            log_u[known] += np.log(np.maximum(u[f][lv[known]], _FLOOR))
        a = np.log(lam) + log_m
        b = np.log(1 - lam) + log_u
        g = 1.0 / (1.0 + np.exp(np.clip(b - a, -700, 700)))
        weighted = g * counts_f
        lam = float(np.clip(weighted.sum() / counts_f.sum(), 1e-9, 1 - 1e-9))
        if not fixed_m:
            for f in fields:
                size = len(FIELDS[f].levels)
                sums = np.bincount(patterns[:, f], weights=weighted, minlength=size)
                sums[0] = 0.0
                pseudo = np.array(DEFAULT_M[f]) * prior_strength
                m_f = (sums + pseudo) / max(sums[1:].sum() + pseudo[1:].sum(), 1e-12)
                m_f[0] = 0.0
                m[f] = m_f
                if free_u:
                    sums_u = np.bincount(
                        patterns[:, f], weights=counts_f - weighted, minlength=size
                    )
                    sums_u[0] = 0.0
                    pseudo_u = u[f] * prior_strength
                    u_f = (sums_u + pseudo_u) / max(sums_u[1:].sum() + pseudo_u[1:].sum(), 1e-12)
                    u_f[0] = 0.0
                    u[f] = u_f
        flat = np.concatenate([*m, np.array([lam])])
        if previous is not None and np.max(np.abs(flat - previous)) < tolerance:
            break
        previous = flat
    return m, lam, float(weighted.sum())


_G, _F, _D, _P, _E, _PH, _C, _N = range(N_FIELDS)
# Training sessions: (pairs selected by agreement on these, fields whose m they estimate).
_SESSIONS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("an identifier agrees exactly", (_G, _F, _D, _C, _N)),
    ("names and date of birth agree", (_P, _E, _PH, _C, _N)),
    ("family name and date of birth agree", (_G,)),
    ("given name and date of birth agree", (_F,)),
    ("names agree", (_D,)),
)
_MIN_SESSION_MATCHES = 30.0


def _likelihood_fields(name: str) -> tuple[int, ...]:
    """The fields a session did not select on: all of them inform its EM."""
    selected = {
        "an identifier agrees exactly": {_P, _E, _PH},
        "names and date of birth agree": {_G, _F, _D},
        "family name and date of birth agree": {_F, _D},
        "given name and date of birth agree": {_G, _D},
        "names agree": {_G, _F},
    }[name]
    return tuple(f for f in range(N_FIELDS) if f not in selected)


def _session_rows(levels: np.ndarray, name: str) -> np.ndarray:
    given_exact = levels[:, _G] >= 4
    family_exact = levels[:, _F] >= 4
    dob_exact = levels[:, _D] == 5
    if name == "an identifier agrees exactly":
        chosen = (levels[:, _P] == 3) | (levels[:, _E] == 3) | (levels[:, _PH] == 3)
    elif name == "names and date of birth agree":
        chosen = given_exact & family_exact & dob_exact
    elif name == "family name and date of birth agree":
        chosen = family_exact & dob_exact
    elif name == "given name and date of birth agree":
        chosen = given_exact & dob_exact
    else:
        chosen = given_exact & family_exact
    return np.flatnonzero(chosen)


def estimate_m(levels: np.ndarray, u: list[np.ndarray]) -> list[np.ndarray]:
    """m per field from EM sessions on the pairs that agree on other fields.

    Pairs that share a name are mostly different people who happen to share it; estimating
    the other fields' m on all candidate pairs would count their disagreements as typical of
    a match. Each field is therefore estimated only in sessions selected by other fields;
    a field no session estimated well keeps ``DEFAULT_M``.
    """
    m = [np.array(v, dtype=np.float64) for v in DEFAULT_M]
    done: set[int] = set()
    for name, fields in _SESSIONS:
        todo = tuple(f for f in fields if f not in done)
        if not todo:
            continue
        rows = _session_rows(levels, name)
        if len(rows) < _MIN_SESSION_MATCHES:
            continue
        session_m, _, matches = estimate_m_em(
            levels[rows], u, fields=_likelihood_fields(name), m_start=m, free_u=True
        )
        if matches < _MIN_SESSION_MATCHES:
            continue
        for f in todo:
            m[f] = session_m[f]  # only the fields this session is for; the rest stay
            done.add(f)
    return m


_RELATIVE_FIELDS = (_D, _P, _E, _PH, _C, _N)


def estimate_relatives(levels: np.ndarray, n: int) -> tuple[list[np.ndarray], float]:
    """r of the fields relatives may share, and their share of all pairs.

    Pairs with the same family name, given names that disagree outright (a merely similar
    one is more often a typo of the same person's) and no shared passport are (almost all)
    relatives or namesakes: the frequencies of the other fields' levels among
    them estimate r (smoothed towards ``DEFAULT_R``). Their count, divided by the share of
    relatives who would land there (``DEFAULT_R`` of those two fields), over all pairs of
    records, estimates the share of relatives. Blocking only sees relatives who share a key,
    but a pattern that is scored is a pattern blocking found: ρ·r(γ) counts those pairs.
    """
    r = _arrays(DEFAULT_R)
    rows = np.flatnonzero((levels[:, _F] == 4) & (levels[:, _G] == 1) & (levels[:, _P] != 3))
    if len(rows) < _MIN_SESSION_MATCHES:
        # Too few to count: a few relatives per person, never more than one pair in 1,000.
        return r, float(min(DEFAULT_RELATIVE_PRIOR * 10_000 / max(n, 1), 1e-3))
    session = levels[rows]
    strength = 50.0
    for f in _RELATIVE_FIELDS:
        size = len(FIELDS[f].levels)
        counts = np.bincount(session[:, f], minlength=size).astype(np.float64)
        counts[0] = 0.0
        pseudo = np.array(DEFAULT_R[f]) * strength
        r_f = (counts + pseudo) / (counts[1:].sum() + pseudo[1:].sum())
        r_f[0] = 0.0
        r[f] = r_f
    landed = DEFAULT_R[_F][4] * DEFAULT_R[_G][1]
    all_pairs = max(n * (n - 1) / 2, 1.0)
    return r, float(np.clip(len(rows) / landed / all_pairs, 1e-12, 0.1))


def fit(
    data: Encoded,
    levels: np.ndarray,
    *,
    u_samples: int = 200_000,
    seed: int = 0,
) -> Model:
    """Estimate a model on ``data`` whose candidate pairs compared to ``levels``.

    u from random pairs, m by EM sessions (``estimate_m``), then the share of matches among
    the candidate pairs by EM with m and u fixed, turned into the prior of a random pair.
    """
    u = estimate_u(data, samples=u_samples, seed=seed)
    m = estimate_m(levels, u)
    if len(levels) >= 50:
        _, share, _ = estimate_m_em(levels, u, m_start=m, fixed_m=True)
    else:
        share = 0.5
    # The prior of a pair of records taken at random (as Splink's), not of a candidate
    # pair: blocking only saves work, the fields carry the evidence.
    n = len(data)
    all_pairs = max(n * (n - 1) / 2, 1.0)
    prior = float(np.clip(share * len(levels) / all_pairs, 1e-12, 0.5))
    r, relative_prior = estimate_relatives(levels, n)
    model = Model(m=m, u=u, prior=prior, r=r, relative_prior=relative_prior)
    model.set_term_frequencies(data)
    return model
