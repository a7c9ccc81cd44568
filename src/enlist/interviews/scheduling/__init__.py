"""Interview scheduling for one mission (pure: no Django, dataclasses in and out).

Modules: ``types`` (the dataclasses, imported by all the others), ``slots`` (panel slots and the
bound), ``match`` (cases onto slots), ``fill`` (the gaps), ``exact`` (CP-SAT), ``solve`` (the
phases in order), ``check`` (an independent checker of the guarantees, for tests and benchmarks).

``schedule_interviews(problem)`` books waiting cases onto panel slots. An interview needs one
attaché AND one consul, both available for the whole interview, a venue (room or video link)
in a mode the applicant accepts, and — when neither panel member shares a language with the
applicant — an interpreter covering one of the applicant's languages, free at that time.

Guarantees (checked independently by ``scheduling.check.schedule_violations`` in the tests
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

How (see ``slots`` and ``match``): slot capacity is what binds, so the
panel slots (time × attaché × consul × venue) are packed first, earliest-first on the step
grid, and an upper bound on any schedule's size is computed beside them (per independent block
of time, the fewest interviews the attachés, the consuls or the venues could hold). Cases are
then matched to slots in priority order with augmenting paths: with the slots fixed, the
bookable sets form a matroid, so the result is both as large as possible and best by priority.
When that falls short of the bound, the cases left over try every free grid time between
the booked interviews (``fill``); if still short on a small problem, CP-SAT solves
the full time-indexed model (``exact``) with that result as a hint, and its proven
bound tightens ours. ``objective`` counts new bookings; ``optimal`` means objective == bound.
"""

from enlist.interviews.scheduling.solve import priority_key, schedule_interviews, split_existing
from enlist.interviews.scheduling.types import (
    MODES,
    Booking,
    Interpreter,
    MissionProblem,
    Mode,
    PanelMember,
    Role,
    ScheduleResult,
    Venue,
    WaitingCase,
    Window,
)

__all__ = [
    "MODES",
    "Booking",
    "Interpreter",
    "MissionProblem",
    "Mode",
    "PanelMember",
    "Role",
    "ScheduleResult",
    "Venue",
    "WaitingCase",
    "Window",
    "priority_key",
    "schedule_interviews",
    "split_existing",
]
