"""Quantiles of whole-day durations from their histogram (pure: no Django)."""

from __future__ import annotations

import math
from collections.abc import Mapping


def quantile(histogram: Mapping[int, int], q: float) -> int | None:
    """The smallest value v with at least a share q of the observations at or below v (the
    "inverted empirical distribution", so the answer is always an observed number of days).
    None for an empty histogram."""
    if not 0 < q <= 1:
        raise ValueError("q is in (0, 1]")
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = math.ceil(q * total)
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")  # pragma: no cover
