"""Fill the gaps: book cases that no packed slot suited at any free grid time (pure).

The packed slots are rigid (09:00, 10:00 …). When a mission has slots to spare, a case that
fits none of them — free only at 15:30, or needing an interpreter who comes at 14:15 — may
still fit between the booked interviews. With the empty slots dropped, each such case (in
priority order) takes the earliest grid start where an attaché, a consul, a venue in its
mode and, if needed, an interpreter are all free (buffer included) and it is available.
Vectorised over the grid with numpy; only the handful of cases left over pay for it.
"""

from __future__ import annotations

import numpy as np

from enlist.interviews.scheduling.slots import Plan
from enlist.interviews.scheduling.types import Booking


def fill_gaps(plan: Plan, booked: list[Booking]) -> list[Booking]:
    """Extra bookings for the possible cases not in ``booked``; ``booked`` stays as it is."""
    done = {b.case_id for b in booked}
    waiting = [i for i in plan.cases if i.reason is None and i.case.id not in done]
    if not waiting or plan.grid == 0:
        return []
    reach = (plan.sep - 1) // plan.step  # grid steps within which two starts conflict
    free = {
        "a": [arr.copy() for arr in plan.attache_can],
        "c": [arr.copy() for arr in plan.consul_can],
        "v": [arr.copy() for arr in plan.venue_can],
        "i": [arr.copy() for arr in plan.interpreter_can],
    }
    index = {
        "a": {m.id: k for k, m in enumerate(plan.attaches)},
        "c": {m.id: k for k, m in enumerate(plan.consuls)},
        "v": {m.id: k for k, m in enumerate(plan.venues)},
        "i": {m.id: k for k, m in enumerate(plan.interpreters)},
    }

    def occupy(kind: str, k: int, g: int) -> None:
        free[kind][k][max(0, g - reach) : g + reach + 1] = False

    for b in booked:
        g = int((b.start - plan.origin).total_seconds()) // plan.step
        occupy("a", index["a"][b.attache_id], g)
        occupy("c", index["c"][b.consul_id], g)
        occupy("v", index["v"][b.venue_id], g)
        if b.interpreter_id is not None:
            occupy("i", index["i"][b.interpreter_id], g)

    starts = np.arange(plan.grid) * plan.step
    extra: list[Booking] = []
    for info in waiting:
        case = info.case
        mask = np.logical_or.reduce(free["a"]) & np.logical_or.reduce(free["c"])
        venues = [k for k, v in enumerate(plan.venues) if v.mode in case.modes]
        if not venues:
            continue
        mask &= np.logical_or.reduce([free["v"][k] for k in venues])
        for us, ue in info.unavailable:
            mask &= ~((starts > us - plan.length) & (starts < ue))
        interpreters = [
            k for k, it in enumerate(plan.interpreters) if it.languages & case.languages
        ]
        for g in np.flatnonzero(mask).tolist():
            choice = _combination(plan, free, case.languages, venues, interpreters, g)
            if choice is not None:
                a, c, v, i = choice
                occupy("a", a, g)
                occupy("c", c, g)
                occupy("v", v, g)
                if i is not None:
                    occupy("i", i, g)
                extra.append(plan.booking(case.id, g * plan.step, a, c, v, i))
                break
    return extra


Combination = tuple[int, int, int, int | None]  # attaché, consul, venue, interpreter


def _combination(
    plan: Plan,
    free: dict[str, list[np.ndarray]],
    languages: frozenset[str],
    venues: list[int],
    interpreters: list[int],
    g: int,
) -> Combination | None:
    v = next(k for k in venues if free["v"][k][g])
    for a, a_free in enumerate(free["a"]):
        if not a_free[g]:
            continue
        for c, c_free in enumerate(free["c"]):
            if not c_free[g]:
                continue
            if languages & (plan.attaches[a].languages | plan.consuls[c].languages):
                return a, c, v, None
            i = next((k for k in interpreters if free["i"][k][g]), None)
            if i is not None:
                return a, c, v, i
    return None
