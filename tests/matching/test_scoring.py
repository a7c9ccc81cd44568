"""The scoring model pinned through its public functions: the default weights written out
(as ARCHITECTURE.md states them), the relatives term, term frequencies, learning from
decisions, and the estimators (u, EM, sessions, relatives, fit) against small inputs whose
answer an independent computation in this file gives: written from the formulas in the
module's docstrings, never by calling the code under test for the expected value."""

from __future__ import annotations

import math

import numpy as np
import pytest

from enlist.matching import scoring
from enlist.matching.compare import FIELDS, N_FIELDS, compare
from enlist.matching.encode import encode_records
from enlist.matching.records import Record
from enlist.matching.scoring import (
    DEFAULT_M,
    DEFAULT_R,
    DEFAULT_U,
    Model,
    estimate_m,
    estimate_m_em,
    estimate_relatives,
    estimate_u,
    fit,
    learn_from_decisions,
    probability,
    weight_of,
)

SIZES = [len(f.levels) for f in FIELDS]
G, F, D, P, E, PH, C, N = range(N_FIELDS)

# log2(m/u) and log2(r/m) of the model before any data, to a tenth of a bit (ARCHITECTURE.md).
DEFAULT_WEIGHTS = [
    [0.0, -6.5, -0.8, 2.2, 4.6, 7.0],
    [0.0, -4.2, 0.3, 3.6, 8.6, 0.0],
    [0.0, -5.0, 0.8, 6.1, 11.8, 14.6],
    [0.0, -4.3, 13.3, 16.4, 0.0, 0.0],
    [0.0, -2.7, 12.3, 16.3, 0.0, 0.0],
    [0.0, -3.3, 13.3, 16.3, 0.0, 0.0],
    [0.0, -2.6, 1.3, 3.3, 0.0, 0.0],
    [0.0, -2.6, 1.2, 0.0, 0.0, 0.0],
]
DEFAULT_RELATIVES = [
    [0.0, 6.5, 0.3, -1.8, -5.6, -7.0],
    [0.0, 0.3, 0.0, 0.0, 0.0, 0.0],
    [0.0, 4.9, 0.3, -2.3, -5.1, -5.4],
    [0.0, 4.3, -10.0, -13.1, 0.0, 0.0],
    [0.0, 2.4, -1.3, -2.2, 0.0, 0.0],
    [0.0, 2.9, -1.8, -1.8, 0.0, 0.0],
    [0.0, 0.7, 0.0, -0.2, 0.0, 0.0],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
]


def _row(**levels: int) -> list[int]:
    names = [f.name for f in FIELDS]
    return [levels.get(name, 0) for name in names]


# --- the model before any data ----------------------------------------------------------------


def test_the_default_model_holds_the_default_probabilities():
    model = Model.default()
    for got, want in [(model.m, DEFAULT_M), (model.u, DEFAULT_U), (model.r, DEFAULT_R)]:
        assert [v.tolist() for v in got] == [list(w) for w in want]
    assert (model.prior, model.relative_prior) == (1e-4, 1e-4)
    assert (model.tf, model.tf_total, model.tf_nat, model.tf_nat_added) == ({}, 0, {}, {})
    assert model.nat_total.tolist() == [0]
    assert [len(v) for v in model.m] == SIZES


def test_default_field_weights_and_relatives_weights():
    model = Model.default()
    assert model.weight_table().shape == (N_FIELDS, 6)
    assert np.round(model.weight_table(), 1).tolist() == DEFAULT_WEIGHTS
    assert np.round(model.relative_table(), 1).tolist() == DEFAULT_RELATIVES
    assert model.prior_weight() == pytest.approx(math.log2(1e-4 / (1 - 1e-4)))
    # Exactly, where the formula is plain: given name exact = log2(0.63 / 0.005).
    assert model.weight_table()[G, 5] == pytest.approx(math.log2(0.63 / 0.005), abs=1e-12)
    assert model.relative_table()[G, 1] == pytest.approx(math.log2(0.92 / 0.01), abs=1e-12)


def test_weights_floor_zero_probabilities_and_ignore_the_missing_level():
    model = Model.default()
    model.m[N] = np.array([0.5, 0.0, 1.0])
    model.u[N] = np.array([0.5, 0.5, 0.0])
    model.r[N] = np.array([0.5, 1.0, 0.0])
    table = model.weight_table()
    assert table[N, :3].tolist() == pytest.approx([0.0, math.log2(1e-6 / 0.5), math.log2(1e6)])
    relatives = model.relative_table()
    # log2(r/m): +19.9 bits for disagree, -19.9 for exact; the top is the smallest and <= 0.
    assert relatives[N, :3].tolist() == pytest.approx(
        [0.0, math.log2(1 / 1e-6), math.log2(1e-6 / 1.0)]
    )


def test_the_relatives_table_is_clamped_so_full_agreement_never_looks_like_family():
    model = Model.default()
    # A field whose exact level is likelier among relatives than among matches: the top is
    # cut to 0, and no level lies below the top.
    model.m[C] = np.array([0.0, 0.5, 0.3, 0.2])
    model.r[C] = np.array([0.0, 0.1, 0.05, 0.8])
    assert model.relative_table()[C].tolist() == [0.0] * 6
    model.r[C] = np.array([0.0, 0.1, 0.001, 0.1])  # -2.3, -8.2 and -1 bits: raised to -1
    assert model.relative_table()[C].tolist() == pytest.approx([0.0, -1.0, -1.0, -1.0, 0, 0])
    model.r[C] = np.array([0.0, 0.8, 0.001, 0.1])  # +0.7 stays above the top
    assert model.relative_table()[C].tolist() == pytest.approx(
        [0.0, math.log2(1.6), -1.0, -1.0, 0, 0]
    )


@pytest.mark.parametrize(
    ("prior", "bits"),
    [(1e-4, math.log2(1e-4 / (1 - 1e-4))), (0.5, 0.0), (0.0, math.log2(1e-12 / (1 - 1e-12))),
     (1.0, math.log2((1 - 1e-9) / (1 - (1 - 1e-9)))),
     (2.0, math.log2((1 - 1e-9) / (1 - (1 - 1e-9))))],
)  # fmt: skip
def test_prior_weight_is_the_log_odds_clamped(prior, bits):
    model = Model.default()
    model.prior = prior
    assert model.prior_weight() == pytest.approx(bits, rel=1e-9)


def test_probability_and_weight_of_are_inverse_logistics_in_bits():
    assert probability(0.0) == 0.5
    assert probability(1.0) == pytest.approx(2 / 3)
    assert probability(-3.0) == pytest.approx(1 / 9)
    assert probability(np.array([10.0, -10.0])).tolist() == pytest.approx([1024 / 1025, 1 / 1025])
    assert weight_of(0.5) == 0.0
    assert weight_of(0.8) == pytest.approx(2.0)
    assert weight_of(0.0) == pytest.approx(math.log2(1e-12 / (1 - 1e-12)))
    assert weight_of(1.0) == pytest.approx(math.log2((1 - 1e-12) / 1e-12))
    assert weight_of(float(probability(5.5))) == pytest.approx(5.5)


# --- pairs' weights -----------------------------------------------------------------------------


def _pairs(*rows: dict):
    data = encode_records([Record(id=str(k), **row) for k, row in enumerate(rows)])
    n = len(rows)
    ia = np.arange(0, n, 2)
    ib = ia + 1
    return data, ia, ib, compare(data, ia, data, ib).levels


def test_match_weight_is_the_field_weights_plus_the_prior_and_the_relatives_term():
    model = Model.default()
    levels = np.array(
        [_row(given_name=5, family_name=4, date_of_birth=5, passport_number=3),
         _row(given_name=1, family_name=4, city=3, phone=3),
         _row()],
        dtype=np.int8,
    )  # fmt: skip
    table = model.weight_table()
    fw = np.array([[table[f, lv] for f, lv in enumerate(row)] for row in levels])
    assert model.match_weight(fw).tolist() == pytest.approx(
        (fw.sum(axis=1) + model.prior_weight()).tolist()
    )
    relatives = model.relative_table()
    rho = 1e-4 / (1 - 1e-4 - 1e-4)
    expected = []
    for row, weights in zip(levels, fw, strict=True):
        ratio = sum(weights) + sum(relatives[f, lv] for f, lv in enumerate(row))
        expected.append(-math.log2(1 + rho * 2**ratio))
    assert model.relatives_weight(levels, fw).tolist() == pytest.approx(expected, rel=1e-9)
    # The brothers (same surname and household phone, another given name) lose the most;
    # an empty comparison about nothing.
    assert expected[1] < -12 and expected[1] < expected[0] < 0 and -1e-3 < expected[2] < 0
    assert model.match_weight(fw, levels).tolist() == pytest.approx(
        (fw.sum(axis=1) + model.prior_weight() + np.array(expected)).tolist()
    )


def test_no_relatives_term_without_a_relatives_share_or_without_pairs():
    model = Model.default()
    levels = np.array([_row(given_name=1, family_name=4)], dtype=np.int8)
    fw = np.array([[1.0] * N_FIELDS])
    for share in (0.0, -1.0):
        model.relative_prior = share
        assert model.relatives_weight(levels, fw).tolist() == [0.0]
    model.relative_prior = 1e-4
    empty = model.relatives_weight(np.zeros((0, N_FIELDS), np.int8), np.zeros((0, N_FIELDS)))
    assert empty.shape == (0,)
    # A prior that leaves nothing for random pairs is kept away from dividing by zero.
    model.prior, model.relative_prior = 0.6, 0.4
    got = model.relatives_weight(levels, fw)[0]
    ratio = 8.0 + sum(model.relative_table()[f, lv] for f, lv in enumerate(levels[0]))
    assert got == pytest.approx(-np.logaddexp2(0.0, ratio + math.log2(0.4 / 1e-9)))


def test_field_weights_without_term_frequencies_are_the_table():
    model = Model.default()
    data, ia, ib, levels = _pairs(
        {"given_name": "Oleksandr", "family_name": "Kovalenko", "city": "Lviv"},
        {"given_name": "Oleksandr", "family_name": "Kovalenko", "city": "Lviv"},
    )
    weights = model.field_weights(levels, data, ia, data, ib)
    assert weights.dtype == np.float32
    table = model.weight_table()
    assert weights[0].tolist() == pytest.approx(
        [table[f, lv] for f, lv in enumerate(levels[0])], rel=1e-6
    )


# Term frequencies need at least TF_MIN_RECORDS records; a nationality counts on its own
# from TF_MIN_NATIONALITY records.
def _population(extra: list[dict] | None = None) -> list[Record]:
    rows: list[dict] = []
    for k in range(300):  # Ukrainians: Kovalenko common, Lviv common
        rows.append({"given_name": "Ivan" if k % 3 else "Taras",
                     "family_name": "Kovalenko" if k < 150 else f"Zz{k:03d}ko",
                     "city": "Lviv" if k < 200 else "Kharkiv", "nationality": "UA"})  # fmt: skip
    for k in range(250):  # Canadians: Kovalenko rare
        rows.append({"given_name": "John", "family_name": "Kovalenko" if k < 2 else f"Smith{k}",
                     "city": "Toronto", "nationality": "CA"})  # fmt: skip
    for k in range(50):  # Georgians: too few for their own counts
        rows.append({"given_name": "Giorgi", "family_name": "Kovalenko" if k < 5 else "Beridze",
                     "city": "Tbilisi", "nationality": "GE"})  # fmt: skip
    rows += extra or []
    return [Record(id=str(k), **row) for k, row in enumerate(rows)]


def _weights_of(model, data, pairs):
    ia = np.array([a for a, _ in pairs])
    ib = np.array([b for _, b in pairs])
    levels = compare(data, ia, data, ib).levels
    return levels, model.field_weights(levels, data, ia, data, ib)


def test_an_exact_family_name_weighs_by_its_frequency_within_the_nationality():
    records = _population()
    data = encode_records(records)
    model = Model.default()
    model.set_term_frequencies(data)
    assert model.tf_total == 600
    # Two Ukrainian Kovalenkos (150 of 300), two Canadian ones (2 of 250), two Georgian ones
    # (5 of 600: too few Georgians, so among everyone: 157 of 600), a Ukrainian and a
    # Canadian Kovalenko (157 of 600), two rare Ukrainian names (one each of 300).
    pairs = [(0, 1), (300, 301), (550, 551), (0, 300), (0, 302)]
    levels, weights = _weights_of(model, data, pairs)
    assert levels[:, F].tolist() == [4, 4, 4, 4, 1]
    m_exact, table = DEFAULT_M[F][4], model.weight_table()
    upper = table[F, 4] + 4.0

    def tf(share):
        return min(max(math.log2(m_exact / share), 0.0), upper)

    assert weights[:4, F].tolist() == pytest.approx(
        [tf(150 / 300), tf(2 / 250), tf(157 / 600), tf(157 / 600)], rel=1e-6
    )
    assert weights[4, F] == pytest.approx(table[F, 1], rel=1e-6)  # disagree: the table
    # And a Canadian John agrees on the given name as the Canadians' commonest one.
    assert levels[1, G] == 5
    assert weights[1, G] == pytest.approx(
        min(max(math.log2(DEFAULT_M[G][5] / (250 / 250)), 0.0), table[G, 5] + 4), rel=1e-6
    )


def test_a_rare_exact_value_is_capped_four_bits_above_the_table():
    twins = {"given_name": "Ivan", "family_name": "Qwyrtz", "nationality": "UA"}
    records = _population([twins, twins])
    data = encode_records(records)
    model = Model.default()
    model.set_term_frequencies(data)
    levels, weights = _weights_of(model, data, [(600, 601)])
    assert levels[0, F] == 4
    # 2 of 302 Ukrainians: log2(0.8 / 0.0066) = 6.9 bits, within 8.6 + 4.
    assert weights[0, F] == pytest.approx(math.log2(0.8 / (2 / 302)), rel=1e-6)
    model.m[F] = np.array([0.0, 0.05, 0.05, 0.10, 0.999999])
    model.u[F] = np.array([0.0, 0.95, 0.04, 0.008, 0.9])  # table +0.15: the cap is 4.15
    _, weights = _weights_of(model, data, [(600, 601)])
    assert weights[0, F] == pytest.approx(math.log2(0.999999 / 0.9) + 4.0, rel=1e-6)


def test_a_near_agreement_never_weighs_more_than_the_exact_one_would_and_a_nickname_not_less():
    records = _population([
        {"given_name": "Oleksandr", "family_name": "Kovalenka", "nationality": "UA"},
        {"given_name": "Alexander", "family_name": "Kovalenko", "nationality": "UA"},
    ])  # fmt: skip
    data = encode_records(records)
    model = Model.default()
    model.set_term_frequencies(data)
    levels, weights = _weights_of(model, data, [(600, 601), (0, 600)])
    table = model.weight_table()
    # Kovalenka ~ Kovalenko (very similar, level 3): capped at the exact weight of the commoner
    # value, Kovalenko: 151 of 302 Ukrainians.
    assert levels[:, F].tolist() == [3, 3]
    cap = max(math.log2(DEFAULT_M[F][4] / (151 / 302)), 0.0)
    assert weights[:, F].tolist() == pytest.approx([min(table[F, 3], cap)] * 2, rel=1e-6)
    assert cap < table[F, 3]
    # Oleksandr = Alexander by name group (level 4): weighed by the group's frequency, and
    # never below the level under it.
    assert levels[0, G] == 4
    group_share = 2 / 302
    expected = min(max(math.log2(DEFAULT_M[G][4] / group_share), table[G, 3]), table[G, 4] + 4)
    assert weights[0, G] == pytest.approx(expected, rel=1e-6)


def test_term_frequencies_need_enough_records():
    records = _population()[:499]
    data = encode_records(records)
    model = Model.default()
    model.set_term_frequencies(data)
    levels, weights = _weights_of(model, data, [(0, 1)])
    assert weights[0, F] == pytest.approx(model.weight_table()[F, 4], rel=1e-6)


def test_records_added_one_by_one_count_as_a_batch_count_would():
    # Every column at once: the name and city columns share vocabulary ids (Lviv and the
    # first name are both id 1), and each column's counts must stay its own.
    records = _population()
    data = encode_records(records)
    batch = Model.default()
    batch.set_term_frequencies(data)
    grown = Model.default()
    first = encode_records(records[:100], vocab=data.vocab)
    grown.set_term_frequencies(first)
    for k in range(100, len(records)):
        nat = int(data.nationality[k])
        grown.add_nationality(nat)
        for column in ("given_canon", "family", "city"):
            grown.add_term(nat, column, int(getattr(data, column)[k]))
    assert grown.tf_total == batch.tf_total == 600
    assert grown.nat_total.tolist() == batch.nat_total.tolist()
    pairs = [(0, 1), (300, 301), (550, 551), (0, 300), (200, 201), (0, 2)]
    _, expected = _weights_of(batch, data, pairs)
    _, got = _weights_of(grown, data, pairs)
    assert got.tolist() == expected.tolist()


def test_one_column_added_one_by_one_counts_as_a_batch_count_would():
    records = _population()
    data = encode_records(records)
    batch = Model.default()
    batch.set_term_frequencies(data)
    grown = Model.default()
    grown.set_term_frequencies(encode_records(records[:100], vocab=data.vocab))
    for k in range(100, len(records)):
        nat = int(data.nationality[k])
        grown.add_nationality(nat)
        grown.add_term(nat, "family", int(data.family[k]))
    assert grown.tf_total == 600 and grown.nat_total.tolist() == batch.nat_total.tolist()
    assert grown.tf["family"].tolist() == batch.tf["family"].tolist()
    pairs = [(0, 1), (300, 301), (550, 551), (0, 300), (0, 302), (400, 401)]
    _, expected = _weights_of(batch, data, pairs)
    _, got = _weights_of(grown, data, pairs)
    assert got[:, F].tolist() == expected[:, F].tolist()


def test_an_added_value_beyond_the_counts_grows_them():
    model = Model.default()
    model.tf = {"family": np.array([0, 2], np.int64)}
    model.add_term(3, "family", 4)
    assert model.tf["family"].tolist() == [0, 2, 0, 0, 1]
    assert model.tf_nat_added == {"family": {(3 << 32) | 4: 1}}
    model.add_term(3, "family", 4)
    model.add_term(0, "family", 1)  # no nationality: counted globally only
    model.add_term(3, "family", 0)  # no value
    assert model.tf["family"].tolist() == [1, 3, 0, 0, 2]
    assert model.tf_nat_added == {"family": {(3 << 32) | 4: 2}}
    model.add_nationality(2)
    model.add_nationality(2)
    assert (model.nat_total.tolist(), model.tf_total) == ([0, 0, 2], 2)


def test_counts_added_one_by_one_are_kept_per_column():
    model = Model.default()
    model.tf = {column: np.zeros(1, np.int64) for column in ("given_canon", "family", "city")}
    # One vocabulary id (4) in three columns, within one nationality (3).
    model.add_term(3, "family", 4)
    model.add_term(3, "family", 4)
    model.add_term(3, "city", 4)
    model.add_term(3, "given_canon", 4)
    model.add_term(3, "given_canon", 4)
    model.add_term(3, "given_canon", 4)
    key = (3 << 32) | 4
    assert model.tf_nat_added == {"family": {key: 2}, "city": {key: 1}, "given_canon": {key: 3}}
    nat, value = np.array([3]), np.array([4])
    assert model._nat_counts("family", nat, value).tolist() == [2.0]
    assert model._nat_counts("city", nat, value).tolist() == [1.0]
    assert model._nat_counts("given_canon", nat, value).tolist() == [3.0]


def test_parameters_round_trip_and_refuse_a_wrong_shape():
    model = Model.default()
    model.prior, model.relative_prior = 3e-5, 2e-4
    model.m[G] = np.array([0.0, 0.1, 0.2, 0.3, 0.2, 0.123456789123])
    data = model.parameters()
    assert set(data) == {"m", "u", "r", "prior", "relative_prior"}
    assert data["m"][G] == [0.0, 0.1, 0.2, 0.3, 0.2, 0.12345679]
    assert (data["prior"], data["relative_prior"]) == (3e-5, 2e-4)
    again = Model.from_parameters(data)
    for key in ("m", "u", "r"):
        assert [v.tolist() for v in getattr(again, key)] == data[key]
        assert all(v.dtype == np.float64 for v in getattr(again, key))
    assert (again.prior, again.relative_prior) == (3e-5, 2e-4)
    for key in ("m", "u", "r"):
        broken = {**data, key: data[key][:-1]}
        with pytest.raises(
            ValueError, match=rf"^{key}: expected levels \[6, 5, 6, 4, 4, 4, 4, 3\]$"
        ):
            Model.from_parameters(broken)


# --- learning from HQ's decisions ------------------------------------------------------------


def _learned(previous, rows, strength, shift):
    """The documented update for one probability vector: counts plus `strength` pseudo-counts
    of the previous distribution, clipped to within `shift` bits of it."""
    base = np.array(previous, dtype=np.float64)
    base[0] = 0.0
    base = base / base[1:].sum()
    counts = np.zeros(len(base))
    for level in rows:
        if level:
            counts[level] += 1
    out = (counts + strength * base) / (counts.sum() + strength)
    out = np.clip(out, base / 2**shift, base * 2**shift)
    out[0] = 0.0
    return out


def test_confirmed_pairs_move_m_and_dismissed_ones_r_within_the_guard():
    model = Model.default()
    model.prior, model.relative_prior = 2e-4, 3e-4
    confirmed = np.array([_row(given_name=5, family_name=4, email=1)] * 30
                         + [_row(given_name=2, family_name=4)] * 10)  # fmt: skip
    dismissed = np.array([_row(given_name=1, family_name=4, phone=3)] * 5)
    new = learn_from_decisions(model, confirmed, dismissed, strength=20.0, max_shift=1.0)
    for f in range(N_FIELDS):
        assert new.m[f].tolist() == pytest.approx(
            (_learned(DEFAULT_M[f], confirmed[:, f], 20.0, 1.0) if confirmed[:, f].any()
             else np.array(DEFAULT_M[f])).tolist()
        )  # fmt: skip
        assert new.r[f].tolist() == pytest.approx(
            (_learned(DEFAULT_R[f], dismissed[:, f], 20.0, 1.0) if dismissed[:, f].any()
             else np.array(DEFAULT_R[f])).tolist()
        )  # fmt: skip
        assert new.u[f].tolist() == list(DEFAULT_U[f]) and new.u[f] is not model.u[f]
    assert (new.prior, new.relative_prior) == (2e-4, 3e-4)
    # The guard bites: 40 decisions against 20 would move "similar" from 0.04 to 0.26; it
    # stops at twice the old share. Email "disagree" at twice its 0.15 as well.
    assert new.m[G][2] == pytest.approx(0.08)
    assert new.m[E][1] == pytest.approx(0.30)
    assert model.m[G][2] == 0.04  # the old model is left as it was


def test_learning_with_a_wider_guard_or_no_decisions():
    model = Model.default()
    confirmed = [_row(given_name=2)] * 40
    wide = learn_from_decisions(model, confirmed, [], strength=20.0, max_shift=3.0)
    assert wide.m[G].tolist() == pytest.approx(_learned(DEFAULT_M[G], [2] * 40, 20.0, 3.0))
    assert wide.m[G][2] == pytest.approx(0.32)  # 8 x 0.04: the guard again
    none = learn_from_decisions(model, np.zeros((0, N_FIELDS)), [], strength=200.0)
    assert [v.tolist() for v in none.m] == [list(v) for v in DEFAULT_M]
    assert [v.tolist() for v in none.r] == [list(v) for v in DEFAULT_R]
    assert none.m[G] is not model.m[G]
    # A flat, one-dimensional list of levels is read as rows of eight.
    flat = learn_from_decisions(model, _row(given_name=5) * 2, [], strength=1.0, max_shift=5.0)
    assert flat.m[G].tolist() == pytest.approx(_learned(DEFAULT_M[G], [5, 5], 1.0, 5.0))


def test_learning_normalises_a_previous_vector_that_does_not_sum_to_one():
    model = Model.default()
    model.m[N] = np.array([0.7, 0.2, 0.6])  # the missing share is no probability
    new = learn_from_decisions(model, [_row(nationality=2)] * 4, [], strength=4.0, max_shift=9)
    assert new.m[N].tolist() == pytest.approx([0.0, 0.125, 0.875])


# --- estimating u ------------------------------------------------------------------------------


def _identical_but_passport(n: int):
    """n records with the same name and birth date and each its own passport: two different
    records disagree on the passport; a record with itself would agree."""
    return encode_records(
        [Record(id=str(k), given_name="Ivan", family_name="Kovalenko", date_of_birth="1990-04-17",
                passport_number=f"P{k:07d}X{k:03d}") for k in range(n)]
    )  # fmt: skip


def test_u_counts_random_pairs_of_two_different_records_smoothed_by_the_defaults():
    data = _identical_but_passport(10)
    u = estimate_u(data, samples=1000, seed=3)
    pairs = 45  # every pair of ten, at most
    for f, got in enumerate(u):
        counts = np.zeros(SIZES[f])
        top = {G: 5, F: 4, D: 5, P: 1}.get(f)
        if top is not None:
            counts[top] = pairs
        prior = np.array(DEFAULT_U[f]) * 2000.0
        want = (counts + prior) / (counts.sum() + prior.sum())
        want[0] = 0.0
        assert got.tolist() == pytest.approx(want.tolist(), rel=1e-12), FIELDS[f].name


def test_u_takes_as_many_random_pairs_as_asked():
    data = _identical_but_passport(100)
    u = estimate_u(data, samples=300, seed=0)
    prior = np.array(DEFAULT_U[P]) * 2000.0
    assert u[P][1] == pytest.approx((300 + prior[1]) / (300 + prior.sum()))
    assert estimate_u(data, samples=300, seed=0)[P].tolist() == u[P].tolist()


def test_u_of_fewer_than_two_records_is_the_default():
    for n in (0, 1):
        assert [v.tolist() for v in estimate_u(_identical_but_passport(n))] == [
            list(v) for v in DEFAULT_U
        ]


# --- EM --------------------------------------------------------------------------------------


def _em_oracle(levels, u, *, fields, m_start, fixed_m=False, free_u=False, iterations=60,
               prior_strength=20.0, tolerance=1e-6):  # fmt: skip
    """EM over the rows one by one (the module works on distinct patterns with counts)."""
    m = [np.array(v, dtype=float) for v in m_start]
    u = [np.array(v, dtype=float) for v in u]
    lam, previous, g = 0.3, None, np.zeros(len(levels))
    for _ in range(iterations):
        for k, row in enumerate(levels):
            pm, pu = lam, 1 - lam
            for f in fields:
                if row[f] > 0:
                    pm *= max(m[f][row[f]], 1e-6)
                    pu *= max(u[f][row[f]], 1e-6)
            g[k] = pm / (pm + pu)
        lam = min(max(g.sum() / len(levels), 1e-9), 1 - 1e-9)
        if not fixed_m:
            for f in fields:
                sums = np.zeros(SIZES[f])
                sums_u = np.zeros(SIZES[f])
                for k, row in enumerate(levels):
                    if row[f] > 0:
                        sums[row[f]] += g[k]
                        sums_u[row[f]] += 1 - g[k]
                pseudo = np.array(DEFAULT_M[f]) * prior_strength
                m_f = (sums + pseudo) / (sums[1:].sum() + pseudo[1:].sum())
                m_f[0] = 0.0
                if free_u:
                    pseudo_u = u[f] * prior_strength
                    u_f = (sums_u + pseudo_u) / (sums_u[1:].sum() + pseudo_u[1:].sum())
                    u_f[0] = 0.0
                    u[f] = u_f
                m[f] = m_f
        flat = np.concatenate([*m, [lam]])
        if previous is not None and np.max(np.abs(flat - previous)) < tolerance:
            break
        previous = flat
    return m, lam, g.sum()


def _candidates():
    """A candidate set: 40 clear matches, 60 namesakes, 30 unrelated look-alikes."""
    rows = []
    rows += [_row(given_name=5, family_name=4, date_of_birth=5, passport_number=3, email=3,
                  city=3, nationality=2)] * 25  # fmt: skip
    rows += [_row(given_name=5, family_name=4, date_of_birth=3, passport_number=1, phone=3,
                  nationality=2)] * 15  # fmt: skip
    rows += [_row(given_name=5, family_name=4, date_of_birth=1, passport_number=1, email=1,
                  city=1, nationality=2)] * 40  # fmt: skip
    rows += [_row(given_name=5, family_name=4, date_of_birth=2, city=3, nationality=1)] * 20
    rows += [_row(given_name=2, family_name=3, date_of_birth=1, nationality=2)] * 30
    return np.array(rows, dtype=np.int8)


@pytest.mark.parametrize(
    "options",
    [{}, {"fields": (D, P, E, PH, C, N)}, {"fixed_m": True}, {"free_u": True},
     {"iterations": 3}, {"prior_strength": 5.0}, {"tolerance": 0.05}, {"fields": (G,)},
     {"free_u": True, "fields": (F, D, N)}],
)  # fmt: skip
def test_em_on_patterns_equals_em_on_every_row(options):
    levels = _candidates()
    u = [np.array(v) for v in DEFAULT_U]
    start = [np.array(v) for v in DEFAULT_M]
    start[D] = np.array([0.0, 0.2, 0.1, 0.1, 0.1, 0.5])
    m, lam, matches = estimate_m_em(levels, u, m_start=start, **options)
    fields = options.pop("fields", tuple(range(N_FIELDS)))
    want_m, want_lam, want_matches = _em_oracle(levels, u, fields=fields, m_start=start, **options)
    for f in range(N_FIELDS):
        assert m[f].tolist() == pytest.approx(want_m[f].tolist(), rel=1e-9, abs=1e-12)
    assert lam == pytest.approx(want_lam, rel=1e-9)
    assert matches == pytest.approx(want_matches, rel=1e-9)
    assert u[D].tolist() == list(DEFAULT_U[D])  # the caller's u is never changed


def test_em_returns_the_match_share_and_the_expected_number_of_matches():
    m, lam, matches = estimate_m_em(_candidates(), [np.array(v) for v in DEFAULT_U])
    assert 0 < matches <= 130 and lam == pytest.approx(matches / 130)


def test_em_without_pairs_keeps_its_start():
    m, lam, matches = estimate_m_em(np.zeros((0, N_FIELDS), np.int8), list(DEFAULT_U))
    assert [v.tolist() for v in m] == [list(v) for v in DEFAULT_M]
    assert (lam, matches) == (1e-4, 0.0)
    start = [np.full(s, 0.5) for s in SIZES]
    m, _, _ = estimate_m_em(np.zeros((0, N_FIELDS), np.int8), list(DEFAULT_U), m_start=start)
    assert [v.tolist() for v in m] == [[0.5] * s for s in SIZES]


# --- training sessions ---------------------------------------------------------------------


SESSIONS = [  # (rows chosen, fields it trains, fields in its likelihood), in order
    (lambda lv: (lv[:, P] == 3) | (lv[:, E] == 3) | (lv[:, PH] == 3), (G, F, D, C, N),
     (G, F, D, C, N)),
    (lambda lv: (lv[:, G] >= 4) & (lv[:, F] >= 4) & (lv[:, D] == 5), (P, E, PH, C, N),
     (P, E, PH, C, N)),
    (lambda lv: (lv[:, F] >= 4) & (lv[:, D] == 5), (G,), (G, P, E, PH, C, N)),
    (lambda lv: (lv[:, G] >= 4) & (lv[:, D] == 5), (F,), (F, P, E, PH, C, N)),
    (lambda lv: (lv[:, G] >= 4) & (lv[:, F] >= 4), (D,), (D, P, E, PH, C, N)),
]  # fmt: skip


def _sessions_oracle(levels, u):
    """The documented rule: sessions in order; one with 30 rows or more whose EM finds 30
    matches or more sets the fields it is for that no session before it set."""
    m = [np.array(v) for v in DEFAULT_M]
    done: set[int] = set()
    used = []
    for k, (choose, trains, likelihood) in enumerate(SESSIONS):
        todo = [f for f in trains if f not in done]
        rows = np.flatnonzero(choose(levels))
        if not todo or len(rows) < 30:
            continue
        got, _, matches = estimate_m_em(levels[rows], u, fields=likelihood, m_start=m,
                                        free_u=True)  # fmt: skip
        if matches < 30:
            continue
        used.append(k + 1)
        for f in todo:
            m[f] = got[f]
            done.add(f)
    return m, used


def _agreeing(n, **levels):
    return [_row(**levels)] * n


TRAINING = {
    # identifiers agree on 40 pairs: session 1; names and birth date on 25 only
    "identifiers": (_candidates(), [1]),
    # names, birth date and identifiers agree on 40 pairs: sessions 1 and 2
    "everything": (np.array(
        _agreeing(40, given_name=5, family_name=4, date_of_birth=5, passport_number=3,
                  email=3, phone=3, city=3, nationality=2)
        + _agreeing(40, given_name=5, family_name=4, date_of_birth=1, passport_number=1,
                    email=1, city=1, nationality=2), dtype=np.int8), [1, 2]),
    # no identifier at all, but cities, nationality and one name or the date agree
    "no identifiers": (np.array(
        _agreeing(40, given_name=3, family_name=4, date_of_birth=5, city=3, nationality=2)
        + _agreeing(40, given_name=5, family_name=3, date_of_birth=5, city=3, nationality=2)
        + _agreeing(40, given_name=5, family_name=4, date_of_birth=3, city=3, nationality=2)
        + _agreeing(40, given_name=5, family_name=4, date_of_birth=1, city=1, nationality=1),
        dtype=np.int8), [3, 4, 5]),
    # 40 pairs share only a phone: EM calls them different people, nothing is trained
    "phone only": (np.array(_agreeing(40, given_name=1, family_name=1, date_of_birth=1,
                                      phone=3, city=1, nationality=1), dtype=np.int8), []),
}  # fmt: skip


@pytest.mark.parametrize("name", list(TRAINING))
def test_each_field_is_trained_by_the_first_session_selected_by_other_fields(name):
    levels, sessions = TRAINING[name]
    u = [np.array(v) for v in DEFAULT_U]
    want, used = _sessions_oracle(levels, u)
    assert used == sessions
    m = estimate_m(levels, u)
    for f in range(N_FIELDS):
        assert m[f].tolist() == pytest.approx(want[f].tolist(), rel=1e-12), FIELDS[f].name
    trained = {f for k in sessions for f in SESSIONS[k - 1][1]}
    for f in set(range(N_FIELDS)) - trained:
        assert m[f].tolist() == list(DEFAULT_M[f])


def test_a_session_whose_em_finds_too_few_matches_changes_nothing():
    # 40 rows share an exact phone and disagree on everything else: EM calls them non-matches.
    rows = [_row(given_name=1, family_name=1, date_of_birth=1, phone=3, city=1, nationality=1)]
    m = estimate_m(np.array(rows * 40, dtype=np.int8), [np.array(v) for v in DEFAULT_U])
    assert [v.tolist() for v in m] == [list(v) for v in DEFAULT_M]


# --- relatives --------------------------------------------------------------------------------


def test_relatives_are_counted_among_same_surname_other_given_name_other_passport():
    rows = (
        [_row(given_name=1, family_name=4, city=3, phone=3, nationality=2)] * 24
        + [_row(given_name=1, family_name=4, date_of_birth=1, nationality=2)] * 12
        + [_row(given_name=1, family_name=4, passport_number=3)] * 50  # same passport: not
        + [_row(given_name=2, family_name=4, city=3)] * 50  # similar given name: not
        + [_row(given_name=1, family_name=3, city=3)] * 50
    )  # not the same surname
    r, share = estimate_relatives(np.array(rows, dtype=np.int8), 1000)
    session = np.array(rows[:36])
    for f in range(N_FIELDS):
        if f in (G, F):
            assert r[f].tolist() == list(DEFAULT_R[f])
            continue
        counts = np.bincount(session[:, f], minlength=SIZES[f]).astype(float)
        counts[0] = 0.0
        pseudo = np.array(DEFAULT_R[f]) * 50.0
        want = (counts + pseudo) / (counts[1:].sum() + pseudo[1:].sum())
        want[0] = 0.0
        assert r[f].tolist() == pytest.approx(want.tolist(), rel=1e-12), FIELDS[f].name
    assert share == pytest.approx(36 / (0.85 * 0.92) / (1000 * 999 / 2))


def test_few_relatives_keep_the_defaults_and_a_share_from_the_size():
    rows = np.array([_row(given_name=1, family_name=4)] * 29, dtype=np.int8)
    for n, share in [(10_000, 1e-4), (100_000, 1e-5), (100, 1e-3), (0, 1e-3)]:
        r, got = estimate_relatives(rows, n)
        assert [v.tolist() for v in r] == [list(v) for v in DEFAULT_R]
        assert got == pytest.approx(share)


def test_the_relatives_share_is_bounded():
    rows = np.array([_row(given_name=1, family_name=4)] * 40, dtype=np.int8)
    assert estimate_relatives(rows, 3)[1] == 0.1


# --- fit ---------------------------------------------------------------------------------------


def test_fit_puts_the_estimates_together():
    records = _population()
    data = encode_records(records)
    ia = np.arange(0, 300, 2)
    ib = ia + 1
    levels = compare(data, ia, data, ib).levels
    model = fit(data, levels, u_samples=5000, seed=4)
    u = estimate_u(data, samples=5000, seed=4)
    assert [v.tolist() for v in model.u] == [v.tolist() for v in u]
    m = estimate_m(levels, u)
    assert [v.tolist() for v in model.m] == [v.tolist() for v in m]
    _, share, _ = estimate_m_em(levels, u, m_start=m, fixed_m=True)
    assert model.prior == pytest.approx(share * 150 / (600 * 599 / 2))
    r, rho = estimate_relatives(levels, 600)
    assert [v.tolist() for v in model.r] == [v.tolist() for v in r]
    assert model.relative_prior == rho
    assert model.tf_total == 600 and set(model.tf) == {"given_canon", "family", "city"}


def test_fit_on_few_candidate_pairs_takes_half_of_them_as_matches():
    records = _population()[:100]
    data = encode_records(records)
    levels = compare(data, np.arange(0, 20), data, np.arange(20, 40)).levels
    model = fit(data, levels, u_samples=500)
    assert model.prior == pytest.approx(0.5 * 20 / (100 * 99 / 2))
    tiny = encode_records(records[:2])
    one = compare(tiny, np.array([0]), tiny, np.array([1])).levels
    assert fit(tiny, one, u_samples=10).prior == 0.5  # half of one pair of one: capped


def test_term_frequencies_start_at_500_records_and_200_of_a_nationality():
    assert scoring.TF_MIN_RECORDS == 500 and scoring.TF_MIN_NATIONALITY == 200


# --- the exact arithmetic: sums in float64, shapes checked, defaults -----------------------------


def test_weights_of_float32_fields_are_summed_in_float64():
    model = Model.default()
    levels = np.array([_row(given_name=5, family_name=4, date_of_birth=5, passport_number=3,
                            email=3, phone=3, city=3, nationality=2)], dtype=np.int8)  # fmt: skip
    fw = np.array([[7.1, 8.3, 14.6, 16.4, 16.3, 16.3, 3.3, 1.2]], dtype=np.float32)
    exact = sum(float(x) for x in fw[0])  # each float32 value, added in float64
    assert model.match_weight(fw)[0] == pytest.approx(exact + model.prior_weight(), rel=1e-15)
    assert float(fw.sum(dtype=np.float32)) != exact  # float32 arithmetic rounds it
    ratio = exact + sum(model.relative_table()[f, lv] for f, lv in enumerate(levels[0]))
    rho = 1e-4 / (1 - 2e-4)
    assert model.relatives_weight(levels, fw)[0] == pytest.approx(
        -math.log2(1 + rho * 2**ratio), rel=1e-12
    )
    assert model.relatives_weight(levels, fw).dtype == np.float64
    model.relative_prior = 0.0
    assert model.relatives_weight(levels, fw).dtype == np.float64


def test_probability_of_a_float32_weight_is_computed_in_float64():
    weight = np.array([10.3], dtype=np.float32)
    assert probability(weight)[0] == pytest.approx(
        1 / (1 + 2 ** -float(weight[0])), rel=1e-15, abs=0
    )
    assert probability(weight).dtype == np.float64


def test_tables_refuse_a_model_whose_vectors_do_not_cover_every_field():
    model = Model.default()
    model.r = model.r[:-1]
    with pytest.raises(ValueError, match="zip"):
        model.relative_table()
    model = Model.default()
    model.u = model.u[:-1]
    with pytest.raises(ValueError, match="zip"):
        model.weight_table()


def test_parameters_round_every_vector_to_eight_places_and_read_integers_as_floats():
    model = Model.default()
    model.u[G] = np.array([0.0, 0.9, 0.07, 0.015, 0.01, 0.000123456789])
    model.r[C] = np.array([0.0, 0.25, 0.05, 0.699999999876])
    data = model.parameters()
    assert data["u"][G][5] == 0.00012346 and data["r"][C][3] == 0.7
    again = Model.from_parameters(data)
    assert again.r[C].tolist() == [0.0, 0.25, 0.05, 0.7]
    integers = {
        "m": [[0, 1] + [0] * (s - 2) for s in SIZES],
        "u": [[0, 1] + [0] * (s - 2) for s in SIZES],
        "r": [[0, 1] + [0] * (s - 2) for s in SIZES],
        "prior": 1,
        "relative_prior": 0,
    }
    read = Model.from_parameters(integers)
    assert all(v.dtype == np.float64 for key in "mur" for v in getattr(read, key))
    assert (read.prior, read.relative_prior) == (1.0, 0.0)
    assert type(read.prior) is float and type(read.relative_prior) is float


def test_learning_guards_by_one_bit_unless_told_otherwise_and_learns_from_one_decision():
    model = Model.default()
    guarded = learn_from_decisions(model, [_row(given_name=2)] * 40, [], strength=20.0)
    assert guarded.m[G][2] == pytest.approx(0.08)  # twice 0.04: one bit
    one = learn_from_decisions(model, [_row(given_name=2)], [], strength=1.0, max_shift=9.0)
    assert one.m[G].tolist() == pytest.approx(_learned(DEFAULT_M[G], [2], 1.0, 9.0))
    assert one.m[G][2] == pytest.approx(0.52)


def test_fit_defaults_to_200_000_random_pairs_from_seed_0():
    records = _population([{"given_name": "Petro", "family_name": f"Qz{k}", "nationality": "PL"}
                           for k in range(34)])  # fmt: skip
    data = encode_records(records)
    assert len(data) * (len(data) - 1) // 2 > 200_000  # 634 records: more pairs than samples
    levels = compare(data, np.arange(0, 40, 2), data, np.arange(1, 40, 2)).levels
    model = fit(data, levels)
    assert [v.tolist() for v in model.u] == [
        v.tolist() for v in estimate_u(data, samples=200_000, seed=0)
    ]


def test_thirty_relatives_are_enough_to_count():
    rows = np.array([_row(given_name=1, family_name=4, city=3)] * 30, dtype=np.int8)
    r, share = estimate_relatives(rows, 1000)
    pseudo = np.array(DEFAULT_R[C]) * 50.0
    want = (np.array([0.0, 0, 0, 30]) + pseudo) / (30 + pseudo[1:].sum())
    want[0] = 0.0
    assert r[C].tolist() == pytest.approx(want.tolist())
    assert share == pytest.approx(30 / (0.85 * 0.92) / (1000 * 999 / 2))


def _pairs_of_records(n_pairs: int, *, alike: int):
    """Records in pairs (2k, 2k+1); the first `alike` pairs share passport, email and birth
    date (the same person twice), the others only a common name."""
    records = []
    for k in range(n_pairs):
        for side in range(2):
            same = k < alike
            records.append(Record(
                id=f"{k}-{side}", given_name="Ivan", family_name="Kovalenko",
                date_of_birth=f"19{60 + k % 30}-0{1 + k % 9}-1{k % 10}" if same
                else f"19{60 + (k + side * 7) % 30}-05-0{1 + side}",
                passport_number=f"PA{k:05d}" if same else f"PB{k:03d}{side}",
                email=f"ivan.k{k}@example.org" if same else f"ivan{k}x{side}@example.org",
                nationality="UA"))  # fmt: skip
    data = encode_records(records)
    ia = np.arange(0, 2 * n_pairs, 2)
    return data, compare(data, ia, data, ia + 1).levels


def test_fit_takes_the_match_share_from_em_with_the_trained_m_from_fifty_pairs_on():
    data, levels = _pairs_of_records(50, alike=35)
    u = estimate_u(data, samples=4000, seed=2)
    m = estimate_m(levels, u)
    assert m[D].tolist() != list(DEFAULT_M[D])  # the sessions trained something
    _, share, _ = estimate_m_em(levels, u, m_start=m, fixed_m=True)
    model = fit(data, levels, u_samples=4000, seed=2)
    assert model.prior == pytest.approx(share * 50 / (100 * 99 / 2), rel=1e-12)
    assert share != 0.5
    _, fewer = _pairs_of_records(49, alike=35)
    assert fit(data, fewer, u_samples=4000, seed=2).prior == pytest.approx(
        0.5 * 49 / (100 * 99 / 2)
    )


def test_the_prior_of_a_random_pair_is_clipped_to_a_trillionth_and_a_half():
    # 12,000 records, 50 candidate pairs that agree on nothing: EM's share of matches stops
    # near a millionth, times 50 of 72 million pairs: under a trillionth.
    crowd = encode_records([Record(id=str(k), given_name="Ivan") for k in range(12_000)])
    nothing_alike = np.array([_row(given_name=1, family_name=1, date_of_birth=1,
                                   passport_number=1, email=1, nationality=1)] * 50,
                             dtype=np.int8)  # fmt: skip
    assert fit(crowd, nothing_alike, u_samples=500).prior == 1e-12
    tiny = encode_records([Record(id="a", given_name="Ivan"), Record(id="b", given_name="Ivan")])
    three = compare(tiny, np.array([0, 0, 1]), tiny, np.array([1, 1, 0])).levels
    assert fit(tiny, three, u_samples=10).prior == 0.5  # 0.5 x 3 pairs of 1: capped


def _u_oracle(data, samples, seed):
    """u as documented: `samples` pairs (at most the number of pairs), the first record
    uniform over all, the second uniform over the others, from numpy's default_rng(seed);
    each field's levels counted and smoothed by 2,000 pairs' worth of DEFAULT_U."""
    n = len(data)
    rng = np.random.default_rng(seed)
    total = min(samples, n * (n - 1) // 2)
    first = rng.integers(0, n, size=total)
    second = rng.integers(0, n - 1, size=total)
    second = np.where(second >= first, second + 1, second)
    levels = compare(data, first, data, second).levels
    out = []
    for f, size in enumerate(SIZES):
        counts = np.array([(levels[:, f] == lv).sum() for lv in range(size)], dtype=float)
        counts[0] = 0.0
        prior = np.array(DEFAULT_U[f]) * 2000.0
        u_f = (counts + prior) / (counts.sum() + prior.sum())
        u_f[0] = 0.0
        out.append(u_f)
    return out


def test_u_from_the_documented_random_pairs():
    records = _population()[:40] + _population()[300:340] + _population()[560:600]
    data = encode_records(records)
    for samples, seed in [(500, 0), (500, 7), (10_000, 3)]:
        got = estimate_u(data, samples=samples, seed=seed)
        want = _u_oracle(data, samples, seed)
        for f in range(N_FIELDS):
            assert got[f].tolist() == pytest.approx(want[f].tolist(), rel=1e-12)


def test_u_of_two_records_is_their_one_pair_smoothed():
    data = _identical_but_passport(2)
    u = estimate_u(data, samples=100)
    prior = np.array(DEFAULT_U[P]) * 2000.0
    assert u[P][1] == pytest.approx((1 + prior[1]) / (1 + prior.sum()))


def test_counts_stay_integers_as_they_grow():
    model = Model.default()
    model.tf = {"family": np.array([0, 2], np.int64)}
    model.add_term(3, "family", 5)
    model.add_term(3, "family", 1)  # value id 1 is a value like any other
    assert model.tf["family"].dtype == np.int64
    assert model.tf_nat_added == {"family": {(3 << 32) | 5: 1, (3 << 32) | 1: 1}}
    model.add_nationality(4)
    assert model.nat_total.dtype == np.int64 and model.nat_total.tolist() == [0, 0, 0, 0, 1]


def test_u_defaults_to_200_000_pairs_from_seed_0():
    records = _population([{"given_name": "Petro", "family_name": f"Qz{k}", "nationality": "PL"}
                           for k in range(34)])  # fmt: skip
    data = encode_records(records)
    assert [v.tolist() for v in estimate_u(data)] == [
        v.tolist() for v in estimate_u(data, samples=200_000, seed=0)
    ]
    assert estimate_u(data)[F].tolist() != estimate_u(data, samples=199_999, seed=0)[F].tolist()


def _family_tf(share):
    table = Model.default().weight_table()
    return min(max(math.log2(DEFAULT_M[F][4] / share), 0.0), table[F, 4] + 4.0)


def test_term_frequencies_apply_from_exactly_500_records_and_field_by_field():
    records = _population()
    data = encode_records(records[:500])
    model = Model.default()
    model.set_term_frequencies(data)
    levels, weights = _weights_of(model, data, [(0, 1)])
    assert weights[0, F] == pytest.approx(_family_tf(150 / 300), rel=1e-6)
    # A pair whose given names disagree still has its family name weighed by frequency.
    data = encode_records(records)
    model.set_term_frequencies(data)
    levels, weights = _weights_of(model, data, [(0, 300)])
    assert (levels[0, G], levels[0, F]) == (1, 4)
    assert weights[0, F] == pytest.approx(_family_tf(157 / 600), rel=1e-6)


def test_a_nationality_the_counts_have_not_seen_is_weighed_among_all():
    records = _population()
    data = encode_records(records)
    model = Model.default()
    model.set_term_frequencies(encode_records(records[:300], vocab=data.vocab))  # Ukrainians
    model.tf_total = 600  # as if counted globally from an older index
    levels, weights = _weights_of(model, data, [(300, 301)])  # two Canadian Kovalenkos
    assert levels[0, F] == 4
    assert weights[0, F] == pytest.approx(_family_tf(150 / 600), rel=1e-6)


def test_records_without_a_nationality_are_no_nationality_of_their_own():
    records = _population(
        [{"given_name": "Olha", "family_name": "Kovalenko" if k < 10 else f"Nn{k}"}
         for k in range(250)]
    )  # fmt: skip
    data = encode_records(records)
    model = Model.default()
    model.set_term_frequencies(data)
    levels, weights = _weights_of(model, data, [(600, 601)])  # two Kovalenkos, no nationality
    assert levels[0, F] == 4 and data.nationality[600] == 0
    assert weights[0, F] == pytest.approx(_family_tf(167 / 850), rel=1e-6)
