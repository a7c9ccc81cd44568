"""Candidate pairs: the union of several blocking passes, each an exact key.

A pair is a candidate when the two records share the key of at least one pass, so a
duplicate is lost only when every key broke at once: its passport, email and phone differ
or are missing, and its names (up to transliteration and nicknames) and its date of birth do
not survive together in any of the combinations below. Every key combines at least two
fields, so blocks stay small as the data grows (a million records give a few candidates per
record, not hundreds). Keys are built from
the integer columns of ``Encoded`` and are order-insensitive where the fields may be swapped
(given/family names, day/month). Blocks larger than ``max_block`` records are skipped: such
a key (a shared placeholder passport, a very common name with a birth year) says little, and
the other passes still see those records.

Each pass yields (key, row) entries; pairs come out of one sort per pass with numpy, as two
int32 arrays with left < right, without repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from enlist.matching.encode import Encoded, Vocab

KeyFunction = Callable[[Encoded], tuple[np.ndarray, np.ndarray]]


def _single(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = values.astype(np.int64)
    rows = np.flatnonzero(values != 0)
    return values[rows], rows


def _both(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two keys per record (e.g. one from each name), as separate entries."""
    k1, r1 = _single(first)
    k2, r2 = _single(second)
    return np.concatenate([k1, k2]), np.concatenate([r1, r2])


def _sorted_date(d: Encoded) -> np.ndarray:
    """Year, and month/day in sorted order (a day/month swap keeps the key); 0 if partial."""
    lo = np.minimum(d.month, d.day).astype(np.int64)
    hi = np.maximum(d.month, d.day).astype(np.int64)
    key = (d.year.astype(np.int64) << 10) | (lo << 5) | hi
    return np.where((d.year > 0) & (lo > 0), key, 0)


def _initial(vocab: Vocab, ids: np.ndarray) -> np.ndarray:
    initials: np.ndarray = vocab.initials()[ids]
    return initials


def _passport(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    return _single(d.passport)


def _email(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    # The mailbox name alone too: the same person at another provider.
    return _both(d.email.astype(np.int64), d.email_local.astype(np.int64) << 32)


def _phone(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    return _single(d.phone_tail)


def _unordered(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One key for two name ids, whichever field each was typed in (0 if either is missing)."""
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    return np.where((a > 0) & (b > 0), (np.minimum(a, b) << 24) | np.maximum(a, b), 0)


def _name_pair_year(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    pair = _unordered(d.given_canon, d.family_canon)
    year = d.year.astype(np.int64)
    return _single(np.where(year > 0, (pair << 11) | year, 0))


def _name_pair_day(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Names and day-of-year (month/day in sorted order): the year was mistyped."""
    pair = _unordered(d.given_canon, d.family_canon)
    lo = np.minimum(d.month, d.day).astype(np.int64)
    hi = np.maximum(d.month, d.day).astype(np.int64)
    return _single(np.where(lo > 0, (pair << 10) | (lo << 5) | hi, 0))


def _one_name_date(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Either name (as typed in either field) with the full date: the other name changed."""
    date = _sorted_date(d)
    given = np.where(
        (d.given_canon > 0) & (date > 0), (d.given_canon.astype(np.int64) << 22) | date, 0
    )
    family = np.where((d.family > 0) & (date > 0), (d.family.astype(np.int64) << 22) | date, 0)
    return _both(given, family)


def _date_initials(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Full date and both initials (unordered): both names spelt differently."""
    date = _sorted_date(d)
    gi = _initial(d.vocab.names, d.given_canon)
    fi = _initial(d.vocab.names, d.family)
    initials = (np.minimum(gi, fi) << 21) | np.maximum(gi, fi)
    return _single(np.where((date > 0) & (gi > 0) & (fi > 0), (date << 42) | initials, 0))


def _family_year_initial(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Surname, birth year and given initial: a typo in the given name and in the day or
    month at once. (The given name with the surname's initial would make blocks of
    thousands: given names are few.)"""
    year = d.year.astype(np.int64)
    gi = _initial(d.vocab.names, d.given_canon)
    key = (d.family.astype(np.int64) << 32) | (year << 21) | gi
    return _single(np.where((d.family > 0) & (year > 0) & (gi > 0), key, 0))


def _names_city(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """Names and city: the date of birth and the identifiers all broke."""
    pair = _unordered(d.given_canon, d.family_canon)
    city = d.city.astype(np.int64)
    return _single(np.where((pair > 0) & (city > 0), (pair << 20) ^ city, 0))


def _passport_anagram(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    """The passport's characters in sorted order, with the family initial: two characters
    transposed."""
    sorted_ids = d.vocab.passports.anagram_ids()[d.passport]
    initial = _initial(d.vocab.names, d.family)
    return _single(np.where((sorted_ids > 0) & (initial > 0), (sorted_ids << 21) | initial, 0))


def _names_only(d: Encoded) -> tuple[np.ndarray, np.ndarray]:
    return _single(_unordered(d.given_canon, d.family_canon))


def _no_birth_date(d: Encoded) -> np.ndarray:
    missing: np.ndarray = d.year == 0
    return missing


@dataclass(frozen=True)
class Pass:
    """One blocking key; with ``only_if``, a pair is kept only if one of its records has it."""

    name: str
    keys: KeyFunction
    only_if: Callable[[Encoded], np.ndarray] | None = None


PASSES: tuple[Pass, ...] = (
    Pass("passport", _passport),
    Pass("email", _email),
    Pass("phone", _phone),
    Pass("names, when a birth date is missing", _names_only, only_if=_no_birth_date),
    Pass("names and birth year", _name_pair_year),
    Pass("names and birth day", _name_pair_day),
    Pass("one name and date of birth", _one_name_date),
    Pass("date of birth and both initials", _date_initials),
    Pass("surname, birth year and given initial", _family_year_initial),
    Pass("names and city", _names_city),
    Pass("passport with two characters transposed", _passport_anagram),
)


def block_pairs(
    keys: np.ndarray, rows: np.ndarray, *, max_block: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """All pairs of rows that share a key, in chunks; left < right within each pair."""
    if len(keys) < 2:
        return
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], rows[order]
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    sizes = np.diff(np.concatenate((starts, [len(keys)])))
    keep = (sizes >= 2) & (sizes <= max_block)
    if not keep.any():
        return
    # Positions inside kept blocks, each knowing where its block ends.
    block_end = np.repeat(starts + sizes, sizes)
    in_kept = np.repeat(keep, sizes)
    positions = np.flatnonzero(in_kept)
    ends = block_end[positions]
    offset = 1
    while len(positions):
        alive = positions + offset < ends
        positions, ends = positions[alive], ends[alive]
        if not len(positions):
            break
        left, right = rows[positions], rows[positions + offset]
        yield np.minimum(left, right), np.maximum(left, right)
        offset += 1


def candidate_pairs(
    data: Encoded, *, max_block: int = 300, passes: tuple[Pass, ...] = PASSES
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct candidate pairs (left < right) over all passes."""
    n = len(data)
    codes: list[np.ndarray] = []
    for blocking_pass in passes:
        keys, rows = blocking_pass.keys(data)
        wanted = blocking_pass.only_if(data) if blocking_pass.only_if else None
        for left, right in block_pairs(keys, rows.astype(np.int64), max_block=max_block):
            keep = left != right
            if wanted is not None:
                keep &= wanted[left] | wanted[right]
            codes.append((left * n + right)[keep])
    if not codes:
        empty = np.zeros(0, dtype=np.int32)
        return empty, empty
    unique = _sorted_distinct(np.concatenate(codes))
    return (unique // n).astype(np.int32), (unique % n).astype(np.int32)


def _sorted_distinct(values: np.ndarray) -> np.ndarray:
    values.sort()
    keep = np.empty(len(values), dtype=bool)
    keep[:1] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
