"""Statistical disclosure control for published counts (pure: no Django).

What it is given: one population (the applications) broken down into several one-way tables
(by nationality, by stage group, by week, ...), every table's cells summing to the same grand
total, and every table listing a fixed set of categories (every country of the reference
list, every week of the period), so that which categories appear says nothing about the data.

What it publishes (``protect``), with threshold t (default 10) and base b (default 5):

1. **No small cell.** Every published cell, and the published total, is either suppressed
   (``None``) or the true count rounded to the nearest multiple of b (halves up), and is at
   least t. A true count under t (zero included) is always suppressed, so a suppressed cell
   never tells whether the group is empty or holds one person.
2. **No recovery by subtraction.** In every table with a suppressed cell, the suppressed
   cells together hold at least t (true counts) and number at least two (secondary
   suppression: the smallest published cells are added until this holds). Hence, for anyone
   who knows only what is published, that cells are non-negative integers, that each table
   adds up to the total and how rounding works: every value from 0 up to the table's
   suppressed sum (at least t) is consistent with each suppressed cell. The tables share only
   their grand total, so combining tables narrows nothing further. The tests check this by
   solving for each suppressed cell's smallest and largest consistent value.
3. **Total under t**: everything is suppressed.

What it does not do: it does not stop differencing between two publications; that is the
caller's duty (the public snapshot is refreshed at most daily, ``reports/services.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 10
DEFAULT_BASE = 5


@dataclass(frozen=True)
class Policy:
    threshold: int = DEFAULT_THRESHOLD
    base: int = DEFAULT_BASE

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("the threshold is at least 1")
        if self.base < 1:
            raise ValueError("the rounding base is at least 1")
        if round_to_base(self.threshold, self.base) < self.threshold:
            # a count of at least t would then be published as less than t
            raise ValueError("the rounding base rounds the threshold down: choose another")


@dataclass(frozen=True)
class Publication:
    """What may be published: the total and each table's cells; None means suppressed."""

    policy: Policy
    total: int | None
    tables: dict[str, dict[str, int | None]] = field(default_factory=dict)


def round_to_base(count: int, base: int) -> int:
    """The multiple of `base` nearest to `count`, halves up (12 → 10, 13 → 15 in base 5)."""
    if count < 0:
        raise ValueError("a count is never negative")
    return (2 * count + base) // (2 * base) * base


def rounding_interval(published: int, base: int) -> tuple[int, int]:
    """Every true count that rounds to `published` (both ends included)."""
    low = max(0, -((base - 2 * published) // 2))  # ceil((2p - b) / 2)
    high = (2 * published + base - 1) // 2
    return low, high


def _suppressed_keys(cells: Mapping[str, int], threshold: int) -> set[str]:
    suppressed = {key for key, count in cells.items() if count < threshold}
    if not suppressed:
        return suppressed
    # Secondary: the smallest published cells join until the suppressed cells hold at least
    # the threshold and are at least two (ties broken by key, so the choice is stable).
    remaining = sorted((count, key) for key, count in cells.items() if key not in suppressed)
    while (sum(cells[k] for k in suppressed) < threshold or len(suppressed) < 2) and remaining:
        suppressed.add(remaining.pop(0)[1])
    return suppressed


def protect(
    *, total: int, tables: Mapping[str, Mapping[str, int]], policy: Policy | None = None
) -> Publication:
    """The publishable form of `tables` (each a breakdown of the same `total`).

    Raises ValueError when a count is negative or a table does not add up to the total: the
    guarantees above hold only for consistent tables.
    """
    policy = policy or Policy()
    for name, cells in tables.items():
        if any(count < 0 for count in cells.values()):
            raise ValueError(f"table {name!r} has a negative count")
        if sum(cells.values()) != total:
            raise ValueError(f"table {name!r} does not add up to the total")
    if total < policy.threshold:
        return Publication(
            policy=policy,
            total=None,
            tables={name: dict.fromkeys(cells) for name, cells in tables.items()},
        )
    published: dict[str, dict[str, int | None]] = {}
    for name, cells in tables.items():
        hidden = _suppressed_keys(cells, policy.threshold)
        published[name] = {
            key: None if key in hidden else round_to_base(count, policy.base)
            for key, count in cells.items()
        }
    return Publication(policy=policy, total=round_to_base(total, policy.base), tables=published)
