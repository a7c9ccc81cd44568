"""Panel slots, the capacity bound and each case's compatible slots (pure).

Time inside is integer seconds from the first grid instant of the horizon; interview starts
lie on the step grid (``g * step``), which runs through whole multiples of the step since the
Unix epoch. A resource "can start" at ``g`` when one of its free windows (availability
minus the kept bookings widened by the buffer) holds the whole interview.

Packing: sweeping the grid, every time at least one attaché, one consul and one venue are
available and out of their buffer, they form a panel slot. For one panel this earliest-first
packing is optimal (equal-length intervals); with several it is what the bound checks. Which
pair and which venue: the ones the queue asks for (languages not every pair speaks, a mode
some accept alone), then the less used members; on a re-plan the released bookings' slots
are formed first.

Bound: grid starts split into blocks further than ``length + buffer`` apart, so no two
interviews in different blocks ever conflict. Inside a block every interview uses one attaché,
one consul and one venue, so no schedule holds more than the fewest interviews the attachés
together, the consuls together or the venues together could hold alone (each counted by the
same earliest-first packing, which is optimal for one resource). Beside it, no more cases
than could be booked at all (static reasons excluded), of whom those needing an interpreter
whichever pair sits are at most what their interpreters could hold.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import numpy as np

from enlist.interviews.scheduling.types import (
    Booking,
    Interpreter,
    MissionProblem,
    PanelMember,
    Venue,
    WaitingCase,
    Window,
)

SECOND = timedelta(seconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Span = tuple[int, int]
Profile = tuple[frozenset[str], frozenset[str]]  # (modes, languages)
Option = tuple[int, tuple[int, ...] | None]  # (slot index, interpreter candidates or None)
Demand = dict[str | frozenset[str], int]  # per mode, and per set of languages


def floor_s(dt: datetime, origin: datetime) -> int:
    return (dt - origin) // SECOND


def ceil_s(dt: datetime, origin: datetime) -> int:
    return -((origin - dt) // SECOND)


# Spans are of grid seconds here and of UTC moments in ``availability.py``: the same two
# operations serve both.
Instant = TypeVar("Instant", int, datetime)


def merge(spans: Iterable[tuple[Instant, Instant]]) -> list[tuple[Instant, Instant]]:
    """The spans sorted, empty ones dropped, overlapping or touching ones joined."""
    out: list[tuple[Instant, Instant]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def subtract(
    spans: list[tuple[Instant, Instant]], holes: Iterable[tuple[Instant, Instant]]
) -> list[tuple[Instant, Instant]]:
    """``spans`` (merged) minus ``holes``."""
    out = spans
    for hs, he in merge(holes):
        nxt: list[tuple[Instant, Instant]] = []
        for s, e in out:
            if he <= s or hs >= e:
                nxt.append((s, e))
                continue
            if s < hs:
                nxt.append((s, hs))
            if he < e:
                nxt.append((he, e))
        out = nxt
    return out


def overlaps(spans: Sequence[Span], s: int, e: int) -> bool:
    """Whether [s, e) meets any of the merged, sorted ``spans``."""
    k = bisect_right(spans, (s, float("inf"))) - 1
    if k >= 0 and spans[k][1] > s:
        return True
    return k + 1 < len(spans) and spans[k + 1][0] < e


@dataclass
class Slot:
    index: int
    g: int
    start: int
    attache: int
    consul: int
    venue: int
    mode: str
    languages: frozenset[str]


@dataclass
class CaseInfo:
    case: WaitingCase
    rank: int
    unavailable: list[Span]
    reason: str | None = None
    """Why no schedule at all could book it (excluded from the bound), else None."""
    profile: Profile = (frozenset(), frozenset())
    options: list[Option] = field(default_factory=list)
    """(slot index, interpreter candidates or None when none is needed), earliest first;
    shared by every case of the same (modes, languages) — ``blocked`` says which it cannot."""
    lookup: dict[int, tuple[int, ...] | None] = field(default_factory=dict)
    """``options`` as slot index -> interpreter candidates (shared too)."""
    blocked: set[int] = field(default_factory=set)
    """Slot indices that meet the applicant's unavailable windows."""

    def fits(self, slot: int) -> bool:
        return slot in self.lookup and slot not in self.blocked

    def has_options(self) -> bool:
        return any(s not in self.blocked for s, _ in self.options)


@dataclass
class Plan:
    problem: MissionProblem
    origin: datetime
    step: int
    length: int
    sep: int
    grid: int
    attaches: list[PanelMember]
    consuls: list[PanelMember]
    venues: list[Venue]
    interpreters: list[Interpreter]
    attache_can: list[np.ndarray]
    consul_can: list[np.ndarray]
    venue_can: list[np.ndarray]
    interpreter_can: list[np.ndarray]
    slots: list[Slot]
    cases: list[CaseInfo]
    bound: int

    def booking(self, case_id: str, start: int, a: int, c: int, v: int, i: int | None) -> Booking:
        begin = self.origin + start * SECOND
        return Booking(
            case_id=case_id,
            start=begin,
            end=begin + self.length * SECOND,
            attache_id=self.attaches[a].id,
            consul_id=self.consuls[c].id,
            venue_id=self.venues[v].id,
            interpreter_id=None if i is None else self.interpreters[i].id,
            confirmed=False,
        )

    def case_free_at(self, info: CaseInfo, start: int) -> bool:
        return not (info.unavailable and overlaps(info.unavailable, start, start + self.length))

    def reasons(self, booked: set[str]) -> dict[str, str]:
        """Why each case outside ``booked`` stays unbooked."""
        out = {}
        for info in self.cases:
            if info.case.id in booked:
                continue
            if info.reason:
                out[info.case.id] = info.reason
            elif info.has_options():
                out[info.case.id] = "every suitable slot is taken by cases ahead in the queue"
            elif not self.slots:
                out[info.case.id] = (
                    "no free panel slot within the horizon"
                    if self.problem.existing
                    else "no panel slot within the horizon"
                )
            elif self._profile_slots(info, ignore_unavailable=True):
                out[info.case.id] = "unavailable on every free slot"
            elif any(s.mode in info.case.modes for s in self.slots):
                out[info.case.id] = (
                    f"needs an interpreter for {_languages(info.case.languages)}; "
                    "none free at any panel slot"
                )
            else:
                out[info.case.id] = "no panel slot in the modes the applicant accepts"
        return out

    def _profile_slots(self, info: CaseInfo, *, ignore_unavailable: bool = False) -> list[Option]:
        case = info.case
        out: list[Option] = []
        for slot in self.slots:
            if slot.mode not in case.modes:
                continue
            if not ignore_unavailable and not self.case_free_at(info, slot.start):
                continue
            if case.languages & slot.languages:
                out.append((slot.index, None))
                continue
            cands = tuple(
                k
                for k, it in enumerate(self.interpreters)
                if it.languages & case.languages and self.interpreter_can[k][slot.g]
            )
            if cands:
                out.append((slot.index, cands))
        return out


def _languages(languages: frozenset[str]) -> str:
    return " or ".join(f"'{x}'" for x in sorted(languages)) or "an unstated language"


def prepare(
    problem: MissionProblem,
    kept: list[Booking],
    cases: list[WaitingCase],
    previous: Iterable[Booking] = (),
) -> Plan:
    """Free windows, panel slots, the bound and every case's options (cases sorted by priority).

    ``previous``: released bookings of a re-plan; where one still fits, its slot is packed
    first (same time, attaché, consul and venue) so that its case can keep it.
    """
    # The grid runs through whole multiples of the step since the Unix epoch (:00, :15, :30,
    # :45 for 15 minutes), whatever instant the horizon starts at.
    origin = problem.horizon.start + (-(problem.horizon.start - EPOCH)) % problem.step
    horizon = floor_s(problem.horizon.end, origin)
    step = int(problem.step / SECOND)
    length = -(-problem.length // SECOND)
    buffer = -(-problem.buffer // SECOND)
    if step <= 0 or length <= 0 or buffer < 0:
        raise ValueError("step and length must be positive, buffer not negative")
    sep = length + buffer
    grid = max(0, (horizon - length) // step + 1)

    blocked: dict[tuple[str, str | None], list[Span]] = {}
    for b in kept:
        hole = (floor_s(b.start, origin) - buffer, ceil_s(b.end, origin) + buffer)
        for key in (
            ("m", b.attache_id),
            ("m", b.consul_id),
            ("v", b.venue_id),
            ("i", b.interpreter_id),
        ):
            blocked.setdefault(key, []).append(hole)

    def can(kind: str, rid: str, available: tuple[Window, ...]) -> np.ndarray:
        spans = merge(
            (max(ceil_s(w.start, origin), 0), min(floor_s(w.end, origin), horizon))
            for w in available
        )
        spans = subtract(spans, blocked.get((kind, rid), []))
        out = np.zeros(grid, dtype=bool)
        for s, e in spans:
            lo, hi = -(-s // step), (e - length) // step
            if hi >= lo:
                out[lo : min(hi, grid - 1) + 1] = True
        return out

    attaches = [m for m in problem.members if m.role == "attache"]
    consuls = [m for m in problem.members if m.role == "consul"]
    venues = list(problem.venues)
    interpreters = list(problem.interpreters)
    attache_can = [can("m", m.id, m.available) for m in attaches]
    consul_can = [can("m", m.id, m.available) for m in consuls]
    venue_can = [can("v", v.id, v.available) for v in venues]
    interpreter_can = [can("i", i.id, i.available) for i in interpreters]

    infos = static_reasons(cases, attaches, consuls, venues, interpreters, origin)
    capacity = capacity_bound(step, sep, grid, attache_can, consul_can, venue_can)
    possible = [info for info in infos if info.reason is None]
    panel_languages = [a.languages | c.languages for a in attaches for c in consuls]
    dependent = [  # cases that need an interpreter whichever panel sits
        info for info in possible if not any(info.case.languages & p for p in panel_languages)
    ]
    if dependent:
        spoken = frozenset().union(*(info.case.languages for info in dependent))
        feasible = _any(attache_can, grid) & _any(consul_can, grid) & _any(venue_can, grid)
        serving = sum(
            _pack_count(np.flatnonzero(arr & feasible), step, sep)
            for arr, it in zip(interpreter_can, interpreters, strict=True)
            if it.languages & spoken
        )
        possible_count = len(possible) - len(dependent) + min(len(dependent), serving)
    else:
        possible_count = len(possible)
    # What the cases likely to be booked ask for steers which venue and which pair a slot
    # takes: the modes of those who accept only one, the languages of those whom not every
    # pair of attaché and consul can speak with.
    demand: Demand = {"video": 0, "in_person": 0}
    for info in possible[:capacity]:
        if len(info.case.modes) == 1:
            for mode in info.case.modes & demand.keys():
                demand[mode] += 1
        if not all(info.case.languages & p for p in panel_languages):
            demand[info.case.languages] = demand.get(info.case.languages, 0) + 1
    position = {("a", m.id): k for k, m in enumerate(attaches)}
    position |= {("c", m.id): k for k, m in enumerate(consuls)}
    position |= {("v", v.id): k for k, v in enumerate(venues)}
    waiting = {case.id for case in cases}
    preferred: dict[int, list[tuple[int, int, int]]] = {}
    for b in previous:
        offset = floor_s(b.start, origin)
        a = position.get(("a", b.attache_id))
        c = position.get(("c", b.consul_id))
        v = position.get(("v", b.venue_id))
        on_grid = b.case_id in waiting and offset % step == 0
        if on_grid and a is not None and c is not None and v is not None:
            preferred.setdefault(offset // step, []).append((a, c, v))
    slots = pack_slots(
        step, sep, grid, attaches, consuls, venues, attache_can, consul_can, venue_can, demand,
        preferred,
    )  # fmt: skip

    plan = Plan(
        problem=problem,
        origin=origin,
        step=step,
        length=length,
        sep=sep,
        grid=grid,
        attaches=attaches,
        consuls=consuls,
        venues=venues,
        interpreters=interpreters,
        attache_can=attache_can,
        consul_can=consul_can,
        venue_can=venue_can,
        interpreter_can=interpreter_can,
        slots=slots,
        cases=infos,
        bound=min(possible_count, capacity),
    )
    case_options(plan)
    return plan


def _any(arrays: list[np.ndarray], grid: int) -> np.ndarray:
    out = np.zeros(grid, dtype=bool)
    for a in arrays:
        out |= a
    return out


def pack_slots(
    step: int,
    sep: int,
    grid: int,
    attaches: Sequence[PanelMember],
    consuls: Sequence[PanelMember],
    venues: Sequence[Venue],
    a_can: list[np.ndarray],
    c_can: list[np.ndarray],
    v_can: list[np.ndarray],
    demand: Demand | None = None,
    preferred: dict[int, list[tuple[int, int, int]]] | None = None,
) -> list[Slot]:
    """Earliest-first panel slots: (time, attaché, consul, venue), sorted by time.

    Where several attachés or consuls are free, the pair speaking the languages still most
    wanted is formed, then the less used members (so everyone's languages reach some slots).
    Where venues of both modes are free, a slot takes the mode whose demand (cases accepting
    only that mode) is least covered so far; rooms otherwise. ``preferred`` (grid start ->
    (attaché, consul, venue) triples, a re-plan's released bookings) go first where all free.
    """
    preferred = preferred or {}
    deficit = dict(demand or {})
    used: Counter[tuple[str, int]] = Counter()
    feasible = _any(a_can, grid) & _any(c_can, grid) & _any(v_can, grid)
    a_next = [-sep] * len(attaches)
    c_next = [-sep] * len(consuls)
    v_next = [-sep] * len(venues)
    # A resource promised to a preferred slot a little later is not used before it.
    reach = (sep - 1) // step
    a_ahead = [np.zeros(grid, dtype=bool) for _ in attaches]
    c_ahead = [np.zeros(grid, dtype=bool) for _ in consuls]
    v_ahead = [np.zeros(grid, dtype=bool) for _ in venues]
    for x, triples in preferred.items():
        for a, c, v in triples:
            if 0 <= x < grid and a_can[a][x] and c_can[c][x] and v_can[v][x]:
                for ahead, k in ((a_ahead, a), (c_ahead, c), (v_ahead, v)):
                    ahead[k][max(0, x - reach) : x] = True
    slots: list[Slot] = []
    for g in np.flatnonzero(feasible).tolist():
        t = g * step
        fa = [
            k for k in range(len(attaches))
            if a_can[k][g] and a_next[k] <= t and not a_ahead[k][g]
        ]  # fmt: skip
        if not fa:
            continue
        fc = [
            k for k in range(len(consuls)) if c_can[k][g] and c_next[k] <= t and not c_ahead[k][g]
        ]
        if not fc:
            continue
        fv = [k for k in range(len(venues)) if v_can[k][g] and v_next[k] <= t and not v_ahead[k][g]]
        wished = [(a, c, v) for a, c, v in preferred.get(g, ()) if a in fa and c in fc and v in fv]
        while fa and fc and fv:
            wish = next((w for w in wished if w[0] in fa and w[1] in fc and w[2] in fv), None)
            if wish is not None:
                a, c = wish[:2]
            else:
                a, c = max(
                    ((a, c) for a in fa for c in fc),
                    key=lambda ac: _pair_score(ac, attaches, consuls, deficit, used),
                )
            fa.remove(a)
            fc.remove(c)
            spoken = attaches[a].languages | consuls[c].languages
            for key in deficit:
                if isinstance(key, frozenset) and key & spoken:
                    deficit[key] -= 1
            used[("a", a)] += 1
            used[("c", c)] += 1
            if wish is not None:
                v = wish[2]
            else:
                want = max(
                    ("in_person", "video"), key=lambda m: (deficit.get(m, 0), m == "in_person")
                )
                v = next((k for k in fv if venues[k].mode == want), fv[0])
            fv.remove(v)
            deficit[venues[v].mode] = deficit.get(venues[v].mode, 0) - 1
            slots.append(
                Slot(
                    index=len(slots),
                    g=g,
                    start=t,
                    attache=a,
                    consul=c,
                    venue=v,
                    mode=venues[v].mode,
                    languages=attaches[a].languages | consuls[c].languages,
                )
            )
            a_next[a] = c_next[c] = v_next[v] = t + sep
    return slots


def _pair_score(
    pair: tuple[int, int],
    attaches: Sequence[PanelMember],
    consuls: Sequence[PanelMember],
    deficit: Demand,
    used: Counter[tuple[str, int]],
) -> tuple[int, int, int, int]:
    """Languages still wanted that the pair speaks first, then the less used members."""
    a, c = pair
    spoken = attaches[a].languages | consuls[c].languages
    wanted = sum(
        n for key, n in deficit.items() if isinstance(key, frozenset) and n > 0 and key & spoken
    )
    return (wanted, -(used[("a", a)] + used[("c", c)]), -a, -c)


def _pack_count(starts: np.ndarray, step: int, sep: int) -> int:
    count, last = 0, None
    for g in starts.tolist():
        t = g * step
        if last is None or t >= last + sep:
            count += 1
            last = t
    return count


def capacity_bound(
    step: int,
    sep: int,
    grid: int,
    a_can: list[np.ndarray],
    c_can: list[np.ndarray],
    v_can: list[np.ndarray],
) -> int:
    """Upper bound on the interviews any schedule can hold (see the module docstring)."""
    any_a, any_c, any_v = _any(a_can, grid), _any(c_can, grid), _any(v_can, grid)
    feasible = np.flatnonzero(any_a & any_c & any_v)
    if not len(feasible):
        return 0
    cuts = np.flatnonzero(np.diff(feasible) * step >= sep) + 1
    total = 0
    for block in np.split(feasible, cuts):
        lo, hi = block[0], block[-1] + 1
        sums = []
        for group in (a_can, c_can, v_can):
            sums.append(
                sum(
                    _pack_count(lo + np.flatnonzero(arr[lo:hi] & any_a[lo:hi] & any_c[lo:hi]
                                                    & any_v[lo:hi]), step, sep)
                    for arr in group
                )
            )  # fmt: skip
        total += min(sums)
    return total


def static_reasons(
    cases: Sequence[WaitingCase],
    attaches: Sequence[PanelMember],
    consuls: Sequence[PanelMember],
    venues: Sequence[Venue],
    interpreters: Sequence[Interpreter],
    origin: datetime,
) -> list[CaseInfo]:
    """Each case (in priority order) with the reason no schedule at all could book it, if any."""
    panel_languages = [a.languages | c.languages for a in attaches for c in consuls]
    venue_modes = {v.mode for v in venues}
    out = []
    for rank, case in enumerate(cases):
        info = CaseInfo(
            case=case,
            rank=rank,
            unavailable=merge(
                (floor_s(w.start, origin), ceil_s(w.end, origin)) for w in case.unavailable
            ),
            profile=(case.modes, case.languages),
        )
        out.append(info)
        if not attaches or not consuls:
            info.reason = "no panel slot within the horizon: the mission lacks an attaché or consul"
        elif not case.modes & venue_modes:
            modes = " or ".join(sorted(case.modes)) or "no mode"
            info.reason = f"no room or video link for the modes the applicant accepts ({modes})"
        elif not any(case.languages & p for p in panel_languages) and not any(
            case.languages & i.languages for i in interpreters
        ):
            info.reason = f"needs an interpreter for {_languages(case.languages)}; none available"
    return out


def case_options(plan: Plan) -> None:
    """Fill each possible case's compatible slots (shared per profile) and blocked slots."""
    starts = [slot.start for slot in plan.slots]
    by_profile: dict[Profile, tuple[list[Option], dict[int, tuple[int, ...] | None]]] = {}
    for info in plan.cases:
        if info.reason is not None:
            continue
        if info.profile not in by_profile:
            options = plan._profile_slots(
                CaseInfo(case=info.case, rank=info.rank, unavailable=[]), ignore_unavailable=True
            )
            by_profile[info.profile] = (options, dict(options))
        info.options, info.lookup = by_profile[info.profile]
        for us, ue in info.unavailable:
            lo = bisect_right(starts, us - plan.length)
            hi = bisect_left(starts, ue)
            info.blocked.update(range(lo, hi))
