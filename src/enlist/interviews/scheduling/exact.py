"""The full time-indexed CP-SAT model of one mission (pure; used on small problems).

One boolean per (case, grid start, attaché, consul, venue, interpreter or none) that the
rules allow; each case at most once; for every person and venue, at most one interview
starting within any ``length + buffer`` stretch (a clique per grid start). Objective, in
strict order: the number booked, then the sum of priorities (n - rank), then earliness.
The solver's proven bound, divided back to a count, tightens the capacity bound.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from enlist.interviews.scheduling.slots import Plan
from enlist.interviews.scheduling.types import Booking

MAX_VARIABLES = 60_000


@dataclass
class Exact:
    new: list[Booking]
    bound: int
    proven: bool


Choice = tuple[int, int, int, int, int, int | None]  # rank, grid start, a, c, v, interpreter


def _choices(plan: Plan) -> Iterator[Choice]:
    """Yield (rank, g, a, c, v, i) for every booking the rules allow."""
    for info in plan.cases:
        if info.reason is not None:
            continue
        case = info.case
        for g in range(plan.grid):
            start = g * plan.step
            if not plan.case_free_at(info, start):
                continue
            att = [a for a, arr in enumerate(plan.attache_can) if arr[g]]
            if not att:
                continue
            con = [c for c, arr in enumerate(plan.consul_can) if arr[g]]
            ven = [
                v
                for v, arr in enumerate(plan.venue_can)
                if arr[g] and plan.venues[v].mode in case.modes
            ]
            if not con or not ven:
                continue
            interp = [
                k
                for k, arr in enumerate(plan.interpreter_can)
                if arr[g] and plan.interpreters[k].languages & case.languages
            ]
            for a in att:
                for c in con:
                    shared = case.languages & (
                        plan.attaches[a].languages | plan.consuls[c].languages
                    )
                    for v in ven:
                        if shared:
                            yield (info.rank, g, a, c, v, None)
                        else:
                            for k in interp:
                                yield (info.rank, g, a, c, v, k)


def worth_solving_exactly(plan: Plan) -> bool:
    """Small enough for the exact model: an upper estimate of its variables under the limit."""
    possible = sum(1 for info in plan.cases if info.reason is None)
    if not possible:
        return False
    per_start = (
        sum(arr.astype(int) for arr in plan.attache_can)
        * sum(arr.astype(int) for arr in plan.consul_can)
        * sum(arr.astype(int) for arr in plan.venue_can)
        * (1 + len(plan.interpreters))
    )
    return 0 < int(np.sum(per_start)) * possible <= MAX_VARIABLES


def solve_exact(
    plan: Plan, *, hint: list[Booking], time_limit: float, workers: int
) -> Exact | None:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    choices = list(_choices(plan))
    if not choices:  # nothing the rules allow: nobody can be booked, proven
        return Exact(new=[], bound=0, proven=True)
    xs = [model.new_bool_var(f"x{j}") for j in range(len(choices))]
    by_case: dict[int, list[cp_model.IntVar]] = {}
    by_resource: dict[tuple[str, int], dict[int, list[cp_model.IntVar]]] = {}
    for x, (rank, g, a, c, v, k) in zip(xs, choices, strict=True):
        by_case.setdefault(rank, []).append(x)
        for key in (("a", a), ("c", c), ("v", v)) + ((("i", k),) if k is not None else ()):
            by_resource.setdefault(key, {}).setdefault(g, []).append(x)
    for group in by_case.values():
        model.add_at_most_one(group)
    width = -(-plan.sep // plan.step)  # starts closer than this many grid steps conflict
    for per_start in by_resource.values():
        starts = sorted(per_start)
        for j, g in enumerate(starts):
            window: list[cp_model.IntVar] = []
            lo = j
            while lo >= 0 and starts[lo] > g - width:
                window.extend(per_start[starts[lo]])
                lo -= 1
            if len(window) > 1:
                model.add_at_most_one(window)

    n, grid = len(plan.cases), plan.grid
    tie = n * grid + 1
    unit = tie * (n * (n + 1) // 2 + 1)
    model.maximize(
        sum(
            x * (unit + tie * (n - rank) + (grid - g))
            for x, (rank, g, *_rest) in zip(xs, choices, strict=True)
        )
    )

    ranks = {info.case.id: info.rank for info in plan.cases}
    hinted: set[Choice] = set()
    for b in hint:
        hinted.add(
            (
                ranks[b.case_id],
                int((b.start - plan.origin).total_seconds()) // plan.step,
                next(i for i, m in enumerate(plan.attaches) if m.id == b.attache_id),
                next(i for i, m in enumerate(plan.consuls) if m.id == b.consul_id),
                next(i for i, m in enumerate(plan.venues) if m.id == b.venue_id),
                None
                if b.interpreter_id is None
                else next(i for i, m in enumerate(plan.interpreters) if m.id == b.interpreter_id),
            )
        )
    for x, choice in zip(xs, choices, strict=True):
        model.add_hint(x, choice in hinted)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = max(1, workers)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    new: list[Booking] = []
    for x, (rank, g, a, c, v, k) in zip(xs, choices, strict=True):
        if solver.boolean_value(x):
            new.append(plan.booking(plan.cases[rank].case.id, g * plan.step, a, c, v, k))
    proven = status == cp_model.OPTIMAL
    bound = len(new) if proven else int(solver.best_objective_bound) // unit
    return Exact(new=new, bound=max(bound, len(new)), proven=proven)
