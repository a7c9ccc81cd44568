"""Comparison vectors: for each pair of records, one agreement level per field.

``compare(a, ia, b, ib)`` compares row ``ia[k]`` of ``a`` with row ``ib[k]`` of ``b`` for all
k at once and returns an int8 matrix (pairs x ``FIELDS``). Level 0 is always "missing" (one
side has no value: no evidence either way), level 1 "disagree", higher levels agree more.
The result is symmetric: compare(a, ia, b, ib) == compare(b, ib, a, ia).

Names are compared both ways round: when given and family agree better swapped, the swapped
levels are used and ``swapped`` is set for that pair. String similarity is Jaro-Winkler on
the phonetic keys, computed once per distinct pair of ids with ``rapidfuzz.process.cpdist``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, JaroWinkler

from enlist.matching.encode import Encoded, Vocab


@dataclass(frozen=True)
class Field:
    name: str
    levels: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field(
        "given_name",
        ("missing", "disagree", "similar", "very similar", "same name or nickname", "exact"),
    ),
    Field("family_name", ("missing", "disagree", "similar", "very similar", "exact")),
    Field(
        "date_of_birth",
        ("missing", "disagree", "same year", "one part off", "day and month swapped", "exact"),
    ),
    Field("passport_number", ("missing", "disagree", "one character off", "exact")),
    Field("email", ("missing", "disagree", "same mailbox name", "exact")),
    Field("phone", ("missing", "disagree", "same last 8 digits", "exact")),
    Field("city", ("missing", "disagree", "similar", "exact")),
    Field("nationality", ("missing", "disagree", "exact")),
)
FIELD_INDEX = {f.name: i for i, f in enumerate(FIELDS)}
N_FIELDS = len(FIELDS)

_WORKERS = -1


def set_workers(workers: int) -> None:
    """Threads rapidfuzz may use for string similarity (-1: all cores)."""
    global _WORKERS
    _WORKERS = workers


def _similarity(
    vocab: Vocab, ids_a: np.ndarray, ids_b: np.ndarray, scorer: Callable[..., float]
) -> np.ndarray:
    """Scorer over pairs of vocab ids, each distinct unordered id pair scored once."""
    out = np.zeros(len(ids_a), dtype=np.float32)
    todo = (ids_a != ids_b) & (ids_a > 0) & (ids_b > 0)
    if not todo.any():
        return out
    lo = np.minimum(ids_a[todo], ids_b[todo]).astype(np.int64)
    hi = np.maximum(ids_a[todo], ids_b[todo]).astype(np.int64)
    unique, inverse = np.unique((lo << 32) | hi, return_inverse=True)
    strings = vocab.strings()
    left = strings[unique >> 32].tolist()
    right = strings[unique & 0xFFFFFFFF].tolist()
    scores = process.cpdist(left, right, scorer=scorer, workers=_WORKERS)
    out[todo] = np.asarray(scores, dtype=np.float32)[inverse.ravel()]
    return out


def _jaro_winkler(vocab: Vocab, ids_a: np.ndarray, ids_b: np.ndarray) -> np.ndarray:
    return _similarity(vocab, ids_a, ids_b, JaroWinkler.normalized_similarity)


def _name_levels(
    vocab: Vocab,
    key_a: np.ndarray,
    key_b: np.ndarray,
    canon_a: np.ndarray,
    canon_b: np.ndarray,
    *,
    with_group: bool,
    jw: np.ndarray | None = None,
) -> np.ndarray:
    if jw is None:
        jw = _jaro_winkler(vocab, key_a, key_b)
    levels = np.where(jw >= 0.80, 2, 1).astype(np.int8)
    levels[jw >= 0.92] = 3
    top = 3
    if with_group:
        top = 4
        levels[(canon_a == canon_b) & (canon_a > 0)] = 4
    levels[key_a == key_b] = top + 1
    levels[(key_a == 0) | (key_b == 0)] = 0
    return levels


def _one_digit_apart(a: np.ndarray, b: np.ndarray, digits: int) -> np.ndarray:
    """Numbers that differ in exactly one decimal digit (a typo)."""
    a = a.astype(np.int32)
    b = b.astype(np.int32)
    differing = np.zeros(len(a), dtype=np.int8)
    for power in range(digits):
        differing += ((a // 10**power) % 10 != (b // 10**power) % 10).astype(np.int8)
    one_digit: np.ndarray = differing == 1
    return one_digit


def _date_levels(
    ya: np.ndarray, ma: np.ndarray, da: np.ndarray, yb: np.ndarray, mb: np.ndarray, db: np.ndarray
) -> np.ndarray:
    same_year = ya == yb
    full = (ma > 0) & (da > 0) & (mb > 0) & (db > 0)
    levels = np.where(same_year, 2, 1).astype(np.int8)
    month_eq, day_eq = ma == mb, da == db
    part_missing_a = (ma == 0) | (da == 0)
    part_missing_b = (mb == 0) | (db == 0)
    some_part = (ma > 0) | (mb > 0)
    close = same_year & month_eq & (ma > 0) & ((da == 0) | (db == 0) | _one_digit_apart(da, db, 2))
    close |= same_year & day_eq & (da > 0) & ((ma == 0) | (mb == 0) | _one_digit_apart(ma, mb, 2))
    close |= (
        month_eq
        & day_eq
        & full
        & (_one_digit_apart(ya, yb, 4) | (np.abs(ya.astype(np.int32) - yb) == 1))
    )
    # Only a year on one side and it agrees: as informative as a partial date.
    close |= same_year & (part_missing_a ^ part_missing_b) & some_part & ~(month_eq & day_eq)
    levels[close] = 3
    swapped = same_year & full & (ma == db) & (da == mb) & (ma != da)
    levels[swapped] = 4
    levels[same_year & month_eq & day_eq & ~(part_missing_a & part_missing_b & ~full)] = 5
    levels[same_year & month_eq & day_eq & part_missing_a & part_missing_b] = 3
    levels[(ya == 0) | (yb == 0)] = 0
    return levels


def _exact_levels(a: np.ndarray, b: np.ndarray, top: int) -> np.ndarray:
    levels = np.where(a == b, top, 1).astype(np.int8)
    levels[(a == 0) | (b == 0)] = 0
    return levels


@dataclass
class Comparison:
    """Levels (pairs x fields, int8) and whether the names were compared swapped."""

    levels: np.ndarray
    swapped: np.ndarray


def compare(a: Encoded, ia: np.ndarray, b: Encoded, ib: np.ndarray) -> Comparison:
    """Agreement levels of each pair (a[ia[k]], b[ib[k]]); ``a`` and ``b`` share vocabularies."""
    ia = np.asarray(ia, dtype=np.int64)
    ib = np.asarray(ib, dtype=np.int64)
    n = len(ia)
    out = np.zeros((n, N_FIELDS), dtype=np.int8)
    if n == 0:
        return Comparison(out, np.zeros(0, dtype=bool))
    names = a.vocab.names
    ga, gb, fa, fb = a.given[ia], b.given[ib], a.family[ia], b.family[ib]
    gca, gcb, fca, fcb = (
        a.given_canon[ia],
        b.given_canon[ib],
        a.family_canon[ia],
        b.family_canon[ib],
    )
    given = _name_levels(names, ga, gb, gca, gcb, with_group=True)
    family = _name_levels(names, fa, fb, fca, fcb, with_group=False)
    # Swapped: the cross pairs P1 = (a.given, b.family) and P2 = (a.family, b.given). Either
    # can play the given name (with name groups) and the other the family name; the better
    # assignment wins, ties to the higher given level. Swapping a and b swaps P1 and P2,
    # so the result is the same in either order. (Both names swapped *and* misspelt is left
    # to the other fields.)
    # Only pairs where a cross pair agrees exactly (by key or name group) are worth the work.
    maybe = (given + family < 8) & (ga > 0) & (fb > 0) & (fa > 0) & (gb > 0)
    maybe &= (ga == fb) | (fa == gb) | (gca == fcb) | (fca == gcb)
    swapped = np.zeros(n, dtype=bool)
    if maybe.any():
        idx = np.flatnonzero(maybe)
        jw1 = _jaro_winkler(names, ga[idx], fb[idx])
        jw2 = _jaro_winkler(names, fa[idx], gb[idx])
        g1 = _name_levels(names, ga[idx], fb[idx], gca[idx], fcb[idx], with_group=True, jw=jw1)
        g2 = _name_levels(names, fa[idx], gb[idx], fca[idx], gcb[idx], with_group=True, jw=jw2)
        f1 = _name_levels(names, ga[idx], fb[idx], gca[idx], fcb[idx], with_group=False, jw=jw1)
        f2 = _name_levels(names, fa[idx], gb[idx], fca[idx], gcb[idx], with_group=False, jw=jw2)
        sum1 = g1.astype(np.int16) + f2
        sum2 = g2.astype(np.int16) + f1
        first = (sum1 > sum2) | ((sum1 == sum2) & (g1 >= g2))
        s_given = np.where(first, g1, g2)
        s_family = np.where(first, f2, f1)
        better = (s_given.astype(np.int16) + s_family) > (given[idx].astype(np.int16) + family[idx])
        # A swap must be more than a guess: both names at least similar, one of them closely.
        better &= (s_given >= 2) & (s_family >= 2) & (s_given.astype(np.int16) + s_family >= 6)
        pick = idx[better]
        given[pick] = s_given[better]
        family[pick] = s_family[better]
        swapped[pick] = True
    out[:, 0] = given
    out[:, 1] = family
    out[:, 2] = _date_levels(a.year[ia], a.month[ia], a.day[ia], b.year[ib], b.month[ib], b.day[ib])

    pa, pb = a.passport[ia], b.passport[ib]
    passport = _exact_levels(pa, pb, 3)
    near = passport == 1
    if near.any():
        dist = _similarity(a.vocab.passports, pa[near], pb[near], OSA.distance)
        passport[np.flatnonzero(near)[dist <= 1]] = 2
    out[:, 3] = passport

    email = _exact_levels(a.email[ia], b.email[ib], 3)
    la, lb = a.email_local[ia], b.email_local[ib]
    email[(email == 1) & (la == lb) & (la > 0)] = 2
    out[:, 4] = email

    phone = _exact_levels(a.phone[ia], b.phone[ib], 3)
    ta, tb = a.phone_tail[ia], b.phone_tail[ib]
    phone[(phone == 1) & (ta == tb) & (ta > 0)] = 2
    out[:, 5] = phone

    ca, cb = a.city[ia], b.city[ib]
    city = _exact_levels(ca, cb, 3)
    differ = city == 1
    if differ.any():
        jw = _similarity(a.vocab.cities, ca[differ], cb[differ], JaroWinkler.normalized_similarity)
        city[np.flatnonzero(differ)[jw >= 0.88]] = 2
    out[:, 6] = city
    out[:, 7] = _exact_levels(a.nationality[ia], b.nationality[ib], 2)
    return Comparison(out, swapped)
