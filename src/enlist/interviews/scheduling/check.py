"""An independent check of a schedule against the rules (pure; shares no code with the solver).

``schedule_violations(problem, result)`` lists every broken rule as ``(kind, detail)``;
an empty list means the schedule is valid. Kinds: ``double`` (a person, venue or applicant
booked twice at once or closer than the buffer), ``availability``, ``unavailable``,
``horizon``, ``grid``, ``interpreter``, ``mode``, ``unknown``, ``moved`` (a confirmed
booking — or an unconfirmed one without ``replan_unconfirmed`` — changed or vanished).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from enlist.interviews.scheduling.types import Booking, MissionProblem, ScheduleResult, Window

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _inside(windows: tuple[Window, ...], start: datetime, end: datetime) -> bool:
    spans = sorted((w.start, w.end) for w in windows)
    merged: list[list[datetime]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return any(s <= start and end <= e for s, e in merged)


def _meets(windows: tuple[Window, ...], start: datetime, end: datetime) -> bool:
    return any(w.start < end and start < w.end for w in windows)


def schedule_violations(problem: MissionProblem, result: ScheduleResult) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    members = {m.id: m for m in problem.members}
    venues = {v.id: v for v in problem.venues}
    interpreters = {i.id: i for i in problem.interpreters}
    cases = {c.id: c for c in problem.cases}

    final = set(result.bookings)
    for b in problem.existing:
        if (b.confirmed or not problem.replan_unconfirmed) and b not in final:
            out.append(("moved", f"existing booking of {b.case_id} changed or vanished"))

    by_case: dict[str, list[Booking]] = defaultdict(list)
    by_resource: dict[tuple[str, str], list[Booking]] = defaultdict(list)
    for b in result.bookings:
        by_case[b.case_id].append(b)
        by_resource[("member", b.attache_id)].append(b)
        by_resource[("member", b.consul_id)].append(b)
        by_resource[("venue", b.venue_id)].append(b)
        if b.interpreter_id is not None:
            by_resource[("interpreter", b.interpreter_id)].append(b)
    for case_id, group in by_case.items():
        if len(group) > 1:
            out.append(("double", f"case {case_id} booked {len(group)} times"))
    new = set(result.new)
    for (kind, rid), group in by_resource.items():
        group.sort(key=lambda b: b.start)
        for a, b in zip(group, group[1:], strict=False):
            if (a in new or b in new) and b.start < a.end + problem.buffer:
                out.append(("double", f"{kind} {rid} at {a.start:%Y-%m-%d %H:%M} and {b.start}"))

    for b in result.new:
        attache, consul = members.get(b.attache_id), members.get(b.consul_id)
        venue, case = venues.get(b.venue_id), cases.get(b.case_id)
        interp = interpreters.get(b.interpreter_id) if b.interpreter_id else None
        if (
            attache is None
            or attache.role != "attache"
            or consul is None
            or consul.role != "consul"
            or venue is None
            or case is None
            or (b.interpreter_id and interp is None)
        ):
            out.append(("unknown", f"booking of {b.case_id} names an unknown or wrong resource"))
            continue
        if b.end - b.start != problem.length:
            out.append(("grid", f"booking of {b.case_id} is not {problem.length} long"))
        if b.start < problem.horizon.start or b.end > problem.horizon.end:
            out.append(("horizon", f"booking of {b.case_id} outside the horizon"))
        if (b.start - EPOCH) % problem.step:
            out.append(("grid", f"booking of {b.case_id} off the step grid"))
        for resource in (attache, consul, venue) + ((interp,) if interp else ()):
            if not _inside(resource.available, b.start, b.end):
                out.append(("availability", f"{resource.id} not available for {b.case_id}"))
        if _meets(case.unavailable, b.start, b.end):
            out.append(("unavailable", f"case {b.case_id} booked in an unavailable window"))
        if venue.mode not in case.modes:
            out.append(("mode", f"case {b.case_id} booked {venue.mode}"))
        shared = case.languages & (attache.languages | consul.languages)
        if not shared and (interp is None or not interp.languages & case.languages):
            out.append(("interpreter", f"case {b.case_id} has no common language"))
    return out
