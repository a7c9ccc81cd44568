"""Interview scheduling for one mission (pure: no Django, dataclasses in and out).

``schedule_interviews(problem)`` books waiting cases onto panel slots. An interview needs one
attaché AND one consul, both available for the whole interview, a venue (room or video link)
in a mode the applicant accepts, and — when neither panel member shares a language with the
applicant — an interpreter covering one of the applicant's languages, free at that time.

Guarantees (checked independently by ``scheduling_check.schedule_violations`` in the tests
and the benchmark):
- nobody (attaché, consul, venue, interpreter, applicant) is booked twice at once, and two
  interviews of the same person or venue are at least ``buffer`` apart;
- nobody is booked outside their availability, no applicant inside their unavailable windows,
  nothing outside the horizon; every start is a whole multiple of ``step`` since the Unix
  epoch (09:00, 09:15 … for 15 minutes, wherever the horizon starts);
- confirmed existing bookings are kept as they are (they occupy their resources); unconfirmed
  ones too unless ``replan_unconfirmed`` — then they are released (``ScheduleResult.released``)
  and their cases are planned again if they are among ``problem.cases``; a case that holds a
  kept booking is left alone (neither in ``new`` nor in ``unbooked``);
- if not everyone fits: recommended cases before the others, then the longest waiting; the
  earlier slots go to the higher priority — except that on a re-plan a released booking whose
  slot is still free at its case's turn is kept (nobody is moved for nothing).

How (see ``scheduling_slots`` and ``scheduling_match``): slot capacity is what binds, so the
panel slots (time × attaché × consul × venue) are packed first, earliest-first on the step
grid, and an upper bound on any schedule's size is computed beside them (per independent block
of time, the fewest interviews the attachés, the consuls or the venues could hold). Cases are
then matched to slots in priority order with augmenting paths: with the slots fixed, the
bookable sets form a matroid, so the result is both as large as possible and best by priority.
When that falls short of the bound, the cases left over try every free grid time between
the booked interviews (``scheduling_fill``); if still short on a small problem, CP-SAT solves
the full time-indexed model (``scheduling_exact``) with that result as a hint, and its proven
bound tightens ours. ``objective`` counts new bookings; ``optimal`` means objective == bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

Role = Literal["attache", "consul"]
Mode = Literal["in_person", "video"]
MODES: frozenset[str] = frozenset({"in_person", "video"})


@dataclass(frozen=True)
class Window:
    """A half-open interval of time [start, end), timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("Window needs timezone-aware datetimes")
        if self.end <= self.start:
            raise ValueError("Window must end after it starts")


@dataclass(frozen=True)
class PanelMember:
    id: str
    role: Role
    languages: frozenset[str]
    available: tuple[Window, ...]


@dataclass(frozen=True)
class Venue:
    """A room (``in_person``) or a video link (``video``); either hosts one interview at a time."""

    id: str
    mode: Mode
    available: tuple[Window, ...]


@dataclass(frozen=True)
class Interpreter:
    id: str
    languages: frozenset[str]
    available: tuple[Window, ...]


@dataclass(frozen=True)
class WaitingCase:
    id: str
    languages: frozenset[str]
    unavailable: tuple[Window, ...]
    recommended: bool
    waiting_since: datetime
    modes: frozenset[str] = MODES


@dataclass(frozen=True)
class Booking:
    case_id: str
    start: datetime
    end: datetime
    attache_id: str
    consul_id: str
    venue_id: str
    interpreter_id: str | None
    confirmed: bool


@dataclass(frozen=True)
class MissionProblem:
    mission: str
    members: tuple[PanelMember, ...]
    venues: tuple[Venue, ...]
    interpreters: tuple[Interpreter, ...]
    cases: tuple[WaitingCase, ...]
    existing: tuple[Booking, ...]
    length: timedelta
    buffer: timedelta
    horizon: Window
    step: timedelta = timedelta(minutes=15)
    replan_unconfirmed: bool = False


@dataclass(frozen=True)
class ScheduleResult:
    mission: str
    bookings: tuple[Booking, ...]
    """Kept existing bookings followed by the new ones."""
    new: tuple[Booking, ...]
    unbooked: dict[str, str]
    """Case id -> why it stays unbooked (plain words, no personal data)."""
    objective: int
    """Number of new bookings."""
    bound: int
    """Upper bound on the number of new bookings any valid schedule could make."""
    optimal: bool
    seconds: float
    released: tuple[Booking, ...] = ()
    """Unconfirmed existing bookings given up by a re-plan (their case may be in ``new``)."""
    method: str = "slots+matching"
    """``slots+matching``, ``slots+matching+gaps`` (some cases fitted between the booked
    interviews) or ``cp-sat`` (the exact model improved on both)."""
    panel_slots: int = 0
    """Panel slots packed by the greedy phase (booked or not)."""

    @property
    def gap(self) -> float:
        """Booked / bound (1.0 when the bound is 0)."""
        return self.objective / self.bound if self.bound else 1.0


@dataclass
class _Solved:
    """What a solving phase hands back: new bookings and the bound it proved."""

    new: list[Booking] = field(default_factory=list)
    bound: int = 0
    proven: bool = False


def priority_key(case: WaitingCase) -> tuple:
    """Recommended first, then longest waiting, then id (a stable, total order)."""
    return (not case.recommended, case.waiting_since, case.id)


def schedule_interviews(
    problem: MissionProblem, *, time_limit: float = 10.0, workers: int = 2
) -> ScheduleResult:
    """Book as many of ``problem.cases`` as fit, by priority; see the module docstring."""
    from enlist.interviews.scheduling_exact import solve_exact, worth_solving_exactly
    from enlist.interviews.scheduling_fill import fill_gaps
    from enlist.interviews.scheduling_match import match_cases
    from enlist.interviews.scheduling_slots import prepare

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
