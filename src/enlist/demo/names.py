"""Realistic person names for demo data, per nationality.

Why this module exists
----------------------
Demo and screenshot data should look like the people the legion actually
dealt with in 2022: volunteers from dozens of countries, most of them men,
many of them with names that are written in a non-Latin script at home. A
demo full of "John Doe" hides exactly the problems the real case files have
(Cyrillic and Latin spellings of the same person, Georgian, Hebrew or Arabic
passports, Lao or Thai names romanised three different ways). So every pool
here carries, for countries whose language has its own script, the native
spelling next to the usual passport romanisation; for Latin-script languages
the native spelling is ``None`` and the Latin form keeps its diacritics
(Šimkus, Wójcik, Dvořák, João).

Conventions
-----------
* Keys are ISO 3166-1 alpha-2 country codes.
* ``script`` is the ISO 15924 code of the native script (``None`` = Latin).
* ``languages`` are ISO 639-1 codes, most common first.
* Romanisation follows what passports of that country usually print:
  Ukrainian national system (Oleksandr, Andrii, Kovalenko), Russian ICAO
  Doc 9303 (Dmitrii, Sergei, Vasilev), Belarusian from the Belarusian
  form (Aliaksandr, Siarhei), Georgian national system, ELOT 743 for Greek,
  Hepburn without macrons for Japanese, Pinyin for mainland China and
  Wade-Giles for Taiwan, French-based spelling for Morocco, and so on.
* Given names are mostly male with a few female ones, because the volunteers
  were mostly men. Family names are given in their masculine form where the
  language inflects them (Slavic, Baltic, Greek, Icelandic patronymics).
* Given and family names are stored apart; display order (family-first for
  Chinese, Korean, Japanese, Hungarian) is left to the caller.
* ``RU`` mixes ethnic Russian names with Chechen ones, for the Chechen
  battalions and the Freedom of Russia Legion.

The names themselves are data, in ``names.toml`` beside this module (one table
per nationality, with the reason for its romanisation as a comment above it);
this module only reads and checks them. Pure Python on purpose: no Django and
no third-party import, so it can be used by the demo seeding command, by tests
and by scripts alike.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["FALLBACK", "NAMES", "NamePool", "pool_for"]

Name = tuple[str, str | None]

NAMES_FILE = Path(__file__).with_name("names.toml")
_FALLBACK_TABLE = "FALLBACK"


@dataclass(frozen=True)
class NamePool:
    """Names for one nationality."""

    script: str | None  # ISO 15924 of the native script when it is not Latin, else None
    languages: tuple[str, ...]  # ISO 639-1 codes, most common first
    given: tuple[Name, ...]  # (latin, native-or-None)
    family: tuple[Name, ...]  # (latin, native-or-None)


def _name(entry: Any, where: str) -> Name:
    """A name is ``"Latin"`` or ``["Latin", "native"]``; anything else is a data error."""
    if isinstance(entry, str) and entry.strip():
        return (entry.strip(), None)
    if (
        isinstance(entry, list)
        and len(entry) == 2
        and all(isinstance(part, str) and part.strip() for part in entry)
    ):
        return (entry[0].strip(), entry[1].strip())
    raise ValueError(f"{NAMES_FILE.name}: bad name in {where}: {entry!r}")


def _pool(table: dict[str, Any], key: str) -> NamePool:
    unknown = set(table) - {"script", "languages", "given", "family"}
    if unknown:
        raise ValueError(f"{NAMES_FILE.name}: unknown keys in [{key}]: {sorted(unknown)}")
    return NamePool(
        script=table.get("script"),
        languages=tuple(table["languages"]),
        given=tuple(_name(entry, f"[{key}].given") for entry in table["given"]),
        family=tuple(_name(entry, f"[{key}].family") for entry in table["family"]),
    )


@cache
def _pools(path: Path = NAMES_FILE) -> tuple[dict[str, NamePool], NamePool]:
    with path.open("rb") as data:
        tables = tomllib.load(data)
    fallback = _pool(tables.pop(_FALLBACK_TABLE), _FALLBACK_TABLE)
    return {key: _pool(table, key) for key, table in tables.items()}, fallback


NAMES, FALLBACK = _pools()


def pool_for(country_code: str) -> NamePool:
    """Name pool for an ISO 3166-1 alpha-2 code (any case); FALLBACK when unknown."""
    return NAMES.get((country_code or "").strip().upper(), FALLBACK)
