"""Suggesting units for arrived volunteers. Pure: no Django, dataclasses in and out.

A volunteer's fit with a unit is a sum of explained parts (`score`):

- the unit the volunteer asked for ................................... +PREFERENCE
- the unit takes volunteers of their nationality ...................... +NATIONALITY
- each language they share with the unit (up to two) .................. +LANGUAGE each
- no shared language at all ........................................... NO_LANGUAGE (negative)
- each of their specialties the unit wants (up to three) .............. +SPECIALTY each

`suggest` places many volunteers at once and never puts more volunteers in a unit than its
free places (capacity minus those already assigned). Two methods:

- "greedy": best (volunteer, unit) pairs first — fast and easy to explain;
- "optimal": min-cost max-flow (OR-Tools): as many volunteers placed as the free places allow,
  and among those placements the greatest total score.

Both are deterministic: ties break on the unit's code, then the volunteer's key.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PREFERENCE = 50
NATIONALITY = 40
LANGUAGE = 15
MAX_LANGUAGES = 2
NO_LANGUAGE = -30
SPECIALTY = 10
MAX_SPECIALTIES = 3
METHODS = ("greedy", "optimal")


@dataclass(frozen=True)
class UnitSpec:
    code: str
    capacity: int
    taken: int = 0  # volunteers already assigned
    languages: frozenset[str] = frozenset()
    nationalities: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()  # codes: cases/specialties.py

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.taken)


@dataclass(frozen=True)
class Volunteer:
    key: str  # the case id
    nationality: str
    languages: frozenset[str] = frozenset()
    specialties: frozenset[str] = frozenset()  # codes: cases/specialties.py
    preference: str | None = None  # a unit code


@dataclass(frozen=True)
class ScorePart:
    code: str  # preference | nationality | language | no_language | specialty
    points: int
    detail: str  # the unit code, language code or specialty the part is about


@dataclass(frozen=True)
class UnitScore:
    unit: str
    total: int
    parts: tuple[ScorePart, ...]


@dataclass(frozen=True)
class Suggestion:
    volunteer: str
    unit: str | None  # None: no free place anywhere
    score: UnitScore | None
    ranking: tuple[UnitScore, ...]  # every unit for this volunteer, best first


def score(volunteer: Volunteer, unit: UnitSpec) -> UnitScore:
    parts: list[ScorePart] = []
    if volunteer.preference == unit.code:
        parts.append(ScorePart("preference", PREFERENCE, unit.code))
    if volunteer.nationality in unit.nationalities:
        parts.append(ScorePart("nationality", NATIONALITY, volunteer.nationality))
    shared = sorted(volunteer.languages & unit.languages)
    for language in shared[:MAX_LANGUAGES]:
        parts.append(ScorePart("language", LANGUAGE, language))
    if not shared and unit.languages:
        parts.append(ScorePart("no_language", NO_LANGUAGE, ""))
    for specialty in sorted(volunteer.specialties & unit.specialties)[:MAX_SPECIALTIES]:
        parts.append(ScorePart("specialty", SPECIALTY, specialty))
    return UnitScore(unit.code, sum(p.points for p in parts), tuple(parts))


def rank(volunteer: Volunteer, units: Iterable[UnitSpec]) -> tuple[UnitScore, ...]:
    """Every unit's score for this volunteer, best first (ties: unit code)."""
    return tuple(sorted((score(volunteer, u) for u in units), key=lambda s: (-s.total, s.unit)))


def suggest(
    volunteers: Sequence[Volunteer], units: Sequence[UnitSpec], *, method: str = "greedy"
) -> dict[str, Suggestion]:
    """A unit for each volunteer (key → Suggestion), never over any unit's free places."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if len({v.key for v in volunteers}) != len(volunteers):
        raise ValueError("volunteer keys must be unique")
    by_code = {u.code: u for u in units}
    if len(by_code) != len(units):
        raise ValueError("unit codes must be unique")
    ordered = sorted(volunteers, key=lambda v: v.key)
    rankings = {v.key: rank(v, units) for v in ordered}
    if method == "greedy":
        chosen = _greedy(ordered, by_code, rankings)
    else:
        chosen = _optimal(ordered, sorted(by_code.values(), key=lambda u: u.code), rankings)
    result = {}
    for volunteer in ordered:
        unit = chosen.get(volunteer.key)
        scored = next((s for s in rankings[volunteer.key] if s.unit == unit), None)
        result[volunteer.key] = Suggestion(volunteer.key, unit, scored, rankings[volunteer.key])
    return result


def _greedy(
    volunteers: Sequence[Volunteer],
    units: dict[str, UnitSpec],
    rankings: dict[str, tuple[UnitScore, ...]],
) -> dict[str, str]:
    free = {code: unit.free for code, unit in units.items()}
    pairs = sorted(
        ((s.total, s.unit, v.key) for v in volunteers for s in rankings[v.key]),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    chosen: dict[str, str] = {}
    for _total, code, key in pairs:
        if key not in chosen and free[code] > 0:
            chosen[key] = code
            free[code] -= 1
    return chosen


def _optimal(
    volunteers: Sequence[Volunteer],
    units: Sequence[UnitSpec],
    rankings: dict[str, tuple[UnitScore, ...]],
) -> dict[str, str]:
    from ortools.graph.python import min_cost_flow

    if not volunteers or not units:
        return {}
    scores = {(key, s.unit): s.total for key, ranking in rankings.items() for s in ranking}
    # Costs must be non-negative: cost = ceiling - score, so the least cost is the most score
    # among the placements of a maximum flow (every placement has the same count).
    ceiling = max(scores.values()) + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink = 0, 1
    first_volunteer, first_unit = 2, 2 + len(volunteers)
    arcs: list[tuple[int, str, str]] = []  # (arc index, volunteer key, unit code)
    for i, volunteer in enumerate(volunteers):
        flow.add_arc_with_capacity_and_unit_cost(source, first_volunteer + i, 1, 0)
        for j, unit in enumerate(units):
            if unit.free > 0:
                cost = ceiling - scores[(volunteer.key, unit.code)]
                arc = flow.add_arc_with_capacity_and_unit_cost(
                    first_volunteer + i, first_unit + j, 1, cost
                )
                arcs.append((arc, volunteer.key, unit.code))
    for j, unit in enumerate(units):
        flow.add_arc_with_capacity_and_unit_cost(first_unit + j, sink, unit.free, 0)
    # Offer every volunteer; the max flow places as many as the free places allow.
    flow.set_node_supply(source, len(volunteers))
    flow.set_node_supply(sink, -len(volunteers))
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:  # pragma: no cover  (a bipartite graph always solves)
        raise RuntimeError(f"min-cost flow failed: {status}")
    chosen = {}
    for arc, key, code in arcs:
        if flow.flow(arc) > 0:
            chosen[key] = code
    return chosen
