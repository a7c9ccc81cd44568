"""Records as columns of small integers: the form every later stage works on.

Each text field is normalised once and replaced by an id in a ``Vocab`` (0 means missing),
so that blocking, exact comparison and frequency counts are integer operations on numpy
arrays, and each distinct string is compared by Jaro-Winkler at most once per pair of ids.
One ``Vocab`` is shared by every column holding the same kind of value (given and family
names share one, so that swapped names compare).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from enlist.matching.normalise import (
    city_key,
    country_code,
    name_canon,
    name_key,
    normalise_email,
    normalise_passport,
    normalise_phone,
    parse_date,
    split_full_name,
)
from enlist.matching.records import Record


class Vocab:
    """Strings to dense ids; id 0 is the empty string (missing)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {"": 0}
        self._strings: list[str] = [""]
        self._array: np.ndarray | None = None
        self._filled = 0
        self._anagrams: dict[str, int] = {"": 0}
        self._anagram_ids = np.zeros(1, dtype=np.int64)
        self._initials = np.zeros(1, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._strings)

    @classmethod
    def of(cls, strings: list[str]) -> Vocab:
        """A vocabulary whose ids are the positions in ``strings`` (which starts with "")."""
        vocab = cls()
        vocab._strings = strings
        vocab._ids = {value: k for k, value in enumerate(strings)}
        return vocab

    def id(self, value: str) -> int:
        found = self._ids.get(value)
        if found is None:
            found = self._ids[value] = len(self._strings)
            self._strings.append(value)
            self._array = None
        return found

    def ids(self, values: Sequence[str]) -> np.ndarray:
        known = self._ids
        for value in dict.fromkeys(values):
            if value not in known:
                known[value] = len(self._strings)
                self._strings.append(value)
        return np.fromiter(map(known.__getitem__, values), dtype=np.int32, count=len(values))

    def lookup(self, value: str) -> int:
        """The id of ``value`` without adding it; -1 when unknown."""
        return self._ids.get(value, -1)

    def string(self, value_id: int) -> str:
        return self._strings[value_id]

    def anagram_ids(self) -> np.ndarray:
        """For each string, an id shared by all strings with the same characters (0 for "")."""
        done = len(self._anagram_ids)
        if done < len(self._strings):
            table = self._anagrams
            extra = [
                table.setdefault("".join(sorted(s)), len(table)) if s else 0
                for s in self._strings[done:]
            ]
            self._anagram_ids = np.concatenate([self._anagram_ids, np.array(extra, np.int64)])
        return self._anagram_ids

    def initials(self) -> np.ndarray:
        """Code point of each string's first character (0 for ""), extended as the vocab grows."""
        if len(self._initials) < len(self._strings):
            new = self._strings[len(self._initials) :]
            extra = np.fromiter((ord(s[0]) if s else 0 for s in new), dtype=np.int64)
            self._initials = np.concatenate([self._initials, extra])
        return self._initials

    def strings(self) -> np.ndarray:
        """All strings as a numpy object array indexed by id (extended, not rebuilt, as the
        vocabulary grows, so one new query string does not copy a million)."""
        size = len(self._strings)
        array = self._array
        if array is None or len(array) < size:
            grown = np.empty(max(size, 2 * (0 if array is None else len(array)), 64), dtype=object)
            filled = 0 if array is None else self._filled
            if array is not None:
                grown[:filled] = array[:filled]
            array = self._array = grown
        else:
            filled = self._filled
        if filled < size:
            array[filled:size] = self._strings[filled:size]
            self._filled = size
        return array[:size]


@dataclass
class Vocabularies:
    """The vocabularies one data set (or one index and its queries) is encoded with."""

    names: Vocab = field(default_factory=Vocab)
    passports: Vocab = field(default_factory=Vocab)
    emails: Vocab = field(default_factory=Vocab)
    phones: Vocab = field(default_factory=Vocab)
    cities: Vocab = field(default_factory=Vocab)
    countries: Vocab = field(default_factory=Vocab)


COLUMNS: tuple[str, ...] = (
    "given",
    "family",
    "given_canon",
    "family_canon",
    "year",
    "month",
    "day",
    "passport",
    "email",
    "email_local",
    "phone",
    "phone_tail",
    "city",
    "nationality",
)
_DTYPES = {"year": np.int16, "month": np.int8, "day": np.int8, "phone_tail": np.int64}


@dataclass
class Encoded:
    """Columns of encoded records, all of length ``len(ids)``; see ``COLUMNS``."""

    ids: list[str]
    vocab: Vocabularies
    given: np.ndarray
    family: np.ndarray
    given_canon: np.ndarray
    family_canon: np.ndarray
    year: np.ndarray
    month: np.ndarray
    day: np.ndarray
    passport: np.ndarray
    email: np.ndarray
    email_local: np.ndarray
    phone: np.ndarray
    phone_tail: np.ndarray
    city: np.ndarray
    nationality: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    def columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in COLUMNS}


def empty_columns(capacity: int) -> dict[str, np.ndarray]:
    return {name: np.zeros(capacity, dtype=_DTYPES.get(name, np.int32)) for name in COLUMNS}


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: building millions of small containers (rows,
    dict entries) otherwise triggers full collections that cost more than the work.
    Nothing allocated here forms reference cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _distinct(values: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Distinct values in first-seen order, and the position of each value among them."""
    distinct = list(dict.fromkeys(values))
    position = {value: k for k, value in enumerate(distinct)}
    index = np.fromiter(map(position.__getitem__, values), dtype=np.int64, count=len(values))
    return distinct, index


def _encode(values: Sequence[str], normalise: Callable[[str], str], vocab: Vocab) -> np.ndarray:
    """Vocab ids of normalise(value) for each value, normalising each distinct value once."""
    distinct, index = _distinct(values)
    encoded: np.ndarray = vocab.ids([normalise(v) for v in distinct])[index]
    return encoded


def _names(given: Sequence[str], family: Sequence[str]) -> tuple[list[str], list[str]]:
    given, family = list(given), list(family)
    for k in [
        k
        for k, (g, f) in enumerate(zip(given, family, strict=True))
        if not g.strip() or not f.strip()
    ]:
        given[k], family[k] = split_full_name(given[k].strip(), family[k].strip())
    return given, family


# Above this many records, contacts are encoded in a second process while this one does
# names and dates (the two halves share no vocabulary).
PARALLEL_MIN_RECORDS = 50_000
_FORK_INPUT: dict[str, Sequence[str]] = {}


def encode_columns(
    columns: Mapping[str, Sequence[str]], vocab: Vocabularies | None = None, *, workers: int = 2
) -> Encoded:
    """Normalise and encode column lists (keys as in ``Record``; ``id`` required).

    Missing columns count as empty. Each distinct value of a column is normalised once, so a
    million records with repeated names, dates and cities cost one normalisation per value.
    With ``workers`` > 1, a fresh vocabulary and enough records, identifiers are encoded in a
    forked process alongside; the result is the same either way.
    """
    ids = [str(v) for v in columns["id"]]
    n = len(ids)
    empty = [""] * n

    def col(name: str) -> Sequence[str]:
        values = columns.get(name)
        return empty if values is None else values

    full = {name: col(name) for name in _INPUT_FIELDS}
    parallel = vocab is None and workers > 1 and n >= PARALLEL_MIN_RECORDS
    parallel &= "fork" in multiprocessing.get_all_start_methods()
    vocab = vocab or Vocabularies()
    with no_cyclic_gc():
        if parallel:
            contacts, people = _contacts_in_parallel(full, vocab)
        else:
            contacts = _encode_contacts(full, vocab)
            people = _encode_people(full, vocab)
    return Encoded(ids=ids, vocab=vocab, **people, **contacts)


_INPUT_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "nationality",
    "residence_country",
    "passport_number",
    "email",
    "phone",
    "city",
)


def _contacts_in_parallel(
    columns: dict[str, Sequence[str]], vocab: Vocabularies
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Contacts encoded in a forked process while this one encodes names and dates into
    ``vocab``, which then receives the child's contact vocabularies: (contacts, people)."""
    global _FORK_INPUT
    _FORK_INPUT = columns  # inherited by the forked worker, never pickled
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            contacts_done = pool.submit(_contacts_in_child)  # the fork happens here
            people = _encode_people(columns, vocab)
            contacts, passports, emails, phones = contacts_done.result()
    finally:
        _FORK_INPUT = {}
    vocab.passports, vocab.emails, vocab.phones = (
        Vocab.of(passports), Vocab.of(emails), Vocab.of(phones)
    )  # fmt: skip
    return contacts, people


def _contacts_in_child() -> tuple[dict[str, np.ndarray], list[str], list[str], list[str]]:
    vocab = Vocabularies()
    with no_cyclic_gc():
        arrays = _encode_contacts(_FORK_INPUT, vocab)
    return arrays, vocab.passports._strings, vocab.emails._strings, vocab.phones._strings


def _regions(
    columns: dict[str, Sequence[str]], vocab: Vocabularies
) -> tuple[np.ndarray, list[str]]:
    """Nationality ids, and each record's phone region (residence, else nationality)."""
    n = len(columns["nationality"])
    countries, index = _distinct([*columns["nationality"], *columns["residence_country"]])
    codes = [country_code(v) for v in countries]
    nationality = vocab.countries.ids(codes)[index[:n]]
    code_of = np.array(codes, dtype=object)
    residence = code_of[index[n:]].tolist()
    citizen = code_of[index[:n]].tolist()
    return nationality, [r or c for r, c in zip(residence, citizen, strict=True)]


def _encode_people(columns: dict[str, Sequence[str]], vocab: Vocabularies) -> dict[str, np.ndarray]:
    given_raw, family_raw = _names(columns["given_name"], columns["family_name"])
    names = vocab.names
    distinct_dates, date_index = _distinct(columns["date_of_birth"])
    parsed = [parse_date(v) for v in distinct_dates]
    nationality, _ = _regions(columns, vocab)
    return {
        "given": _encode(given_raw, name_key, names),
        "family": _encode(family_raw, name_key, names),
        "given_canon": _encode(given_raw, name_canon, names),
        "family_canon": _encode(family_raw, name_canon, names),
        "year": np.array([d.year for d in parsed], dtype=np.int16)[date_index],
        "month": np.array([d.month for d in parsed], dtype=np.int8)[date_index],
        "day": np.array([d.day for d in parsed], dtype=np.int8)[date_index],
        "city": _encode(columns["city"], city_key, vocab.cities),
        "nationality": nationality,
    }


def _encode_contacts(
    columns: dict[str, Sequence[str]], vocab: Vocabularies
) -> dict[str, np.ndarray]:
    _, regions = _regions(columns, Vocabularies())
    distinct_emails, email_index = _distinct(columns["email"])
    emails = [normalise_email(v) for v in distinct_emails]
    locals_ = [e.partition("@")[0] if len(e) > 8 else "" for e in emails]
    keyed = [f"{p}\x1f{r}" if p else "" for p, r in zip(columns["phone"], regions, strict=True)]
    distinct_phones, phone_index = _distinct(keyed)
    phones = [_phone(key) for key in distinct_phones]
    return {
        "passport": _encode(columns["passport_number"], normalise_passport, vocab.passports),
        "email": vocab.emails.ids(emails)[email_index],
        "email_local": vocab.emails.ids(locals_)[email_index],
        "phone": vocab.phones.ids(phones)[phone_index],
        "phone_tail": np.array([_tail(p) for p in phones], dtype=np.int64)[phone_index],
    }


def _phone(key: str) -> str:
    number, _, region = key.partition("\x1f")
    return normalise_phone(number, region=region) if number else ""


def _tail(phone: str) -> int:
    """The last 8 digits: equal when only the country code or trunk prefix was different."""
    digits = phone.lstrip("+")
    return int(digits[-8:]) if len(digits) >= 8 else 0


def records_to_columns(records: Iterable[Record]) -> dict[str, list[str]]:
    rows = list(records)
    names = ("id", *Record.__dataclass_fields__.keys() - {"id"})
    return {name: [getattr(r, name) or "" for r in rows] for name in names}


def encode_records(records: Iterable[Record], vocab: Vocabularies | None = None) -> Encoded:
    return encode_columns(records_to_columns(records), vocab)
