"""Interview capacity of a mission's panel over a period (pure: no Django).

A panel is one attaché and one consul in one venue. At any moment the mission can hold as
many interviews at once as it has attachés available, consuls available and venues, whichever
is fewest. Capacity is that number integrated over the period, in slots of the interview's
length plus its buffer, rounded down: the most the scheduler could book, never more.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

Span = tuple[datetime.datetime, datetime.datetime]


def panel_slots(
    *,
    attaches: Sequence[Sequence[Span]],
    consuls: Sequence[Sequence[Span]],
    venues: int,
    slot: datetime.timedelta,
) -> int:
    """How many interviews fit, at most, in the members' available spans (each member's
    spans not overlapping one another)."""
    if venues <= 0 or slot <= datetime.timedelta(0):
        return 0
    events: list[tuple[datetime.datetime, int, int]] = []  # (moment, attaché ±, consul ±)
    for spans, is_attache in ((attaches, True), (consuls, False)):
        for member in spans:
            for start, end in member:
                if start < end:
                    events.append((start, 1 if is_attache else 0, 0 if is_attache else 1))
                    events.append((end, -1 if is_attache else 0, 0 if is_attache else -1))
    events.sort(key=lambda e: e[0])
    free_a = free_c = 0
    parallel_time = datetime.timedelta(0)
    previous: datetime.datetime | None = None
    for moment, da, dc in events:
        if previous is not None and moment > previous:
            parallel_time += (moment - previous) * min(free_a, free_c, venues)
        free_a += da
        free_c += dc
        previous = moment
    return parallel_time // slot
