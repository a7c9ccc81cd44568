"""``schedule_interviews``: the phases of the scheduler in order (see the package docstring)."""

from __future__ import annotations

import time
from datetime import datetime

from enlist.interviews.scheduling.exact import solve_exact, worth_solving_exactly
from enlist.interviews.scheduling.fill import fill_gaps
from enlist.interviews.scheduling.match import match_cases
from enlist.interviews.scheduling.slots import prepare
from enlist.interviews.scheduling.types import Booking, MissionProblem, ScheduleResult, WaitingCase


def priority_key(case: WaitingCase) -> tuple[bool, datetime, str]:
    """Recommended first, then longest waiting, then id (a stable, total order)."""
    return (not case.recommended, case.waiting_since, case.id)


def schedule_interviews(
    problem: MissionProblem, *, time_limit: float = 10.0, workers: int = 2
) -> ScheduleResult:
    """Book as many of ``problem.cases`` as fit, by priority; see the module docstring."""
    started = time.perf_counter()
    kept, released = split_existing(problem)
    kept_cases = {b.case_id for b in kept}
    seen: set[str] = set()
    cases = []
    for case in sorted(problem.cases, key=priority_key):
        if case.id not in kept_cases and case.id not in seen:
            seen.add(case.id)
            cases.append(case)

    plan = prepare(problem, kept, cases, previous=released)
    matched = match_cases(plan, previous=released)
    new, unbooked, bound = matched.new, matched.unbooked, plan.bound
    method = "slots+matching"
    if len(new) < bound:
        extra = fill_gaps(plan, new)
        if extra:
            new = new + extra
            unbooked = plan.reasons({b.case_id for b in new})
            method = "slots+matching+gaps"
    optimal = len(new) >= bound
    if not optimal and worth_solving_exactly(plan):
        remaining = time_limit - (time.perf_counter() - started)
        exact = solve_exact(plan, hint=new, time_limit=max(remaining, 0.5), workers=workers)
        if exact is not None:
            bound = min(bound, exact.bound)
            if len(exact.new) > len(new):
                new, method = exact.new, "cp-sat"
                unbooked = plan.reasons({b.case_id for b in new})
            optimal = exact.proven or len(new) >= bound
    new = sorted(new, key=lambda b: (b.start, b.attache_id, b.case_id))
    return ScheduleResult(
        mission=problem.mission,
        bookings=tuple(kept) + tuple(new),
        new=tuple(new),
        unbooked=unbooked,
        objective=len(new),
        bound=max(bound, len(new)),
        optimal=optimal,
        seconds=time.perf_counter() - started,
        released=tuple(released),
        method=method,
        panel_slots=len(plan.slots),
    )


def split_existing(problem: MissionProblem) -> tuple[list[Booking], list[Booking]]:
    """(kept, released): confirmed bookings always stay; unconfirmed ones unless re-planning."""
    kept, released = [], []
    for booking in problem.existing:
        if booking.confirmed or not problem.replan_unconfirmed:
            kept.append(booking)
        else:
            released.append(booking)
    return kept, released
