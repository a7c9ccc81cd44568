"""Cases onto panel slots, by priority, with augmenting paths (pure).

Cases come in priority order. Each takes the earliest free slot it fits (the earlier slots
go to the higher priority). When none is free, a breadth-first search looks for a chain of
moves — a booked case shifts to another slot it fits, freeing one for the next — ending in a
free slot. That is the greedy algorithm of a transversal matroid: the booked set is as large
as any, and no lower-priority case is booked where a higher-priority one could have been.

On a re-plan, the released bookings that are still packed slots and still suit their case
are "held": the case keeps its slot when its turn comes, others take unheld slots first and,
only when none is left, the held slot of the lowest-priority holder still to come — so a
newcomer ahead in the queue moves one applicant, not everyone behind it.

Interpreters are shared across slots at the same time, so they are checked live: a slot that
needs one is usable only while a candidate interpreter is free then; a chain of moves whose
interpreters cannot all be re-allocated is rolled back. Slots seen by a failed search stay
"dead" until the next success (the matching did not change, so they still cannot reach a
free slot); this keeps the searches of the many cases that do not fit cheap.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

from enlist.interviews.scheduling.slots import CaseInfo, Plan, Profile
from enlist.interviews.scheduling.types import Booking


@dataclass
class Matched:
    new: list[Booking] = field(default_factory=list)
    unbooked: dict[str, str] = field(default_factory=dict)


class _Interpreters:
    """Interview starts booked per interpreter; conflicts are starts closer than ``sep``."""

    def __init__(self, count: int, sep: int) -> None:
        self.busy: list[list[int]] = [[] for _ in range(count)]
        self.sep = sep

    def free(self, k: int, start: int) -> bool:
        busy = self.busy[k]
        j = bisect_left(busy, start - self.sep + 1)
        return j == len(busy) or busy[j] >= start + self.sep

    def pick(self, cands: tuple[int, ...], start: int) -> int | None:
        for k in cands:
            if self.free(k, start):
                return k
        return None

    def take(self, k: int, start: int) -> None:
        insort(self.busy[k], start)

    def release(self, k: int, start: int) -> None:
        self.busy[k].remove(start)


def match_cases(plan: Plan, previous: Sequence[Booking] = ()) -> Matched:
    """Match in priority order; see the module docstring for ``previous`` (a re-plan)."""
    slots = plan.slots
    where = {
        (s.start, plan.attaches[s.attache].id, plan.consuls[s.consul].id,
         plan.venues[s.venue].id): s.index
        for s in slots
    }  # fmt: skip
    ranks = {info.case.id: info for info in plan.cases if info.reason is None}
    held: dict[int, int] = {}  # slot -> rank of the case whose released booking it is
    held_interpreter: dict[int, str | None] = {}
    for b in previous:
        key = (int((b.start - plan.origin).total_seconds()), b.attache_id, b.consul_id, b.venue_id)
        info = ranks.get(b.case_id)
        if key in where and info is not None and info.fits(where[key]):
            held[where[key]] = info.rank
            held_interpreter[where[key]] = b.interpreter_id
    mine = {rank: s for s, rank in held.items()}
    occupant: list[int | None] = [None] * len(slots)  # slot -> case rank
    placed: dict[int, tuple[int, int | None]] = {}  # case rank -> (slot, interpreter)
    interp = _Interpreters(len(plan.interpreters), plan.sep)
    infos = plan.cases
    free_count = len(slots)
    dead: set[int] = set()
    cursor: dict[Profile, int] = {}  # profile -> first option not known occupied

    def place(rank: int, s: int, k: int | None) -> None:
        occupant[s] = rank
        placed[rank] = (s, k)
        if k is not None:
            interp.take(k, slots[s].start)

    def take(info: CaseInfo, s: int, cands: tuple[int, ...] | None) -> bool:
        if cands is None:
            place(info.rank, s, None)
            return True
        same = tuple(k for k in cands if plan.interpreters[k].id == held_interpreter.get(s))
        k = interp.pick(same + cands, slots[s].start)
        if k is not None:
            place(info.rank, s, k)
        return k is not None

    def first_fit(info: CaseInfo) -> bool:
        own = mine.get(info.rank)
        if own is not None and occupant[own] is None and take(info, own, info.lookup[own]):
            return True
        options = info.options
        j = cursor.get(info.profile, 0)
        while j < len(options) and occupant[options[j][0]] is not None:
            j += 1
        cursor[info.profile] = j
        displace = None  # the held slot of the lowest-priority holder still to come
        for s, cands in options[j:]:
            if occupant[s] is not None or s in info.blocked:
                continue
            holder = held.get(s, -1)
            if holder > info.rank:
                if displace is None or holder > held[displace[0]]:
                    displace = (s, cands)
                continue
            if take(info, s, cands):
                return True
        return displace is not None and take(info, *displace)

    def augment(info: CaseInfo) -> bool:
        came_from: dict[int, int] = {}
        seen = {info.rank}
        queue = deque([info.rank])
        end = None
        while queue and end is None:
            rank = queue.popleft()
            blocked = infos[rank].blocked
            for s, cands in infos[rank].options:
                if s in came_from or s in dead or s in blocked:
                    continue
                if cands is not None and interp.pick(cands, slots[s].start) is None:
                    own = placed.get(rank)
                    # its own interpreter may be the one that would be freed: allow the try
                    if own is None or own[1] is None or own[1] not in cands:
                        continue
                came_from[s] = rank
                occ = occupant[s]
                if occ is None:
                    end = s
                    break
                if occ not in seen:
                    seen.add(occ)
                    queue.append(occ)
        if end is None:
            dead.update(came_from)
            return False
        moves = []  # (rank, new slot)
        s = end
        while True:
            rank = came_from[s]
            moves.append((rank, s))
            if rank == info.rank:
                break
            s = placed[rank][0]
        return _apply(moves)

    def _apply(moves: list[tuple[int, int]]) -> bool:
        before = {rank: placed.get(rank) for rank, _ in moves}
        for old in before.values():
            if old is not None and old[1] is not None:
                interp.release(old[1], slots[old[0]].start)
        chosen = []
        ok = True
        for rank, s in moves:
            cands = infos[rank].lookup[s]
            k = None
            if cands is not None:
                k = interp.pick(cands, slots[s].start)
                if k is None:
                    ok = False
                    break
                interp.take(k, slots[s].start)
            chosen.append((rank, s, k))
        if not ok:
            for _, s, k in chosen:
                if k is not None:
                    interp.release(k, slots[s].start)
            for old in before.values():
                if old is not None and old[1] is not None:
                    interp.take(old[1], slots[old[0]].start)
            return False
        for rank, s, k in chosen:
            occupant[s] = rank
            placed[rank] = (s, k)
        return True

    for info in infos:
        if not info.options:
            continue
        if first_fit(info):
            free_count -= 1
            continue
        if free_count and augment(info):
            free_count -= 1
            dead.clear()

    matched = Matched()
    for rank, (s, k) in placed.items():
        slot = slots[s]
        matched.new.append(
            plan.booking(infos[rank].case.id, slot.start, slot.attache, slot.consul, slot.venue, k)
        )
    matched.unbooked = plan.reasons({infos[r].case.id for r in placed})
    return matched
